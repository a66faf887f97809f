/*
** archive_import.c — bulk import of an existing roster (A7): an .xlsx or .csv with one row per
** person and unit (unit columns repeat for each person of the unit). `mode=check` answers a
** report of every row's problems; `mode=commit` imports everything in one transaction, or
** nothing when any row has a problem. GET /imports/template gives the template.
*/
#include "archive.h"
#include "base/clock.h"
#include "core/sheet.h"
#include "http/export.h"
#include "http/input.h"
#include <stdio.h>
#include <string.h>

#define IMPORT_LIMIT (64u * 1024 * 1024)
#define MAX_PROBLEMS 1000

enum col { C_BUILDING, C_ENTRANCE, C_ROOM, C_FLOOR, C_AREA_B, C_AREA_U, C_USE, C_STRUCT, C_HOLDER, C_STATUS,
           C_NAME, C_RELATION, C_PHONE, C_IDTYPE, C_IDNO, C_PLATE, C_COUNT };
static const char *const HEADERS[C_COUNT] = {"楼栋号", "单元", "房间号", "楼层", "建筑面积", "使用面积", "用途", "户型结构",
    "产权人", "房屋状态", "姓名", "关系", "手机", "证件类型", "证件号码", "车牌号"};

typedef struct problems { buf b; jw w; int n; } problems;

static void problem(problems *p, int row, int col, const char *msg) {
    if (p->n++ >= MAX_PROBLEMS) return;
    jw_obj(&p->w, NULL);
    jw_int(&p->w, "row", row);
    jw_str(&p->w, "column", col >= 0 ? HEADERS[col] : "");
    jw_str(&p->w, "message", msg);
    jw_end(&p->w);
}


/* Column index of each template header in the file's first row (-1 when absent). */
static bool map_headers(const sheet *s, int *map, problems *p) {
    for (int k = 0; k < C_COUNT; k++) map[k] = -1;
    for (int i = 0; i < s->ncols[0]; i++) {
        char *h = s->cells[0][i];
        size_t n = strlen(h);
        if (n >= 1 && h[n - 1] == '*') h[n - 1] = 0;          /* "楼栋号*" marks required columns */
        for (int k = 0; k < C_COUNT; k++) if (!strcmp(h, HEADERS[k])) map[k] = i;
    }
    bool ok = true;
    if (map[C_BUILDING] < 0) { problem(p, 1, C_BUILDING, "缺少「楼栋号」列（请使用导入模板）"); ok = false; }
    if (map[C_ROOM] < 0) { problem(p, 1, C_ROOM, "缺少「房间号」列（请使用导入模板）"); ok = false; }
    return ok;
}

static const char *cell(const sheet *s, const int *map, int r, int k) {
    int i = map[k];
    return i >= 0 && i < s->ncols[r] ? s->cells[r][i] : "";
}

/* A small string → index map in the arena (codes of units, name+phone of people). */
typedef struct smap { int cap; const char **keys; int *vals; } smap;

static bool smap_init(smap *m, arena *a, int n) {
    m->cap = 16;
    while (m->cap < n * 2) m->cap *= 2;
    m->keys = arena_alloc(a, sizeof *m->keys * (size_t)m->cap);
    m->vals = arena_alloc(a, sizeof *m->vals * (size_t)m->cap);
    return m->keys && m->vals;
}

static unsigned shash(const char *s) {
    unsigned h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Index of key, or -1; with put >= 0 inserts it (the map is sized for every key it will hold). */
static int smap_get(smap *m, const char *key, int put) {
    unsigned i = shash(key) & (unsigned)(m->cap - 1);
    while (m->keys[i]) {
        if (!strcmp(m->keys[i], key)) return m->vals[i];
        i = (i + 1) & (unsigned)(m->cap - 1);
    }
    if (put >= 0) { m->keys[i] = key; m->vals[i] = put; }
    return -1;
}

typedef struct imp_unit { const char *code, *entrance, *room, *use, *structure, *holder, *status; int64_t bid, floor, ab, au;
                          bool has_floor, has_ab, has_au, has_people; int64_t id; } imp_unit;
typedef struct imp_person { const char *name, *phone, *idtype, *idno; int64_t id; } imp_person;
typedef struct imp_link { int unit, person; const char *relation, *plate; } imp_link;

typedef struct import_job {
    int64_t pid;
    imp_unit *units;
    imp_person *people;
    imp_link *links;
    int nunits, npeople, nlinks, nvehicles, rows;
} import_job;

static bool parse_int(const char *s, int64_t *out) {
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < -10 || v > 300) return false;
    *out = v;
    return true;
}


/* Control characters (a tab before a name, a line break inside a cell) are refused as the JSON
** API refuses them: the same rules for every way in. false when row r has any. */
static bool row_clean(const sheet *s, const int *map, int r, problems *p) {
    bool clean = true;
    for (int k = 0; k < C_COUNT; k++)
        for (const unsigned char *ch = (const unsigned char *)cell(s, map, r, k); *ch; ch++)
            if (*ch < 0x20 || *ch == 0x7F) {
                problem(p, r + 1, k, "不能包含制表符、换行等控制字符");
                clean = false;
                break;
            }
    return clean;
}

/* Reads the unit part of row r into the job (or finds the unit already read); -1 on a problem. */
static int row_unit(ctx *c, const sheet *s, const int *map, int r, smap *bmap, const int64_t *bids, smap *umap,
                    smap *existing, import_job *j, problems *p) {
    const char *bcode = cell(s, map, r, C_BUILDING), *ent = cell(s, map, r, C_ENTRANCE), *room = cell(s, map, r, C_ROOM);
    int row = r + 1, before = p->n;
    int bi = *bcode ? smap_get(bmap, bcode, -1) : -1;
    if (!*bcode) problem(p, row, C_BUILDING, "楼栋号不能为空");
    else if (bi < 0) problem(p, row, C_BUILDING, arena_printf(&c->a, "楼栋「%s」不存在（请先在 楼栋 中建立）", bcode));
    if (!*room) problem(p, row, C_ROOM, "房间号不能为空");
    if (strpbrk(room, "- ") || strpbrk(ent, "- ")) problem(p, row, C_ROOM, "房间号和单元不能包含 - 或空格");
    if (p->n > before) return -1;
    const char *code = *ent ? arena_printf(&c->a, "%s-%s-%s", bcode, ent, room) : arena_printf(&c->a, "%s-%s", bcode, room);
    int ui = smap_get(umap, code, -1);
    if (ui >= 0) return ui;                                   /* another person of a unit already read */
    if (smap_get(existing, code, -1) >= 0) { problem(p, row, C_ROOM, arena_printf(&c->a, "房号 %s 已存在", code)); return -1; }
    imp_unit u = {.code = code, .entrance = ent, .room = room, .bid = bids[bi]};
    const char *v;
    if (*(v = cell(s, map, r, C_FLOOR))) { if (!(u.has_floor = parse_int(v, &u.floor))) problem(p, row, C_FLOOR, "楼层应为整数"); }
    if (*(v = cell(s, map, r, C_AREA_B))) { if (!(u.has_ab = area_parse(v, &u.ab))) problem(p, row, C_AREA_B, "建筑面积应为不超过两位小数的数字"); }
    if (*(v = cell(s, map, r, C_AREA_U))) { if (!(u.has_au = area_parse(v, &u.au))) problem(p, row, C_AREA_U, "使用面积应为不超过两位小数的数字"); }
    u.use = *(v = cell(s, map, r, C_USE)) ? v : "住宅";
    if (!code_in(UNIT_USES, u.use)) problem(p, row, C_USE, "用途应为 住宅、商铺、办公 或 车位");
    u.status = cell(s, map, r, C_STATUS);
    if (*u.status && !code_in(UNIT_STATUSES, u.status)) problem(p, row, C_STATUS, "状态应为 未交房、空置、装修中、已入住 或 出租");
    u.structure = cell(s, map, r, C_STRUCT);
    u.holder = cell(s, map, r, C_HOLDER);
    if (p->n > before) return -1;
    smap_get(umap, code, j->nunits);
    j->units[j->nunits] = u;
    return j->nunits++;
}

/* The person part of row r: a person (found again by name and phone) related to unit ui
** (ui < 0: the unit had problems; the person is only checked). */
static void row_person(ctx *c, const sheet *s, const int *map, int r, int ui, smap *pmap, import_job *j, problems *p) {
    const char *name = cell(s, map, r, C_NAME), *rel = cell(s, map, r, C_RELATION), *phone = cell(s, map, r, C_PHONE),
               *idt = cell(s, map, r, C_IDTYPE), *idno = cell(s, map, r, C_IDNO), *plate = cell(s, map, r, C_PLATE);
    int row = r + 1, before = p->n;
    if (!*name) {
        if (*rel || *phone || *idno) problem(p, row, C_NAME, "填写了关系、手机或证件号码，但缺少姓名");
        return;
    }
    if (utf8_chars(name) > 40) problem(p, row, C_NAME, "姓名不能超过 40 个字");
    if (!*rel) rel = "业主";
    if (!code_in(RELATIONS, rel)) problem(p, row, C_RELATION, "关系应为 业主、共有人、租户、家庭成员 或 委托人");
    if (*phone && !phone_cn_ok(phone)) problem(p, row, C_PHONE, "手机号格式不正确");
    if (!*idt) idt = "身份证";
    if (!code_in(ID_TYPES, idt)) problem(p, row, C_IDTYPE, "证件类型不正确");
    else if (*idno && !id_number_ok(idt, idno)) problem(p, row, C_IDNO, "证件号码不正确（身份证 18 位且校验位正确）");
    if (*plate && utf8_chars(plate) < 5) problem(p, row, C_PLATE, "车牌号格式不正确");
    if (p->n > before || ui < 0) return;   /* a row whose unit had problems is only checked */
    const char *key = *phone ? arena_printf(&c->a, "%s\x1f%s", name, phone) : arena_printf(&c->a, "%s\x1f#%d", name, row);
    int pi = smap_get(pmap, key, j->npeople);
    if (pi < 0) { j->people[j->npeople] = (imp_person){name, phone, idt, idno, 0}; pi = j->npeople++; }
    j->units[ui].has_people = true;
    j->links[j->nlinks++] = (imp_link){ui, pi, rel, *plate ? plate : NULL};
    if (*plate) j->nvehicles++;
}

/* Reads every row into the job, listing problems. */
static kerr read_job(ctx *c, const sheet *s, import_job *j, problems *p) {
    int map[C_COUNT], n = s->nrows;
    if (!map_headers(s, map, p)) return E_OK;
    smap bmap, umap, pmap, existing;
    int64_t *bids = NULL;
    int nb = 0;
    if (!smap_init(&umap, &c->a, n) || !smap_init(&pmap, &c->a, n) || !smap_init(&bmap, &c->a, 4096) ||
        !(j->units = arena_alloc(&c->a, sizeof *j->units * (size_t)n)) ||
        !(j->people = arena_alloc(&c->a, sizeof *j->people * (size_t)n)) ||
        !(j->links = arena_alloc(&c->a, sizeof *j->links * (size_t)n)) ||
        !(bids = arena_alloc(&c->a, sizeof *bids * 4096)))
        return E_NOMEM;
    db_stmt *st = db_query(c->db, "SELECT id, code FROM buildings WHERE project_id = ?", DI(j->pid));
    if (!st) return db_last_kerr(c->db);
    int rc = DB_DONE;
    while (nb < 2048 && (rc = db_step(st)) == DB_ROW) {
        bids[nb] = db_col_int(st, 0);
        smap_get(&bmap, arena_strdup(&c->a, db_col_text(st, 1)), nb++);
    }
    db_finish(st);
    int64_t have = 0;
    kerr e = rc == DB_ERROR ? db_last_kerr(c->db)
           : db_read_int(c->db, &have, "SELECT COUNT(*) FROM units WHERE project_id = ?", DI(j->pid));
    if (e) return e;
    if (!smap_init(&existing, &c->a, (int)have + 1)) return E_NOMEM;
    st = db_query(c->db, "SELECT code FROM units WHERE project_id = ?", DI(j->pid));
    if (!st) return db_last_kerr(c->db);
    for (int k = 0; (rc = db_step(st)) == DB_ROW; k++) smap_get(&existing, arena_strdup(&c->a, db_col_text(st, 0)), k);
    db_finish(st);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    for (int r = 1; r < n; r++) {
        bool empty = true;
        for (int k = 0; k < s->ncols[r] && empty; k++) empty = !*s->cells[r][k];
        if (empty) continue;
        j->rows++;
        if (!row_clean(s, map, r, p)) continue;
        int ui = row_unit(c, s, map, r, &bmap, bids, &umap, &existing, j, p);
        row_person(c, s, map, r, ui, &pmap, j, p);   /* every problem of the row is reported */
    }
    if (!j->rows) problem(p, 2, -1, "文件中没有数据行");
    return E_OK;
}

static kerr commit_job(ctx *c, import_job *j) {
    kerr e = E_OK;
    for (int i = 0; !e && i < j->nunits; i++) {
        imp_unit *u = &j->units[i];
        const char *status = *u->status ? u->status : u->has_people ? "已入住" : "空置";
        if (db_insert(c->db, &u->id, "INSERT INTO units(project_id, building_id, entrance, room, code, floor, area_build, area_use, "
                                   "use_type, structure, holder, status, created_at, updated_at) "
                                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    DI(j->pid), DI(u->bid), DT(u->entrance), DT(u->room), DT(u->code), u->has_floor ? DI(u->floor) : DN,
                    u->has_ab ? DI(u->ab) : DN, u->has_au ? DI(u->au) : DN, DT(u->use), DT(u->structure), DT(u->holder),
                    DT(status), DI(c->now), DI(c->now)))
            return db_last_kerr(c->db);
        e = db_exec(c->db, "INSERT INTO unit_status_history(project_id, unit_id, from_status, to_status, actor_id, note, at) "
                           "VALUES (?,?,NULL,?,?,'批量导入',?)", DI(j->pid), DI(u->id), DT(status), DI(c->user->id), DI(c->now));
    }
    for (int i = 0; !e && i < j->npeople; i++) {
        imp_person *p = &j->people[i];
        if (db_insert(c->db, &p->id, "INSERT INTO people(project_id, name, phone, id_type, id_no, created_at, updated_at) "
                                   "VALUES (?,?,?,?,?,?,?)", DI(j->pid), DT(p->name), DT(p->phone),
                    DT(p->idtype), DT(p->idno), DI(c->now), DI(c->now)))
            return db_last_kerr(c->db);
        const char *nm[] = {p->name}, *ph[] = {p->phone};
        if (!(e = grams_set(c->db, j->pid, 'n', p->id, nm, 1))) e = grams_set(c->db, j->pid, 't', p->id, ph, 1);
    }
    char today[16];
    clock_iso(c->now, today, sizeof today);
    today[10] = 0;
    for (int i = 0; !e && i < j->nlinks; i++) {
        imp_link *l = &j->links[i];
        int64_t uid = j->units[l->unit].id, person = j->people[l->person].id, vid = 0;
        e = db_exec(c->db, "INSERT INTO residents(project_id, unit_id, person_id, relation, since, created_at, updated_at) "
                           "VALUES (?,?,?,?,?,?,?)", DI(j->pid), DI(uid), DI(person), DT(l->relation), DT(today),
                    DI(c->now), DI(c->now));
        if (e || !l->plate) continue;
        if (db_insert(c->db, &vid, "INSERT INTO vehicles(project_id, unit_id, person_id, plate, created_at, updated_at) "
                                 "VALUES (?,?,?,?,?,?)", DI(j->pid), DI(uid), DI(person), DT(l->plate),
                    DI(c->now), DI(c->now)))
            return db_last_kerr(c->db);
        const char *pl[] = {l->plate};
        e = grams_set(c->db, j->pid, 'v', vid, pl, 1);
    }
    return e;
}

static kerr import_report(ctx *c, const char *mode, const import_job *j, problems *p, int status) {
    jw_end(&p->w);
    jw *w = ctx_json(c, status);
    jw_obj(w, NULL);
    jw_str(w, "mode", mode);
    jw_bool(w, "ok", p->n == 0);
    jw_bool(w, "imported", status == 201);
    jw_int(w, "rows", j->rows);
    jw_int(w, "units", j->nunits);
    jw_int(w, "people", j->npeople);
    jw_int(w, "residents", j->nlinks);
    jw_int(w, "vehicles", j->nvehicles);
    jw_int(w, "problem_count", p->n);
    jw_raw(w, "problems", buf_cstr(&p->b));
    jw_end(w);
    buf_free(&p->b);
    return E_OK;
}

/* POST /api/v1/imports?project_id=&mode=check|commit, body: the .xlsx or .csv file itself. */
static kerr import_post(ctx *c) {
    int64_t pid = 0, *ids = NULL;
    const char *mode = q_str(c, "mode");
    kerr e = q_int(c, "project_id", "管理处", 1, INT64_MAX, 0, &pid);
    if (e) return e;
    if (!mode) mode = "check";
    if (strcmp(mode, "check") && strcmp(mode, "commit")) return ctx_fail(c, E_BAD_REQUEST, "mode", "mode 应为 check 或 commit");
    if (!pid) {
        if (ctx_perm_projects(c, "archive.write", &ids) != 1) return ctx_fail(c, E_BAD_REQUEST, "project_id", "请选择管理处");
        pid = ids[0];
    }
    if ((e = ctx_require(c, "archive.write", pid))) return e;
    if (!c->body.len) return ctx_fail(c, E_VALIDATION, "file", "请上传 Excel (.xlsx) 或 CSV 文件");
    sheet s;
    char msg[256];
    sheet_limits lim = SHEET_LIMITS_DEFAULT;
    sheet_err se = sheet_read(c->body.data, c->body.len, &c->a, &lim, &s, msg, sizeof msg);
    if (se == SHEET_NOMEM) return E_NOMEM;
    if (se == SHEET_TOO_BIG) return ctx_fail(c, E_TOO_LARGE, "file", "%s", msg);
    if (se) return ctx_fail(c, E_VALIDATION, "file", "%s", msg);
    import_job j = {.pid = pid};
    problems p = {.n = 0};
    buf_init(&p.b);
    jw_init(&p.w, &p.b);
    jw_arr(&p.w, NULL);
    if ((e = read_job(c, &s, &j, &p))) { buf_free(&p.b); return e; }
    if (strcmp(mode, "commit") || p.n) {
        /* a report; a commit with problems writes nothing: 422 with the report in the error */
        e = import_report(c, mode, &j, &p, 200);
        if (e || strcmp(mode, "commit")) return e;
        c->err_report = arena_strndup(&c->a, c->out.data, c->out.len);
        return ctx_fail(c, E_VALIDATION, "file", "文件中有 %d 处问题，未导入任何数据", p.n);
    }
    if ((e = commit_job(c, &j))) { buf_free(&p.b); return e; }
    char ch[160];
    snprintf(ch, sizeof ch, "{\"rows\":%d,\"units\":%d,\"people\":%d,\"residents\":%d,\"vehicles\":%d}", j.rows, j.nunits,
             j.npeople, j.nlinks, j.nvehicles);
    if ((e = archive_audit(c, pid, "archive", pid, "import", ch))) { buf_free(&p.b); return e; }
    return import_report(c, mode, &j, &p, 201);
}

/* GET /api/v1/imports/template?format=csv|xlsx: the template with two example rows. */
static kerr import_template(ctx *c) {
    jw *w = list_begin(c);
    static const char *const ex[2][C_COUNT] = {
        {"3", "2", "1502", "15", "89.50", "72.30", "住宅", "三房两厅", "张伟", "已入住", "张伟", "业主", "13800138000",
         "身份证", "11010519491231002X", "粤A12345"},
        {"3", "2", "1502", "15", "89.50", "72.30", "住宅", "三房两厅", "张伟", "已入住", "李娜", "家庭成员", "13900139000",
         "身份证", "", ""}};
    for (int r = 0; r < 2; r++) {
        jw_obj(w, NULL);
        for (int k = 0; k < C_COUNT; k++) jw_str(w, HEADERS[k], ex[r][k]);
        jw_end(w);
    }
    page pg = {1, 2, 0};
    list_end(c, 2, &pg);
    return E_OK;
}

static const export_col template_cols[] = {
    {"楼栋号", "楼栋号*", EX_TEXT, NULL}, {"单元", "单元", EX_TEXT, NULL}, {"房间号", "房间号*", EX_TEXT, NULL},
    {"楼层", "楼层", EX_TEXT, NULL}, {"建筑面积", "建筑面积", EX_TEXT, NULL}, {"使用面积", "使用面积", EX_TEXT, NULL},
    {"用途", "用途", EX_TEXT, NULL}, {"户型结构", "户型结构", EX_TEXT, NULL}, {"产权人", "产权人", EX_TEXT, NULL},
    {"房屋状态", "房屋状态", EX_TEXT, NULL}, {"姓名", "姓名", EX_TEXT, NULL}, {"关系", "关系", EX_TEXT, NULL},
    {"手机", "手机", EX_TEXT, NULL}, {"证件类型", "证件类型", EX_TEXT, NULL}, {"证件号码", "证件号码", EX_TEXT, NULL},
    {"车牌号", "车牌号", EX_TEXT, NULL}, {NULL, NULL, 0, NULL},
};
static const export_spec template_export = {"业主资料导入模板", template_cols};

const route imports_routes[] = {
    {"POST", "/api/v1/imports",          "archive.write", RF_RAW_BODY | RF_BULK, IMPORT_LIMIT, import_post, NULL},
    {"GET",  "/api/v1/imports/template", "archive.read",  0, 0, import_template, &template_export},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
