/*
** archive_common.c — validation, masking, scoping and lookup grams shared by the archive files.
*/
#include "archive.h"
#include "base/clock.h"
#include "core/qb.h"
#include "http/input.h"
#include "http/module.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const code_label UNIT_USES[] = {{"住宅"}, {"商铺"}, {"办公"}, {"车位"}, {NULL}};
const code_label UNIT_STATUSES[] = {{"未交房"}, {"空置"}, {"装修中"}, {"已入住"}, {"出租"}, {NULL}};
const code_label RELATIONS[] = {{"业主"}, {"共有人"}, {"租户"}, {"家庭成员"}, {"委托人"}, {NULL}};
const code_label ID_TYPES[] = {{"身份证"}, {"护照"}, {"港澳通行证"}, {"台胞证"}, {"营业执照"}, {"其他"}, {NULL}};
const code_label BUILDING_KINDS[] = {{"住宅楼"}, {"商业楼"}, {"写字楼"}, {"别墅"}, {"车库"}, {"其他"}, {NULL}};
const code_label PET_KINDS[] = {{"犬"}, {"猫"}, {"其他"}, {NULL}};

bool area_parse(const char *s, int64_t *out) {
    int64_t whole = 0, frac = 0;
    int nd = 0, nf = 0;
    for (; *s >= '0' && *s <= '9'; s++, nd++) {
        whole = whole * 10 + (*s - '0');
        if (whole > 100000000) return false;
    }
    if (*s == '.') for (s++; *s >= '0' && *s <= '9'; s++, nf++) { if (nf >= 2) return false; frac = frac * 10 + (*s - '0'); }
    if (*s || nd == 0) return false;
    if (nf == 1) frac *= 10;
    *out = whole * 100 + frac;
    return true;
}

kerr in_area(ctx *c, const char *key, const char *label, opt_int *out) {
    json_t *v = json_object_get(c->json, key);
    *out = (opt_int){0};
    if (!v) return E_OK;
    out->present = true;
    if (json_is_null(v)) { out->null = true; return E_OK; }
    char tmp[64];
    if (json_is_integer(v)) snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) {
        double d = json_real_value(v), h = round(d * 100);
        if (!(d >= 0) || d > 1e6 || fabs(d * 100 - h) > 1e-6)
            return ctx_fail(c, E_VALIDATION, key, "%s应为不超过两位小数的非负数（平方米）", label);
        out->v = (int64_t)h;
        return E_OK;
    } else if (json_is_string(v)) {
        /* the whole text or nothing: one cut to fit tmp, or at a \u0000, would be read as another
        ** number ("000…0001.5" as 0; found by fuzzing) */
        size_t n = json_string_length(v);
        if (n >= sizeof tmp || n != strlen(json_string_value(v)))
            return ctx_fail(c, E_VALIDATION, key, "%s应为不超过两位小数的非负数（平方米）", label);
        memcpy(tmp, json_string_value(v), n + 1);
    } else return ctx_fail(c, E_VALIDATION, key, "%s应为数字（平方米）", label);
    if (!area_parse(tmp, &out->v))
        return ctx_fail(c, E_VALIDATION, key, "%s应为不超过两位小数的非负数（平方米）", label);
    return E_OK;
}

void jw_area(jw *w, const char *key, bool has, int64_t v) {
    if (!has) { jw_null(w, key); return; }
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
    jw_raw(w, key, tmp);
}


/* GB 11643: 17 digits + check character over weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2. */
static bool resident_id_ok(const char *s) {
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    if (strlen(s) != 18) return false;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        sum += (s[i] - '0') * w[i];
    }
    char last = s[17] == 'x' ? 'X' : s[17];
    return check[sum % 11] == last;
}

bool id_number_ok(const char *type, const char *no) {
    if (!type || !strcmp(type, "身份证")) return resident_id_ok(no);
    size_t n = strlen(no);
    for (size_t i = 0; i < n; i++)
        if (!((no[i] >= '0' && no[i] <= '9') || (no[i] >= 'A' && no[i] <= 'Z') || (no[i] >= 'a' && no[i] <= 'z') || no[i] == '-'))
            return false;
    return n >= 4 && n <= 30;
}

kerr check_id_no(ctx *c, const char *type, const char *no) {
    if (!no || !*no || id_number_ok(type, no)) return E_OK;
    if (!type || !strcmp(type, "身份证")) return ctx_fail(c, E_VALIDATION, "id_no", "身份证号码不正确（18 位，校验位不符）");
    return ctx_fail(c, E_VALIDATION, "id_no", "证件号码应为 4 到 30 个字母、数字或 -");
}

void vehicle_rec_read(db_stmt *st, vehicle_rec *r) {
    *r = (vehicle_rec){.id = db_col_int(st, 0), .plate = db_col_text(st, 1), .unit_id = db_col_int(st, 2),
                       .unit_code = db_col_text(st, 3), .owner = db_col_text(st, 4), .model = db_col_text(st, 5),
                       .project_id = db_col_int(st, 6)};
}

void vehicle_rec_json(const vehicle_rec *r, jw *w) {
    jw_int(w, "id", r->id);
    jw_str(w, "plate", r->plate);
    jw_int(w, "unit_id", r->unit_id);
    jw_str(w, "unit_code", r->unit_code);
    jw_str(w, "owner", r->owner);
    jw_str(w, "model", r->model);
    jw_int(w, "project_id", r->project_id);
}

kerr archive_touch(db *d, int64_t pid) {
    return db_exec(d, "INSERT INTO archive_gen(project_id, gen) VALUES (?, 1) "
                      "ON CONFLICT (project_id) DO UPDATE SET gen = archive_gen.gen + 1", DI(pid));
}

kerr archive_audit(ctx *c, int64_t pid, const char *entity, int64_t id, const char *action, const char *changes) {
    kerr e = archive_touch(c->db, pid);
    return e ? e : ctx_audit(c, pid, entity, id, action, changes);
}

bool can_reveal(ctx *c, int64_t project_id) { return auth_can(c->user, "people.reveal", project_id); }

const char *mask_phone(ctx *c, int64_t pid, const char *p) {
    return !p || !*p || can_reveal(c, pid) ? p : phone_masked(&c->a, p);
}

/* Position i of a number of n characters in the number as masked ("%.3s****%s"): the first three
** and the last four stay where they are, the middle is the four stars. `end`: i is an end. */
static int masked_at(size_t n, size_t i, bool end) {
    if (n < 8) return end ? 4 : 0;
    if (i < 3 || (end && i == 3)) return (int)i;
    if (i > n - 4 || (!end && i == n - 4)) return (int)(7 + i - (n - 4));
    return end ? 7 : 3;
}

/* Where the digits q were found in a person's number, as positions in the number as this user
** sees it (masked or whole), so the counter can mark them: "phone_match": {"field": "phone" or
** "phone2", "from", "to"} (to exclusive). Nothing when q is not digits found in either number. */
void jw_phone_match(ctx *c, jw *w, int64_t pid, const char *phone, const char *phone2, const char *q) {
    if (!q || strlen(q) < 4 || strspn(q, "0123456789") != strlen(q)) return;
    const char *f = "phone", *at = phone ? strstr(phone, q) : NULL, *num = phone;
    if (!at && phone2 && (at = strstr(phone2, q))) f = "phone2", num = phone2;
    if (!at) return;
    size_t n = strlen(num), a = (size_t)(at - num), b = a + strlen(q);
    bool masked = !can_reveal(c, pid);
    jw_obj(w, "phone_match");
    jw_str(w, "field", f);
    jw_int(w, "from", masked ? masked_at(n, a, false) : (int64_t)a);
    jw_int(w, "to", masked ? masked_at(n, b, true) : (int64_t)b);
    jw_end(w);
}

const char *mask_id(ctx *c, int64_t pid, const char *s) {
    if (!s || !*s || can_reveal(c, pid)) return s;
    size_t n = strlen(s);
    if (n <= 8) return "****";
    char *m = arena_strdup(&c->a, s);
    if (m) memset(m + 4, '*', n - 8);
    return m;
}

kerr archive_row(ctx *c, const char *table, int64_t id, const char *perm, int64_t *pid) {
    char *sql = arena_printf(&c->a, "SELECT project_id FROM %s WHERE id = ?", table);
    if (!sql) return E_NOMEM;
    kerr e = db_read_int(c->db, pid, sql, DI(id));
    if (e) return e == E_NOT_FOUND ? ctx_fail(c, e, NULL, NULL) : e;
    return ctx_require(c, perm, *pid);
}

/* UTF-8 characters of s as offsets (at most 64). */
static int chars_of(const char *s, int *off) {
    int n = 0;
    for (int i = 0; s[i] && n < 64;) {
        off[n++] = i;
        unsigned char ch = (unsigned char)s[i];
        i += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
    }
    off[n] = (int)strlen(s);
    return n;
}

/* Grams already written for the current record: each is stored once, so lookups that join
** the gram table never see a record twice. */
typedef struct seen { int n; char g[96][16]; } seen;

static kerr add_gram(db *d, int64_t pid, char kind, int64_t ref, const char *g, size_t len, int pos, seen *sn) {
    char tmp[16], k[2] = {kind, 0};
    if (len >= sizeof tmp) return E_OK;
    memcpy(tmp, g, len);
    tmp[len] = 0;
    for (int i = 0; i < sn->n; i++) if (!strcmp(sn->g[i], tmp)) return E_OK;
    if (sn->n < 96) memcpy(sn->g[sn->n++], tmp, len + 1);
    return db_exec(d, "INSERT INTO search_grams(project_id, kind, gram, pos, ref_id) VALUES (?,?,?,?,?)",
                   DI(pid), DT(k), DT(tmp), DI(pos), DI(ref));
}

kerr grams_set(db *d, int64_t pid, char kind, int64_t ref, const char *const *texts, int ntexts) {
    char k[2] = {kind, 0};
    kerr e = db_exec(d, "DELETE FROM search_grams WHERE kind = ? AND ref_id = ?", DT(k), DI(ref));
    seen sn = {0};
    for (int t = 0; !e && t < ntexts; t++) {
        const char *s = texts[t];
        if (!s || !*s) continue;
        if (kind == 't') {                      /* phones: every run of 4 digits */
            char dig[40];
            size_t n = 0;
            for (const char *p = s; *p && n < sizeof dig - 1; p++)
                if (*p >= '0' && *p <= '9') dig[n++] = *p;
            for (size_t i = 0; !e && i + 4 <= n; i++) e = add_gram(d, pid, kind, ref, dig + i, 4, (int)i, &sn);
            continue;
        }
        int off[65], n = chars_of(s, off);       /* names: 1- and 2-character pieces; plates also 3 */
        for (int i = 0; !e && i < n; i++) {
            e = add_gram(d, pid, kind, ref, s + off[i], (size_t)(off[i + 1] - off[i]), i, &sn);
            if (!e && i + 1 < n) e = add_gram(d, pid, kind, ref, s + off[i], (size_t)(off[i + 2] - off[i]), i, &sn);
            if (!e && kind == 'v' && i + 2 < n)
                e = add_gram(d, pid, kind, ref, s + off[i], (size_t)(off[i + 3] - off[i]), i, &sn);
        }
    }
    return e;
}

/* Personal fields inside audit changes are masked like everywhere else (A6). */
static const char *masked_changes(ctx *c, int64_t pid, const char *changes) {
    static const char *const personal[] = {"phone", "phone2", "emergency_phone", "id_no", NULL};
    if (!changes || can_reveal(c, pid)) return changes;
    bool any = false;
    for (int i = 0; personal[i]; i++) any |= strstr(changes, personal[i]) != NULL;
    if (!any) return changes;                     /* left exactly as written */
    json_t *o = json_loads(changes, 0, NULL);
    if (!json_is_object(o)) { json_decref(o); return changes; }
    for (int i = 0; personal[i]; i++) {
        json_t *ch = json_object_get(o, personal[i]);
        const char *ends[] = {"from", "to"};
        for (int k = 0; json_is_object(ch) && k < 2; k++) {
            json_t *v = json_object_get(ch, ends[k]);
            if (!json_is_string(v)) continue;
            const char *m = i == 3 ? mask_id(c, pid, json_string_value(v)) : mask_phone(c, pid, json_string_value(v));
            json_object_set_new(ch, ends[k], json_string(m ? m : ""));
        }
        if (json_is_string(ch)) {
            const char *m = i == 3 ? mask_id(c, pid, json_string_value(ch)) : mask_phone(c, pid, json_string_value(ch));
            json_object_set_new(o, personal[i], json_string(m ? m : ""));
        }
    }
    char *t = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
    const char *r = t ? arena_strdup(&c->a, t) : changes;
    free(t);
    json_decref(o);
    return r;
}

kerr history_json(ctx *c, const char *entity, int64_t id, jw *w) {
    db_stmt *st = db_query(c->db, "SELECT id, at, actor_name, action, changes, COALESCE(project_id, 0) FROM audit_log "
                                  "WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 200", DT(entity), DI(id));
    if (!st) return db_last_kerr(c->db);
    jw_arr(w, "history");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w, NULL);
        jw_int(w, "id", db_col_int(st, 0));
        jw_time(w, "at", db_col_int(st, 1));
        jw_str(w, "actor_name", db_col_text(st, 2));
        jw_str(w, "action", db_col_text(st, 3));
        const char *label = module_audit_action(entity, db_col_text(st, 3));
        jw_str(w, "action_label", label ? label : db_col_text(st, 3));
        jw_raw(w, "changes", masked_changes(c, db_col_int(st, 5), db_col_text(st, 4)));
        jw_end(w);
    }
    db_finish(st);
    jw_end(w);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

/* Rows with their children (see archive.h): parents are written in batches of 64, each batch's
** children from one query, then spliced into their parent objects. A batch is no larger than a
** qb holds bound ids (QB_MAX_ARGS): with 100, a page of more than 64 rows made the children's
** query overflow, and that failure used to be dropped (no owners on a page of 100). */
#define ROW_BATCH QB_MAX_ARGS

/* The children of a batch's parents (ids[n]) into kids[k], the buffer of ids[k]. */
static kerr batch_children(ctx *c, const child_batch *cb, const int64_t *ids, const int64_t *pids, int n, buf *kids) {
    qb q;
    qb_init(&q);
    qb_in_ids(&q, cb->parent_in, ids, n);
    qb_and(&q, cb->filter);
    char *sql = qb_sql(&q, &c->a, cb->select, cb->order);
    db_stmt *o = sql ? db_query_a(c->db, sql, qb_args(&q, 0, DN, DN)) : NULL;
    qb_free(&q);
    if (!o) return sql ? db_last_kerr(c->db) : E_NOMEM;
    int rc;
    while ((rc = db_step(o)) == DB_ROW) {
        int64_t parent = db_col_int(o, 0);
        for (int k = 0; k < n; k++) {
            if (ids[k] != parent) continue;
            jw kw;
            jw_init(&kw, &kids[k]);
            kw.need_comma[0] = kids[k].len > 0;
            jw_obj(&kw, NULL);
            cb->child(c, o, &kw, pids[k]);
            jw_end(&kw);
            break;
        }
    }
    db_finish(o);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

/* One batch: up to ROW_BATCH parents read by next(), their children, written into w. *more
** says whether a full batch was read (there may be more). */
static kerr rows_batch(ctx *c, db_stmt *st, jw *w, int (*next)(void *), void *arg, const child_batch *cb, bool *more) {
    buf part[ROW_BATCH], kids[ROW_BATCH];
    int64_t ids[ROW_BATCH], pids[ROW_BATCH];
    int n = 0, rc = DB_DONE;
    while (n < ROW_BATCH && (rc = next(arg)) == DB_ROW) {
        buf_init(&part[n]);
        buf_init(&kids[n]);
        jw pw;
        jw_init(&pw, &part[n]);
        jw_obj(&pw, NULL);
        cb->row(c, st, &pw);
        ids[n] = db_col_int(st, 0);
        pids[n] = db_col_int(st, 1);
        n++;
    }
    kerr e = rc == DB_ERROR ? db_last_kerr(c->db) : n ? batch_children(c, cb, ids, pids, n, kids) : E_OK;
    for (int k = 0; k < n; k++) {
        if (!e) {
            buf_printf(&part[k], ",\"%s\":[", cb->key);
            buf_append(&part[k], kids[k].data ? kids[k].data : "", kids[k].len);
            buf_puts(&part[k], "]}");
            jw_raw(w, NULL, buf_cstr(&part[k]));
        }
        buf_free(&part[k]);
        buf_free(&kids[k]);
    }
    *more = n == ROW_BATCH;
    return e;
}

kerr json_rows_with_children(ctx *c, db_stmt *st, jw *w, int (*next)(void *), void *arg, const child_batch *cb) {
    bool more = true;
    kerr e = E_OK;
    while (!e && more) e = rows_batch(c, st, w, next, arg, cb, &more);
    return e;
}

int step_stmt(void *st) { return db_step(st); }
