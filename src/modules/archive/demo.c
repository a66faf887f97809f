/*
** demo.c — the archive module's demo: a realistic estate for each demo project: buildings, units with areas and
** statuses, owners, co-owners, tenants and family members with plausible Chinese names, phones
** and valid ID numbers, vehicles and pets, and a few incomplete records (建档率 below 100%).
** Deterministic (a fixed pseudo-random sequence). KEFU_DEMO_SCALE=small makes a small estate
** for tests (4 buildings, 240 units); the default is ~30 buildings, ~3,000 units, ~5,500 people;
** KEFU_DEMO_SCALE=large (the benchmark's) 50 buildings, 5,000 units per project.
*/
#include "core/audit.h"
#include "archive.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;
static unsigned rnd(unsigned n) {
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

static const char *const SURNAMES[] = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "吴", "周", "徐", "孙", "马", "朱",
    "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖",
    "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "沈", "姚", "卢", "钟", "欧阳"};
static const char *const GIVEN[] = {"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "华", "建国", "志强", "红", "玉梅", "晓燕", "海燕", "宇",
    "浩", "子涵", "梓萱", "一鸣", "俊杰", "欣怡", "佳怡", "国华", "文", "斌", "婷", "雪", "琳", "鹏", "辉", "慧", "嘉豪"};
static const char *const STRUCTS[] = {"两房一厅", "三房两厅", "三房两厅", "四房两厅", "一房一厅"};
static const char *const MODELS[] = {"丰田凯美瑞", "本田雅阁", "大众帕萨特", "比亚迪汉", "特斯拉Model 3", "日产轩逸", "别克GL8"};
static const char *const PETS[] = {"犬", "猫"};

static void person_name(char *out, size_t n, const char *surname) {
    snprintf(out, n, "%s%s", surname ? surname : SURNAMES[rnd(sizeof SURNAMES / sizeof *SURNAMES)],
             GIVEN[rnd(sizeof GIVEN / sizeof *GIVEN)]);
}

static void mobile(char *out, size_t n) {
    static const char *const pre[] = {"138", "139", "137", "135", "136", "150", "151", "158", "159", "186", "188", "189", "177"};
    snprintf(out, n, "%s%04u%04u", pre[rnd(13)], rnd(10000), rnd(10000));
}

static void resident_id(char *out, size_t n) {
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    char s[19];
    snprintf(s, sizeof s, "4401%02u19%02u%02u%02u%03u", rnd(20) + 1, rnd(40) + 55, rnd(12) + 1, rnd(28) + 1, rnd(1000));
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (s[i] - '0') * w[i];
    s[17] = "10X98765432"[sum % 11];
    s[18] = 0;
    snprintf(out, n, "%s", s);
}

static kerr add_person(db *d, int64_t pid, const char *name, const char *phone, const char *idno, int64_t now, int64_t *id) {
    if (db_insert(d, id, "INSERT INTO people(project_id, name, phone, id_type, id_no, created_at, updated_at) "
                       "VALUES (?,?,?,'身份证',?,?,?)", DI(pid), DT(name), DT(phone), DT(idno), DI(now), DI(now)))
        return db_last_kerr(d);
    const char *nm[] = {name}, *ph[] = {phone};
    kerr e = grams_set(d, pid, 'n', *id, nm, 1);
    return e ? e : grams_set(d, pid, 't', *id, ph, 1);
}

static kerr add_resident(db *d, int64_t pid, int64_t uid, int64_t person, const char *rel, int64_t now) {
    return db_exec(d, "INSERT INTO residents(project_id, unit_id, person_id, relation, since, created_at, updated_at) "
                      "VALUES (?,?,?,?,?,?,?)", DI(pid), DI(uid), DI(person), DT(rel), DT("2024-06-01"), DI(now), DI(now));
}

/* One unit with its people, vehicle and pet. `special` forces an occupied unit with an owner. */
static kerr demo_unit(db *d, int64_t pid, int64_t bid, const char *bcode, int ent, int floor, int r, bool special,
                      int64_t now, int *people) {
    char room[24], code[64], owner[32], phone[24], idno[24];
    snprintf(room, sizeof room, "%d%02d", floor, r);
    snprintf(code, sizeof code, "%s-%d-%s", bcode, ent, room);
    unsigned roll = rnd(100);
    const char *status = special ? "已入住" : roll < 8 ? "未交房" : roll < 18 ? "空置" : roll < 23 ? "装修中" : roll < 35 ? "出租" : "已入住";
    bool handed = strcmp(status, "未交房") != 0;
    person_name(owner, sizeof owner, NULL);
    int64_t area = 6000 + rnd(9000), uid = 0;
    bool no_holder = !special && rnd(100) < 3;
    if (db_insert(d, &uid, "INSERT INTO units(project_id, building_id, entrance, room, code, floor, area_build, area_use, use_type, "
                         "structure, holder, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,'住宅',?,?,?,?,?)",
                DI(pid), DI(bid), DT(ent == 1 ? "1" : "2"), DT(room), DT(code), DI(floor), DI(area), DI(area * 4 / 5),
                DT(STRUCTS[rnd(5)]), DT(handed && !no_holder ? owner : ""), DT(status), DI(now), DI(now)))
        return db_last_kerr(d);
    kerr e = db_exec(d, "INSERT INTO unit_status_history(project_id, unit_id, from_status, to_status, note, at) "
                        "VALUES (?,?,NULL,?,'演示数据',?)", DI(pid), DI(uid), DT(status), DI(now));
    if (e || !handed) return e;
    int64_t person;
    mobile(phone, sizeof phone);
    resident_id(idno, sizeof idno);
    if ((e = add_person(d, pid, owner, !special && rnd(100) < 2 ? "" : phone, idno, now, &person)) ||
        (e = add_resident(d, pid, uid, person, "业主", now)))
        return e;
    (*people)++;
    for (int k = 0; k < 2 && rnd(100) < (k ? 40 : 60); k++) {   /* spouse as co-owner, children */
        char name[32];
        person_name(name, sizeof name, k ? owner : NULL);
        if (k) snprintf(name, sizeof name, "%.3s%s", owner, GIVEN[rnd(sizeof GIVEN / sizeof *GIVEN)]);
        mobile(phone, sizeof phone);
        resident_id(idno, sizeof idno);
        if ((e = add_person(d, pid, name, phone, idno, now, &person)) ||
            (e = add_resident(d, pid, uid, person, k ? "家庭成员" : rnd(2) ? "共有人" : "家庭成员", now)))
            return e;
        (*people)++;
    }
    if (!strcmp(status, "出租")) {
        char name[32];
        person_name(name, sizeof name, NULL);
        mobile(phone, sizeof phone);
        resident_id(idno, sizeof idno);
        if ((e = add_person(d, pid, name, phone, idno, now, &person)) || (e = add_resident(d, pid, uid, person, "租户", now)))
            return e;
        (*people)++;
    }
    if (rnd(100) < 35 || special) {
        static const char letters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        char plate[16], space[16];
        int64_t vid = 0;
        snprintf(plate, sizeof plate, "粤A%c%c%u%u%u", letters[rnd(24)], letters[rnd(34)], rnd(10), rnd(10), rnd(10));
        snprintf(space, sizeof space, "B%u-%03u", rnd(2) + 1, rnd(400) + 1);
        if (db_insert(d, &vid, "INSERT INTO vehicles(project_id, unit_id, person_id, plate, model, space, created_at, updated_at) "
                             "VALUES (?,?,?,?,?,?,?,?)", DI(pid), DI(uid), DI(person), DT(plate),
                    DT(MODELS[rnd(7)]), DT(space), DI(now), DI(now)))
            return db_last_kerr(d);
        const char *pl[] = {plate};
        if ((e = grams_set(d, pid, 'v', vid, pl, 1))) return e;
    }
    if (rnd(100) < 8)
        e = db_exec(d, "INSERT INTO pets(project_id, unit_id, kind, name, vaccinated_on, created_at, updated_at) "
                       "VALUES (?,?,?,?,?,?,?)", DI(pid), DI(uid), DT(PETS[rnd(2)]), DT(rnd(2) ? "豆豆" : "咪咪"),
                    DT("2026-03-15"), DI(now), DI(now));
    return e;
}

static kerr demo_project(db *d, int64_t pid, int64_t now) {
    const char *scale = getenv("KEFU_DEMO_SCALE");
    bool small = scale && !strcmp(scale, "small"), large = scale && !strcmp(scale, "large");
    int nb = small ? 4 : large ? 50 : 30, floors = small ? 15 : 25, units = 0, people = 0;
    rng_state = 20261125u + (uint64_t)pid;
    kerr e = E_OK;
    for (int b = 1; !e && b <= nb; b++) {
        char code[24], name[32];
        int64_t bid = 0;
        snprintf(code, sizeof code, "%d", b);
        snprintf(name, sizeof name, "%d栋", b);
        if (db_insert(d, &bid, "INSERT INTO buildings(project_id, code, name, floors, entrances, kind, created_at, updated_at) "
                             "VALUES (?,?,?,?,2,'住宅楼',?,?)", DI(pid), DT(code), DT(name), DI(floors), DI(now), DI(now)))
            return db_last_kerr(d);
        for (int ent = 1; !e && ent <= 2; ent++)
            for (int f = 1; !e && f <= floors; f++)
                for (int r = 1; !e && r <= 2; r++, units++)
                    e = demo_unit(d, pid, bid, code, ent, f, r, b == 3 && ent == 2 && f == 15 && r == 2, now, &people);
    }
    if (e) return e;
    char ch[128];
    snprintf(ch, sizeof ch, "{\"source\":\"demo\",\"buildings\":%d,\"units\":%d,\"people\":%d}", nb, units, people);
    static const audit_actor sys = {0, "系统", ""};
    if ((e = archive_touch(d, pid))) return e;
    return audit_append(d, &sys, pid, "archive", pid, "demo_load", ch, now);
}

kerr archive_demo(db *d, int64_t now) {
    int64_t np = 0;
    kerr e = db_int(d, &np, "SELECT COUNT(*) FROM projects") ? E_OK : db_last_kerr(d);
    for (int64_t pid = 1; !e && pid <= np; pid++) e = demo_project(d, pid, now);
    return e;
}
