/*
** demo.c — the admin module's demo data: a company, two offices with realistic names, one
** user per role (KEFU_DEMO_PROJECTS=N adds offices for benchmarks). The other modules' demo
** records follow it (src/demo.c runs each module's loader in order).
*/
#include "admin.h"
#include "core/audit.h"
#include "base/clock.h"
#include "core/crypto.h"
#include "core/perm.h"
#define DEMO_PASSWORD "demo1234"
#include <stdio.h>
#include <stdlib.h>

static const struct { const char *code, *name, *address, *phone; } projects[] = {
    {"CH", "翠湖花园管理处", "广州市天河区翠湖路 88 号", "020-87654321"},
    {"JG", "金桂苑管理处", "广州市番禺区金桂大道 16 号", "020-34567890"},
};

static const struct { const char *username, *name, *phone, *role; int project; } users[] = {
    {"admin", "系统管理员", "13800000001", "admin", 0},
    {"manager", "王建国", "13800000002", "manager", 1},
    {"supervisor", "陈慧敏", "13800000003", "supervisor", 1},
    {"agent", "李静", "13800000004", "agent", 1},
    {"steward", "张伟", "13800000005", "steward", 1},
    {"technician", "刘强", "13800000006", "technician", 1},
    {"cashier", "赵丽", "13800000007", "cashier", 1},
    {"storekeeper", "孙明", "13800000008", "storekeeper", 1},
    {"agent2", "周婷", "13800000009", "agent", 2},
};

/* KEFU_DEMO_PROJECTS=N (benchmarks): more offices beyond the two, named after real-sounding estates. */
static int extra_projects(void) {
    const char *v = getenv("KEFU_DEMO_PROJECTS");
    int n = v ? atoi(v) : 2;
    return n < 2 ? 2 : n > 200 ? 200 : n;
}

static kerr add_extra_project(db *d, int i, int64_t now, const audit_actor *sys) {
    static const char *const names[] = {"碧水湾", "阳光城", "锦绣华庭", "滨江一号", "紫荆花园", "御景苑", "海棠湾", "云山居",
                                        "东湖名邸", "翡翠城", "星河苑", "丽水湾", "金域蓝湾", "万科城", "桃源居", "雅居乐"};
    char code[16], name[64];
    snprintf(code, sizeof code, "P%02d", i + 1);
    snprintf(name, sizeof name, "%s%s管理处", names[i % 16], i >= 16 ? "二期" : "");
    int64_t pid = 0;
    if (db_insert(d, &pid, "INSERT INTO projects(code, name, created_at, updated_at) VALUES (?,?,?,?)",
                DT(code), DT(name), DI(now), DI(now)))
        return db_last_kerr(d);
    return audit_append(d, sys, pid, "project", pid, "create", "{\"source\":\"demo\"}", now);
}


static kerr add_user(db *d, int i, int64_t now, const audit_actor *sys) {
    char hash[256];
    if (!crypto_password_hash(DEMO_PASSWORD, hash, sizeof hash)) return E_INTERNAL;
    int64_t uid = 0;
    if (db_insert(d, &uid, "INSERT INTO users(username, display_name, phone, password_hash, created_at, updated_at) "
                         "VALUES (?,?,?,?,?,?)",
                DT(users[i].username), DT(users[i].name), DT(users[i].phone), DT(hash), DI(now), DI(now)))
        return db_last_kerr(d);
    kerr e = db_exec(d, "INSERT INTO user_roles(user_id, project_id, role, created_at) VALUES (?,?,?,?)",
                     DI(uid), users[i].project ? DI(users[i].project) : DN, DT(users[i].role), DI(now));
    if (!e && i == 1)   /* the manager runs both offices */
        e = db_exec(d, "INSERT INTO user_roles(user_id, project_id, role, created_at) VALUES (?,2,'manager',?)",
                    DI(uid), DI(now));
    if (!e) e = audit_append(d, sys, users[i].project, "user", uid, "create", "{\"source\":\"demo\"}", now);
    return e;
}

kerr admin_demo(db *d, int64_t now) {
    static const audit_actor sys = {0, "系统", ""};
    kerr e = db_exec(d, "INSERT INTO company(id, name, created_at) VALUES (1, '锦华物业服务有限公司', ?)", DI(now));
    for (size_t i = 0; !e && i < sizeof projects / sizeof projects[0]; i++) {
        int64_t pid = 0;   /* ids from the database (1, 2 in a new one): explicit ids would leave
                              PostgreSQL's id sequence behind */
        if (db_insert(d, &pid, "INSERT INTO projects(code, name, address, phone, created_at, updated_at) "
                             "VALUES (?,?,?,?,?,?)", DT(projects[i].code), DT(projects[i].name),
                    DT(projects[i].address), DT(projects[i].phone), DI(now), DI(now)))
            e = db_last_kerr(d);
        if (!e) e = audit_append(d, &sys, pid, "project", pid, "create", "{\"source\":\"demo\"}", now);
    }
    for (int i = 0; !e && i < (int)(sizeof users / sizeof users[0]); i++) e = add_user(d, i, now, &sys);
    for (int i = 2; !e && i < extra_projects(); i++) e = add_extra_project(d, i, now, &sys);
    return e;
}

const char ADMIN_DEMO_NOTE[] =
           "\n演示数据已载入 — 请用以下账号登录（密码均为 " DEMO_PASSWORD "）:\n"
           "  admin        系统管理员（全公司）\n"
           "  manager      王建国  管理处经理（翠湖花园、金桂苑）\n"
           "  supervisor   陈慧敏  客服主管（翠湖花园）\n"
           "  agent        李静    前台客服（翠湖花园）\n"
           "  steward      张伟    客服管家（翠湖花园）\n"
           "  technician   刘强    维修工（翠湖花园）\n"
           "  cashier      赵丽    收银员（翠湖花园）\n"
           "  storekeeper  孙明    仓管员（翠湖花园）\n"
           "  agent2       周婷    前台客服（金桂苑）\n\n";
