/*
** archive_people.c — 人员: owners, tenants and their households; personal data masked unless
** the role may see it (A6), revealing audited; the counter lookup (A8) and 建档率 (A4).
*/
#include "archive.h"
#include "kit/list.h"
#include "http/export.h"
#include "http/input.h"
#include <string.h>

void person_unit_rec_read(db_stmt *st, person_unit_rec *r) {
    *r = (person_unit_rec){db_col_int(st, 0), db_col_int(st, 1), db_col_text(st, 2), db_col_text(st, 3)};
}

void person_unit_rec_json(const person_unit_rec *r, jw *w) {
    jw_int(w, "unit_id", r->unit_id);
    jw_str(w, "code", r->code);
    jw_str(w, "relation", r->relation);
}

/* One unit of a person: a PERSON_UNITS_SQL row. */
static void unit_child(ctx *c, db_stmt *o, jw *w, int64_t pid) {
    (void)c, (void)pid;
    person_unit_rec r;
    person_unit_rec_read(o, &r);
    person_unit_rec_json(&r, w);
}

/* The units a person currently relates to, as "units". */
static kerr person_units(ctx *c, int64_t id, jw *w) {
    db_stmt *st = db_query(c->db, PERSON_UNITS_SQL " WHERE r.person_id = ? AND r.active = 1 ORDER BY r.id", DI(id));
    if (!st) return db_last_kerr(c->db);
    jw_arr(w, "units");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w, NULL);
        unit_child(c, st, w, 0);
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

void person_rec_read(db_stmt *st, person_rec *r) {
    const char *t[12];
    for (int i = 0; i < 12; i++) t[i] = db_col_text(st, i + 2);
    *r = (person_rec){.id = db_col_int(st, 0), .project_id = db_col_int(st, 1), .name = t[0], .phone = t[1],
                      .phone2 = t[2], .id_type = t[3], .id_no = t[4], .em_name = t[5], .em_phone = t[6],
                      .company = t[7], .scope = t[8], .manager = t[9], .category = t[10], .remark = t[11],
                      .version = db_col_int(st, 14), .created_at = db_col_int(st, 15), .updated_at = db_col_int(st, 16)};
}

void person_rec_json(ctx *c, const person_rec *r, jw *w, bool reveal) {
    int64_t pid = r->project_id;
    bool masked = !reveal && !can_reveal(c, pid);
    jw_int(w, "id", r->id);
    jw_int(w, "project_id", pid);
    jw_str(w, "name", r->name);
    jw_str(w, "phone", masked ? mask_phone(c, pid, r->phone) : r->phone);
    jw_str(w, "phone2", masked ? mask_phone(c, pid, r->phone2) : r->phone2);
    jw_str(w, "id_type", r->id_type);
    jw_str(w, "id_no", masked ? mask_id(c, pid, r->id_no) : r->id_no);
    jw_str(w, "emergency_name", r->em_name);
    jw_str(w, "emergency_phone", masked ? mask_phone(c, pid, r->em_phone) : r->em_phone);
    jw_str(w, "company", r->company);
    jw_str(w, "business_scope", r->scope);
    jw_str(w, "business_manager", r->manager);
    jw_str(w, "business_category", r->category);
    jw_str(w, "remark", r->remark);
    jw_bool(w, "masked", masked);
    jw_int(w, "version", r->version);
    jw_time(w, "created_at", r->created_at);
    jw_time(w, "updated_at", r->updated_at);
}

/* A person's fields into the open object; `reveal` forces full values (the audited reveal). */
static void person_fields(ctx *c, db_stmt *st, jw *w, bool reveal) {
    person_rec r;
    person_rec_read(st, &r);
    person_rec_json(c, &r, w, reveal);
}

static void person_row(ctx *c, db_stmt *st, jw *w) { person_fields(c, st, w, false); }

/* Rows of st (PERSON_COLS) with the units each person relates to, as array items. */
static kerr people_json_rows(ctx *c, db_stmt *st, jw *w, int (*next)(void *), void *arg) {
    static const child_batch units = {
        person_row, "units", PERSON_UNITS_SQL, "r.person_id IN ?*", "r.active = 1", "ORDER BY r.person_id, r.id", unit_child,
    };
    return json_rows_with_children(c, st, w, next, arg, &units);
}

static kerr answer_person(ctx *c, int status, int64_t id, bool reveal) {
    db_stmt *st = db_query(c->db, "SELECT " PERSON_COLS " FROM people p WHERE p.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, NULL) : db_last_kerr(c->db); }
    jw *w = ctx_json(c, status);
    jw_obj(w, NULL);
    person_fields(c, st, w, reveal);
    db_finish(st);
    kerr e;
    if ((e = person_units(c, id, w)) || (e = history_json(c, "person", id, w))) return e;
    jw_end(w);
    return E_OK;
}

static kerr people_page(ctx *c, listq *lq, jw *w, void *arg) {
    (void)arg;
    return people_json_rows(c, lq->st, w, list_step, lq);
}

static const list_def PEOPLE = {
    .perm = "archive.read", .project_col = "p.project_id",
    .q_cond = "p.name LIKE ? ESCAPE '\\' OR p.phone LIKE ? ESCAPE '\\' OR p.phone2 LIKE ? ESCAPE '\\'",
    .sorts = (const list_sort[]){{"id", "ORDER BY p.project_id, p.id"}, {"name", "ORDER BY p.project_id, p.name, p.id"},
                                 {"-id", "ORDER BY p.id DESC"}, {NULL, NULL}},
    .spec = {.cols = PERSON_COLS, .from = "people p"},
    .rows = people_page,
};
static kerr people_list(ctx *c) { return list_run(c, &PEOPLE, NULL); }

static kerr person_get(ctx *c) {
    int64_t id, pid;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = archive_row(c, "people", id, "archive.read", &pid))) return e;
    return answer_person(c, 200, id, false);
}

typedef struct person_in {
    const char *name, *phone, *phone2, *id_type, *id_no, *em_name, *em_phone, *company, *scope, *manager, *category, *remark;
} person_in;

static const char *const PERSON_FIELDS[] = {"name", "phone", "phone2", "id_type", "id_no", "emergency_name",
    "emergency_phone", "company", "business_scope", "business_manager", "business_category", "remark", NULL};

/* Reads person fields from obj; errors name `path.field` when path is given (inline person). */
static kerr read_person(ctx *c, json_t *obj, const char *path, person_in *p, bool create) {
    const char **dst[] = {&p->name, &p->phone, &p->phone2, &p->id_type, &p->id_no, &p->em_name, &p->em_phone,
                          &p->company, &p->scope, &p->manager, &p->category, &p->remark};
    static const char *labels[] = {"姓名", "手机", "备用电话", "证件类型", "证件号码", "应急联系人", "应急联系电话",
                                   "单位名称", "经营范围", "经营负责人", "经营类别", "备注"};
    static const int max[] = {40, 20, 20, 10, 30, 40, 20, 100, 200, 40, 40, 500};
    kerr e = jv_only(c, obj, path, PERSON_FIELDS);
    for (int i = 0; !e && PERSON_FIELDS[i]; i++) {
        const char *f = path ? arena_printf(&c->a, "%s.%s", path, PERSON_FIELDS[i]) : PERSON_FIELDS[i];
        unsigned fl = i == 0 ? (create ? IN_REQUIRED : IN_NONEMPTY) : (i == 11 ? IN_MULTILINE : 0);
        e = jv_str(c, obj, PERSON_FIELDS[i], f, labels[i], fl, max[i], dst[i]);
    }
    if (!e) e = check_phone_cn(c, path ? arena_printf(&c->a, "%s.phone", path) : "phone", "手机", p->phone);
    if (!e) e = check_phone_cn(c, path ? arena_printf(&c->a, "%s.phone2", path) : "phone2", "备用电话", p->phone2);
    if (!e) e = check_phone_cn(c, path ? arena_printf(&c->a, "%s.emergency_phone", path) : "emergency_phone",
                               "应急联系电话", p->em_phone);
    if (!e && p->id_type && !code_in(ID_TYPES, p->id_type)) {
        e = ctx_fail(c, E_VALIDATION, path ? arena_printf(&c->a, "%s.id_type", path) : "id_type",
                              "证件类型应为：身份证、护照、港澳通行证、台胞证、营业执照、其他");
    }
    if (!e && p->id_no) {
        char *up = arena_strdup(&c->a, p->id_no);
        for (char *q = up; *q; q++) if (*q == 'x') *q = 'X';
        p->id_no = up;
    }
    return e;
}

static kerr person_grams(ctx *c, int64_t pid, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT name, phone, phone2 FROM people WHERE id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    kerr e = E_OK;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        const char *name[] = {arena_strdup(&c->a, db_col_text(st, 0))};
        const char *phones[] = {arena_strdup(&c->a, db_col_text(st, 1)), arena_strdup(&c->a, db_col_text(st, 2))};
        db_finish(st);
        if (!(e = grams_set(c->db, pid, 'n', id, name, 1))) e = grams_set(c->db, pid, 't', id, phones, 2);
        return e;
    }
    db_finish(st);
    return rc == DB_DONE ? E_NOT_FOUND : db_last_kerr(c->db);
}

kerr person_create_from(ctx *c, json_t *obj, const char *path, int64_t pid, int64_t *id) {
    person_in p = {0};
    if (!json_is_object(obj)) return ctx_fail(c, E_VALIDATION, path, "人员信息应为对象");
    kerr e = read_person(c, obj, path, &p, true);
    if (e || (e = check_id_no(c, p.id_type, p.id_no))) return e;
    if (db_insert(c->db, id, "INSERT INTO people(project_id, name, phone, phone2, id_type, id_no, emergency_name, emergency_phone, "
                           "company, business_scope, business_manager, business_category, remark, created_at, updated_at) "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                DI(pid), DT(p.name), DT(p.phone ? p.phone : ""), DT(p.phone2 ? p.phone2 : ""), DT(p.id_type ? p.id_type : "身份证"),
                DT(p.id_no ? p.id_no : ""), DT(p.em_name ? p.em_name : ""), DT(p.em_phone ? p.em_phone : ""),
                DT(p.company ? p.company : ""), DT(p.scope ? p.scope : ""), DT(p.manager ? p.manager : ""),
                DT(p.category ? p.category : ""), DT(p.remark ? p.remark : ""), DI(c->now), DI(c->now)))
        return db_last_kerr(c->db);
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    audit_change_str(&w, "name", NULL, p.name);
    jw_end(&w);
    e = person_grams(c, pid, *id);
    if (!e) e = archive_audit(c, pid, "person", *id, "create", buf_cstr(&b));
    buf_free(&b);
    return e;
}

static kerr person_create(ctx *c) {
    int64_t pid, id = 0;
    kerr e;
    json_t *copy = json_deep_copy(c->json);
    if (!copy) return E_NOMEM;
    json_object_del(copy, "project_id");
    if (!(e = body_project(c, "archive.write", &pid))) e = person_create_from(c, copy, NULL, pid, &id);
    json_decref(copy);
    return e ? e : answer_person(c, 201, id, false);
}

static kerr person_patch(ctx *c) {
    int64_t id, pid, version;
    person_in p = {0};
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = archive_row(c, "people", id, "archive.write", &pid)) ||
        (e = in_version(c, &version)))
        return e;
    json_t *copy = json_deep_copy(c->json);
    if (!copy) return E_NOMEM;
    json_object_del(copy, "version");
    e = read_person(c, copy, NULL, &p, false);
    json_decref(copy);
    if (e) return e;
    db_stmt *st = db_query(c->db, "SELECT " PERSON_COLS " FROM people p WHERE p.id = ?", DI(id));
    int rc = st ? db_step(st) : DB_ERROR;
    if (rc != DB_ROW) { if (st) db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, NULL) : db_last_kerr(c->db); }
    const char *old[12];
    for (int i = 0; i < 12; i++) old[i] = arena_strdup(&c->a, db_col_text(st, i + 2));
    db_finish(st);
    if ((e = check_id_no(c, p.id_type ? p.id_type : old[3], p.id_no ? p.id_no : (p.id_type ? old[4] : NULL)))) return e;
    e = db_exec(c->db, "UPDATE people SET name = COALESCE(?, name), phone = COALESCE(?, phone), phone2 = COALESCE(?, phone2), "
                       "id_type = COALESCE(?, id_type), id_no = COALESCE(?, id_no), emergency_name = COALESCE(?, emergency_name), "
                       "emergency_phone = COALESCE(?, emergency_phone), company = COALESCE(?, company), "
                       "business_scope = COALESCE(?, business_scope), business_manager = COALESCE(?, business_manager), "
                       "business_category = COALESCE(?, business_category), remark = COALESCE(?, remark), "
                       "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                DT(p.name), DT(p.phone), DT(p.phone2), DT(p.id_type), DT(p.id_no), DT(p.em_name), DT(p.em_phone),
                DT(p.company), DT(p.scope), DT(p.manager), DT(p.category), DT(p.remark), DI(c->now), DI(id), DI(version));
    if (e) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
    const char *now[] = {p.name, p.phone, p.phone2, p.id_type, p.id_no, p.em_name, p.em_phone, p.company, p.scope,
                         p.manager, p.category, p.remark};
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    for (int i = 0; i < 12; i++) audit_change_str(&w, PERSON_FIELDS[i], old[i], now[i]);
    jw_end(&w);
    e = person_grams(c, pid, id);
    if (!e) e = archive_audit(c, pid, "person", id, "update", buf_cstr(&b));
    buf_free(&b);
    return e ? e : answer_person(c, 200, id, false);
}

/* POST /people/{id}/actions/reveal: the full phone and ID numbers, recorded in the audit log. */
static kerr person_reveal(ctx *c, int64_t id, int64_t pid) {
    static const char *const fields[] = {"reason", NULL};
    const char *reason = NULL;
    kerr e;
    if ((e = in_only(c, fields)) || (e = in_str(c, "reason", "查看原因", 0, 200, &reason))) return e;
    if (!can_reveal(c, pid)) return ctx_fail(c, E_FORBIDDEN, NULL, "您没有查看完整个人信息的权限");
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_str(&w, "reason", reason ? reason : "");
    jw_end(&w);
    e = ctx_audit(c, pid, "person", id, "reveal", buf_cstr(&b));
    buf_free(&b);
    return e ? e : answer_person(c, 200, id, true);
}

/* POST /people/{id}/actions/call (people.call): the whole number for the dialer (a tel: link
** the browser opens at once, never shown on screen), recorded in the audit log with the number
** masked (issue 20: the desk calls an owner whose number it may not see). */
static kerr person_call(ctx *c, int64_t id, int64_t pid) {
    static const char *const fields[] = {"field", NULL};
    static const code_label WHICH[] = {{"phone", "手机"}, {"phone2", "备用电话"}, {NULL, NULL}};
    const char *which = NULL;
    kerr e;
    if ((e = in_only(c, fields)) || (e = in_code(c, "field", "号码", 0, WHICH, &which))) return e;
    if (!auth_can(c->user, "people.call", pid)) return ctx_fail(c, E_FORBIDDEN, NULL, "您没有拨打业主电话的权限");
    if (!which) which = "phone";
    const char *phone = db_text(c->db, &c->a, !strcmp(which, "phone") ? "SELECT phone FROM people WHERE id = ?"
                                                                      : "SELECT phone2 FROM people WHERE id = ?", DI(id));
    if (!phone) return db_last_kerr(c->db);
    if (!*phone) return ctx_fail(c, E_VALIDATION, "field", "该人员没有登记%s", code_label_of(WHICH, which));
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_str(&w, "field", which);
    jw_str(&w, "phone", phone_masked(&c->a, phone));
    jw_end(&w);
    e = ctx_audit(c, pid, "person", id, "call", buf_cstr(&b));
    buf_free(&b);
    if (e) return e;
    jw *out = ctx_json(c, 200);
    jw_obj(out, NULL);
    jw_int(out, "id", id);
    jw_str(out, "field", which);
    jw_str(out, "phone", phone);
    jw_end(out);
    return E_OK;
}

static kerr person_action(ctx *c) {
    int64_t id, pid;
    const char *action = ctx_param(c, "action");
    bool reveal = !strcmp(action, "reveal");
    if (!reveal && strcmp(action, "call") != 0) return ctx_fail(c, E_ROUTE_NOT_FOUND, NULL, "不支持的操作：%s", action);
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = archive_row(c, "people", id, "archive.read", &pid))) return e;
    return reveal ? person_reveal(c, id, pid) : person_call(c, id, pid);
}

kerr archive_unit_person(ctx *c, int64_t pid, int64_t unit_id, int64_t person_id, unit_person *out) {
    db_stmt *st = db_query(c->db, "SELECT p.name, p.phone, p.phone2 FROM residents r JOIN people p ON p.id = r.person_id "
                                  "WHERE r.unit_id = ? AND r.person_id = ? AND r.active = 1 AND p.project_id = ? LIMIT 1",
                           DI(unit_id), DI(person_id), DI(pid));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = (unit_person){arena_strdup(&c->a, db_col_text(st, 0)), arena_strdup(&c->a, db_col_text(st, 1)),
                             arena_strdup(&c->a, db_col_text(st, 2))};
    db_finish(st);
    return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOT_FOUND : db_last_kerr(c->db);
}

/* ---- lookup ---- */

static bool all_digits(const char *s) {
    if (!*s) return false;
    for (; *s; s++) if (*s < '0' || *s > '9') return false;
    return true;
}

static bool unit_like(const char *q) {       /* 1502, 3-1502, 3-2-1502, A-101 */
    int dashes = 0;
    for (const char *p = q; *p; p++) {
        if (*p == '-') dashes++;
        else if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))) return false;
    }
    return dashes <= 2 && q[0] != '-';
}

lookup_terms lookup_terms_of(arena *a, const char *q) {
    bool digits = all_digits(q), room = unit_like(q);
    size_t n = strlen(q);
    char *up = arena_strdup(a, q);
    for (char *p = up; p && *p; p++) if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
    return (lookup_terms){.units = room, .people = digits ? n >= 4 : !(room && strchr(q, '-')), .by_phone = digits,
                          .vehicles = up && !(digits && n < 3), .plate = up};
}

static kerr lookup_units(ctx *c, qb *scope, const char *q, const lookup_terms *t, jw *w, int64_t *total) {
    jw_arr(w, "units");
    if (!t->units) { jw_end(w); qb_free(scope); return E_OK; }
    /* 1502: that room in any building; 3-1502: building 3, any entrance; 3-2-1502: that code */
    const char *dash = strchr(q, '-'), *last = strrchr(q, '-');
    char *bcode = dash ? arena_strndup(&c->a, q, (size_t)(dash - q)) : NULL;
    const char *room = last ? last + 1 : q;
    if (dash && dash != last) qb_and(scope, "u.code = ?", DT(q));               /* each form uses an index */
    else if (dash) qb_and(scope, "u.room = ? AND (b.code = ? OR u.code = ?)", DT(room), DT(bcode), DT(q));
    else qb_and(scope, "u.room = ?", DT(room));
    /* the 10 best ids first; the costly columns (completeness) only for those */
    char *sql = qb_sql(scope, &c->a, "SELECT " UNIT_COLS " FROM " UNIT_FROM " JOIN (SELECT u.id AS pick, "
                                     "CASE WHEN u.code = ? THEN 0 ELSE 1 END AS rk FROM " UNIT_FROM,
                       "ORDER BY rk, LENGTH(b.code), b.code, u.code LIMIT 10) best ON best.pick = u.id "
                       "ORDER BY best.rk, LENGTH(b.code), b.code, u.code");
    const db_arg *sargs = qb_args(scope, 0, DN, DN);
    db_arg all[QB_MAX_ARGS + 4];
    int na = 0;
    all[na++] = DT(q);
    while (sargs[na - 1].type) { all[na] = sargs[na - 1]; na++; }
    all[na] = DEND_;
    db_stmt *st = sql ? db_query_a(c->db, sql, all) : NULL;
    kerr e = sql && !st ? db_last_kerr(c->db) : E_OK;
    if (st) e = units_json_rows(c, st, w, step_stmt, st);
    if (st) db_finish(st);
    char *count = e ? NULL : qb_sql(scope, &c->a, "SELECT COUNT(*) FROM " UNIT_FROM, "");
    if (count) e = db_read_int_a(c->db, total, count, qb_args(scope, 0, DN, DN));
    qb_free(scope);
    jw_end(w);
    return e;
}

/* The grams that together find q (names are indexed by 1 and 2 characters, plates also by 3,
** phones by every 4 digits): q itself when it is one gram long, else its first and its last
** gram. Returns how many (1 or 2). */
static int term_grams(ctx *c, const char *q, char kind, const char *g[2]) {
    int len = kind == 't' ? 4 : kind == 'v' ? 3 : 2, off[65], n = 0;
    for (int i = 0; q[i] && n < 64;) {
        off[n++] = i;
        unsigned char ch = (unsigned char)q[i];
        i += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
    }
    if (n <= len) { g[0] = q; return 1; }
    g[0] = arena_strndup(&c->a, q, (size_t)off[len]);
    g[1] = arena_strdup(&c->a, q + off[n - len]);
    return 2;
}

/* The candidate ids for q from the gram table (index lookups on project, kind, gram), as
** the derived table "cand", its args appended at args[*n]. A term that is one gram: the first
** 50 holding it, those starting with it first (every one matches; 50 are enough to rank).
** A longer term: the records holding both its first and its last gram, at most 500 (刘建国 is
** 刘建 ∩ 建国: 7 candidates instead of the 172 holding 建国); the caller's LIKE checks the
** whole term. The scope was checked by lookup(). */
static const char *cand_sql(ctx *c, const char *kind, const char *q, db_arg *args, int *n) {
    const char *g[2], *part[2];
    int ng = term_grams(c, q, kind[0], g);
    for (int i = 0; i < ng; i++) {
        qb s;
        qb_init(&s);
        scope_projects(c, &s, "archive.read", "g.project_id");
        qb_and(&s, "g.kind = ? AND g.gram = ?", DT(kind), DT(g[i]));
        part[i] = qb_sql(&s, &c->a, "SELECT g.ref_id FROM search_grams g", ng == 1 ? "ORDER BY g.pos LIMIT 50" : "");
        for (const db_arg *a = qb_args(&s, 0, DN, DN); a->type; a++) args[(*n)++] = *a;
        qb_free(&s);
        if (!part[i]) return NULL;
    }
    return ng == 1 ? arena_printf(&c->a, "(%s) cand", part[0])
                   : arena_printf(&c->a, "(%s INTERSECT %s LIMIT 500) cand", part[0], part[1]);
}

#define LOOKUP_MAX 10   /* results per group */

/* A person found by the lookup: the person, where the digits matched, the units. */
static void person_lookup_row(ctx *c, db_stmt *st, jw *w) {
    person_rec r;
    person_rec_read(st, &r);
    person_rec_json(c, &r, w, false);
    jw_phone_match(c, w, r.project_id, r.phone, r.phone2, q_str(c, "q"));
}

/* People by name or by phone digits, ranked: the exact name or number, then those starting
** with the term, then the shorter names. */
static kerr lookup_people(ctx *c, const char *q, const lookup_terms *t, jw *w, int64_t *total) {
    static const child_batch units = {
        person_lookup_row, "units", PERSON_UNITS_SQL, "r.person_id IN ?*", "r.active = 1", "ORDER BY r.person_id, r.id",
        unit_child,
    };
    bool phone = t->by_phone;
    jw_arr(w, "people");
    if (!t->people) { jw_end(w); return E_OK; }
    db_arg all[2 * QB_MAX_ARGS + 16];
    int n = 0;
    const char *cand = cand_sql(c, phone ? "t" : "n", q, all, &n);
    const char *like = qb_like(&c->a, q);
    const char *from = cand ? arena_printf(&c->a, "FROM %s JOIN people p ON p.id = cand.ref_id WHERE %s", cand,
                                           phone ? "(p.phone LIKE ? ESCAPE '\\' OR p.phone2 LIKE ? ESCAPE '\\')"
                                                 : "p.name LIKE ? ESCAPE '\\'") : NULL;
    char *sql = from ? arena_printf(&c->a, "SELECT " PERSON_COLS " %s ORDER BY CASE WHEN p.name = ? OR p.phone = ? THEN 0 "
                                    "WHEN %s LIKE ? THEN 1 ELSE 2 END, LENGTH(p.name), p.id LIMIT %d", from,
                                    phone ? "p.phone" : "p.name", LOOKUP_MAX) : NULL;
    all[n++] = DT(like);
    if (phone) all[n++] = DT(like);
    int filtered = n;
    all[n++] = DT(q);
    all[n++] = DT(q);
    all[n++] = DT(arena_printf(&c->a, "%s%%", q));
    all[n] = DEND_;
    db_stmt *st = sql ? db_query_a(c->db, sql, all) : NULL;
    kerr e = sql && !st ? db_last_kerr(c->db) : E_OK;
    if (st) e = json_rows_with_children(c, st, w, step_stmt, st, &units);
    if (st) db_finish(st);
    all[filtered] = DEND_;
    if (!e && from) e = db_read_int_a(c->db, total, arena_printf(&c->a, "SELECT COUNT(*) %s", from), all);
    jw_end(w);
    return e;
}

static kerr lookup_vehicles(ctx *c, const lookup_terms *t, jw *w, int64_t *total) {
    jw_arr(w, "vehicles");
    if (!t->vehicles) { jw_end(w); return E_OK; }
    const char *up = t->plate;
    db_arg all[2 * QB_MAX_ARGS + 16];
    int n = 0;
    const char *cand = cand_sql(c, "v", up, all, &n);
    const char *from = cand ? arena_printf(&c->a, "FROM %s JOIN vehicles v ON v.id = cand.ref_id " VEHICLE_LOOKUP_JOINS
                                           " WHERE v.active = 1 AND v.plate LIKE ? ESCAPE '\\'", cand) : NULL;
    char *sql = from ? arena_printf(&c->a, "SELECT " VEHICLE_LOOKUP_COLS " %s ORDER BY CASE WHEN v.plate = ? THEN 0 ELSE 1 END, "
                                    "v.plate LIMIT %d", from, LOOKUP_MAX) : NULL;
    all[n++] = DT(qb_like(&c->a, up));
    int filtered = n;
    all[n++] = DT(up);
    all[n] = DEND_;
    db_stmt *st = sql ? db_query_a(c->db, sql, all) : NULL;
    int rc = sql && !st ? DB_ERROR : DB_DONE;
    while (st && (rc = db_step(st)) == DB_ROW) {
        vehicle_rec v;
        vehicle_rec_read(st, &v);
        jw_obj(w, NULL);
        vehicle_rec_json(&v, w);
        jw_end(w);
    }
    if (st) db_finish(st);
    jw_end(w);
    if (rc == DB_ERROR) return db_last_kerr(c->db);
    all[filtered] = DEND_;
    return from ? db_read_int_a(c->db, total, arena_printf(&c->a, "SELECT COUNT(*) %s", from), all) : E_OK;
}

/* The lookup from memory (archive_mirror.c) over the projects scope_projects admitted: those the
** user may read, or the one named by ?project_id. */
static bool lookup_in_memory(ctx *c, const char *q, const lookup_terms *t, jw *w) {
    int64_t *ids = NULL, only = 0;
    int n = ctx_perm_projects(c, "archive.read", &ids);
    if (q_int(c, "project_id", "管理处", 1, INT64_MAX, 0, &only)) return false;
    if (only) {
        bool in = n < 0;
        for (int i = 0; i < n && !in; i++) in = ids[i] == only;
        ids = &only;
        n = in ? 1 : 0;
    }
    bool ok = lookup_from_memory(c, q, t, ids, n, w);
    ctx_header(c, "X-Kefu-Lookup", ok ? "memory" : "db");   /* which way answered (tests, operators) */
    return ok;
}

static kerr lookup(ctx *c) {
    const char *q = q_str(c, "q");
    if (q && utf8_chars(q) > 40) return ctx_fail(c, E_BAD_REQUEST, "q", "查询内容过长");
    qb s;
    qb_init(&s);
    kerr e = scope_projects(c, &s, "archive.read", "u.project_id");
    if (e) { qb_free(&s); return e; }
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    int64_t nu = 0, np = 0, nv = 0;
    if (!q || strchr(q, '%') || strchr(q, '_')) {   /* nothing to look for: empty groups */
        qb_free(&s);
        jw_arr(w, "units"); jw_end(w);
        jw_arr(w, "people"); jw_end(w);
        jw_arr(w, "vehicles"); jw_end(w);
        lookup_totals_json(w, 0, 0, 0);
    } else {
        lookup_terms t = lookup_terms_of(&c->a, q);
        if (lookup_in_memory(c, q, &t, w)) qb_free(&s);
        else if ((e = lookup_units(c, &s, q, &t, w, &nu)) || (e = lookup_people(c, q, &t, w, &np)) ||
                 (e = lookup_vehicles(c, &t, w, &nv)))
            return e;
        else lookup_totals_json(w, nu, np, nv);
    }
    jw_end(w);
    return E_OK;
}

void lookup_totals_json(jw *w, int64_t units, int64_t people, int64_t vehicles) {
    jw_obj(w, "totals");
    jw_int(w, "units", units);
    jw_int(w, "people", people);
    jw_int(w, "vehicles", vehicles);
    jw_end(w);
}

/* ---- 建档率 ---- */

typedef struct bstat { int64_t id; const char *code, *name; int64_t units, complete; } bstat;

static kerr completeness(ctx *c) {
    int64_t pid = 0, *ids = NULL;
    kerr e = q_int(c, "project_id", "管理处", 1, INT64_MAX, 0, &pid);
    if (e) return e;
    if (!pid) {
        int n = ctx_perm_projects(c, "archive.read", &ids);
        if (n != 1) return ctx_fail(c, E_BAD_REQUEST, "project_id", "请选择管理处");
        pid = ids[0];
    }
    if ((e = ctx_require(c, "archive.read", pid))) return e;
    db_stmt *st = db_query(c->db, "SELECT b.id, b.code, b.name, COUNT(u.id), "
                                  "COALESCE(SUM(CASE WHEN " UNIT_COMPLETE_SQL " THEN 1 ELSE 0 END), 0) "
                                  "FROM buildings b LEFT JOIN units u ON u.building_id = b.id WHERE b.project_id = ? "
                                  "GROUP BY b.id, b.code, b.name ORDER BY LENGTH(b.code), b.code", DI(pid));
    if (!st) return db_last_kerr(c->db);
    int64_t total = 0, done = 0;
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_arr(w, "buildings");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t n = db_col_int(st, 3), k = db_col_int(st, 4);
        total += n, done += k;
        jw_obj(w, NULL);
        jw_int(w, "building_id", db_col_int(st, 0));
        jw_str(w, "code", db_col_text(st, 1));
        jw_str(w, "name", db_col_text(st, 2));
        jw_int(w, "units", n);
        jw_int(w, "complete", k);
        jw_raw(w, "rate", arena_printf(&c->a, "%.4f", n ? (double)k / (double)n : 1.0));
        jw_end(w);
    }
    db_finish(st);
    if (rc != DB_DONE) return db_last_kerr(c->db);
    jw_end(w);
    jw_obj(w, "project");
    jw_int(w, "project_id", pid);
    jw_int(w, "units", total);
    jw_int(w, "complete", done);
    jw_raw(w, "rate", arena_printf(&c->a, "%.4f", total ? (double)done / (double)total : 1.0));
    jw_end(w);
    st = db_query(c->db, "SELECT " UNIT_COLS " FROM " UNIT_FROM " WHERE u.project_id = ? AND NOT " UNIT_COMPLETE_SQL
                         " ORDER BY LENGTH(b.code), b.code, u.code LIMIT 500", DI(pid));
    if (!st) return db_last_kerr(c->db);
    jw_arr(w, "incomplete");
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w, NULL);
        unit_fields(c, st, w);
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    jw_end(w);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

/* ---- vehicles list ---- */

static kerr vehicle_item(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)c, (void)arg;
    jw_obj(w, NULL);
    jw_int(w, "id", db_col_int(st, 0));
    jw_int(w, "project_id", db_col_int(st, 1));
    jw_str(w, "plate", db_col_text(st, 2));
    jw_str(w, "model", db_col_text(st, 3));
    jw_str(w, "color", db_col_text(st, 4));
    jw_str(w, "space", db_col_text(st, 5));
    jw_int(w, "unit_id", db_col_int(st, 6));
    jw_str(w, "unit_code", db_col_text(st, 7));
    jw_str(w, "owner", db_col_text(st, 8));
    jw_int(w, "version", db_col_int(st, 9));
    jw_end(w);
    return E_OK;
}

static kerr vehicles_active(ctx *c, list_q *f) {
    (void)c;
    qb *b = &f->b;
    qb_and(b, "v.active = 1");
    return E_OK;
}

static const list_def VEHICLES = {
    .perm = "archive.read", .project_col = "v.project_id",
    .q_cond = "v.plate LIKE ? ESCAPE '\\'", .filter = vehicles_active,
    .sorts = (const list_sort[]){{"plate", "ORDER BY v.project_id, v.plate"}, {"-id", "ORDER BY v.id DESC"}, {NULL, NULL}},
    .spec = {.cols = "v.id, v.project_id, v.plate, v.model, v.color, v.space, v.unit_id, u.code, p.name, v.version",
             .from = "vehicles v JOIN units u ON u.id = v.unit_id LEFT JOIN people p ON p.id = v.person_id"},
    .row = vehicle_item,
};
static kerr vehicles_list(ctx *c) { return list_run(c, &VEHICLES, NULL); }

static const char *units_text(arena *a, json_t *item) {
    buf b;
    buf_init(&b);
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(item, "units"), i, u)
        buf_printf(&b, "%s%s（%s）", i ? "、" : "", json_string_value(json_object_get(u, "code")),
                   json_string_value(json_object_get(u, "relation")));
    const char *t = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return t;
}

static const export_col person_cols[] = {
    {"name", "姓名", EX_TEXT, NULL},              {"phone", "电话", EX_TEXT, NULL},
    {"phone2", "备用电话", EX_TEXT, NULL},        {"id_type", "证件类型", EX_TEXT, NULL},
    {"id_no", "证件号码", EX_TEXT, NULL},         {"units", "房屋", EX_TEXT, units_text},
    {"emergency_name", "应急联系人", EX_TEXT, NULL}, {"emergency_phone", "应急联系电话", EX_TEXT, NULL},
    {"company", "单位名称", EX_TEXT, NULL},       {"business_scope", "经营范围", EX_TEXT, NULL},
    {"remark", "备注", EX_TEXT, NULL},            {NULL, NULL, 0, NULL},
};
static const export_spec person_export = {"人员列表", person_cols};

static const export_col vehicle_cols[] = {
    {"plate", "车牌号", EX_TEXT, NULL}, {"model", "车型", EX_TEXT, NULL}, {"color", "颜色", EX_TEXT, NULL},
    {"space", "车位", EX_TEXT, NULL},   {"unit_code", "房号", EX_TEXT, NULL}, {"owner", "车主", EX_TEXT, NULL},
    {NULL, NULL, 0, NULL},
};
static const export_spec vehicle_export = {"车辆列表", vehicle_cols};

const route people_routes[] = {
    {"GET",   "/api/v1/people",                       "archive.read",  0, 0, people_list, &person_export},
    {"POST",  "/api/v1/people",                       "archive.write", 0, 16384, person_create, NULL},
    {"GET",   "/api/v1/people/{id}",                  "archive.read",  0, 0, person_get, NULL},
    {"PATCH", "/api/v1/people/{id}",                  "archive.write", 0, 16384, person_patch, NULL},
    {"POST",  "/api/v1/people/{id}/actions/{action}", "archive.read",  0, 4096, person_action, NULL},
    {"GET",   "/api/v1/lookup",                       "archive.read",  0, 0, lookup, NULL},
    {"GET",   "/api/v1/archive/completeness",         "archive.read",  0, 0, completeness, NULL},
    {"GET",   "/api/v1/vehicles",                     "archive.read",  0, 0, vehicles_list, &vehicle_export},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
