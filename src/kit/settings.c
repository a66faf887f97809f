/*
** settings.c — per-project settings over documented defaults (see settings.h).
*/
#include "settings.h"
#include "kit/scope.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static int nfields(const setting_spec *s) {
    int n = 0;
    while (s->fields[n].name && n < SETTING_MAX_FIELDS) n++;
    return n;
}

/* "f1, f2, f3" */
static void field_list(const setting_spec *s, char *out, size_t n) {
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < nfields(s) && used < n; i++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "", s->fields[i].name);
}

/* The fields of a row from column `first` on. */
static void read_vals(const setting_spec *s, arena *a, db_stmt *st, int first, setting_val *v) {
    for (int i = 0; i < nfields(s); i++) {
        if (s->fields[i].type == SF_TEXT) v[i].s = a ? arena_strdup(a, db_col_text(st, first + i)) : NULL;
        else v[i].n = db_col_int(st, first + i);
    }
}

/* The SELECT of a spec's values, built once: the statement cache finds a statement by the
** address of its text first (db.c), and a repair registration reads its category's limits. */
static const char *select_sql(const setting_spec *s) {
    static struct { const setting_spec *spec; char sql[512]; } cache[32];
    static int n;
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    const char *out = NULL;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < n && !out; i++)
        if (cache[i].spec == s) out = cache[i].sql;
    if (!out && n < 32) {
        char cols[256];
        field_list(s, cols, sizeof cols);
        snprintf(cache[n].sql, sizeof cache[n].sql, "SELECT %s FROM %s WHERE project_id = ? AND %s = ?", cols,
                 s->table, s->key_col);
        cache[n].spec = s;
        out = cache[n++].sql;
    }
    pthread_mutex_unlock(&mu);
    return out;
}

kerr setting_get(db *d, arena *a, const setting_spec *s, int64_t pid, const char *key, setting_val *v, bool *own) {
    memset(v, 0, sizeof *v * SETTING_MAX_FIELDS);
    if (s->defaults) s->defaults(key, v);
    *own = false;
    const char *sql = select_sql(s);
    if (!sql) return E_NOMEM;
    db_stmt *st = db_query(d, sql, DI(pid), DT(key ? key : ""));
    if (!st) return db_last_kerr(d);
    int rc = db_step(st);
    if (rc == DB_ROW) read_vals(s, a, st, 0, v), *own = true;
    db_finish(st);
    return rc == DB_ERROR ? db_last_kerr(d) : E_OK;
}

static void val_json(jw *w, const setting_field *f, const setting_val *v) {
    if (f->type == SF_TEXT) jw_str(w, f->name, v->s);
    else if (f->type == SF_BOOL) jw_bool(w, f->name, v->n != 0);
    else jw_int(w, f->name, v->n);
}

static void item_json(jw *w, const setting_spec *s, const char *key, const setting_val *v, bool custom) {
    jw_obj(w, NULL);
    jw_str(w, s->key_json, key);
    if (s->label_json) jw_str(w, s->label_json, code_label_of(s->keys, key));
    for (int i = 0; i < nfields(s); i++) val_json(w, &s->fields[i], &v[i]);
    jw_bool(w, "custom", custom);
    jw_end(w);
}

/* A documented key as the project has it. */
static kerr key_json(ctx *c, const setting_spec *s, int64_t pid, const char *key, jw *w) {
    setting_val v[SETTING_MAX_FIELDS];
    bool own;
    kerr e = setting_get(c->db, &c->a, s, pid, key, v, &own);
    if (!e) item_json(w, s, key, v, s->open_keys ? !code_in(s->keys, key) : own);
    return e;
}

/* The keys a project added (open_keys), after the documented ones. */
static kerr added_json(ctx *c, const setting_spec *s, int64_t pid, jw *w) {
    char cols[256], sql[512];
    field_list(s, cols, sizeof cols);
    snprintf(sql, sizeof sql, "SELECT %s, %s FROM %s WHERE project_id = ? ORDER BY %s", s->key_col, cols, s->table,
             s->added_order ? s->added_order : s->key_col);
    db_stmt *st = db_query(c->db, sql, DI(pid));
    if (!st) return db_last_kerr(c->db);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (code_in(s->keys, db_col_text(st, 0))) continue;
        setting_val v[SETTING_MAX_FIELDS] = {0};
        read_vals(s, &c->a, st, 1, v);
        item_json(w, s, db_col_text(st, 0), v, true);
    }
    db_finish(st);
    return rc == DB_DONE ? E_OK : db_last_kerr(c->db);
}

kerr settings_list(ctx *c, const setting_spec *s) {
    int64_t pid;
    kerr e = query_project(c, s->read_perm, &pid);
    if (e) return e;
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_int(w, "project_id", pid);
    jw_arr(w, "items");
    for (const code_label *k = s->keys; !e && k->code; k++) e = key_json(c, s, pid, k->code, w);
    if (e) return e;
    if (s->open_keys && (e = added_json(c, s, pid, w))) return e;
    jw_end(w);
    jw_end(w);
    return E_OK;
}

/* ---- a change ---- */

static bool open_key_ok(const char *k) {
    size_t n = strlen(k);
    for (const char *p = k; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
    return n >= 1 && n <= 30;
}

static kerr check_key(ctx *c, const setting_spec *s, const char *key) {
    if (code_in(s->keys, key)) return E_OK;
    if (!s->open_keys) return ctx_fail(c, E_NOT_FOUND, s->key_param, "%s", s->unknown_key);
    if (open_key_ok(key)) return E_OK;
    return ctx_fail(c, E_VALIDATION, s->key_param, "编码只能使用小写字母、数字和 _（最多 30 个）");
}

/* The body's fields into v, each checked; only the spec's fields are allowed. */
static kerr read_body(ctx *c, const setting_spec *s, setting_val *v) {
    const char *names[SETTING_MAX_FIELDS + 1] = {0};
    for (int i = 0; i < nfields(s); i++) names[i] = s->fields[i].name;
    kerr e = in_only(c, names);
    for (int i = 0; !e && i < nfields(s); i++) {
        const setting_field *f = &s->fields[i];
        if (f->type == SF_INT) e = in_int(c, f->name, f->label, IN_REQUIRED, f->min, f->max, &v[i].n, NULL);
        else if (f->type == SF_TEXT) e = in_str(c, f->name, f->label, IN_REQUIRED, (int)f->max, &v[i].s);
        else {
            bool b = true, given = false;
            e = in_bool(c, f->name, f->label, f->optional ? 0 : IN_REQUIRED, &b, &given);
            v[i].n = b;
        }
    }
    return e;
}

/* {"<key_col>": key, "<field>": {"from": old, "to": new} …} */
static const char *changes_json(ctx *c, const setting_spec *s, const char *key, const setting_val *old,
                                const setting_val *v) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_str(&w, s->key_col, key);
    for (int i = 0; i < nfields(s); i++) {
        jw_obj(&w, s->fields[i].name);
        val_json(&w, &(setting_field){.name = "from", .type = s->fields[i].type}, &old[i]);
        val_json(&w, &(setting_field){.name = "to", .type = s->fields[i].type}, &v[i]);
        jw_end(&w);
    }
    jw_end(&w);
    const char *out = arena_strdup(&c->a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

static kerr store(ctx *c, const setting_spec *s, int64_t pid, const char *key, const setting_val *v) {
    char cols[256], sql[768];
    field_list(s, cols, sizeof cols);
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE project_id = ? AND %s = ?", s->table, s->key_col);
    kerr e = db_exec(c->db, sql, DI(pid), DT(key));
    if (e) return e;
    db_arg args[SETTING_MAX_FIELDS + 4];
    int k = 0;
    args[k++] = DI(pid), args[k++] = DT(key);
    for (int i = 0; i < nfields(s); i++) args[k++] = s->fields[i].type == SF_TEXT ? DT(v[i].s) : DI(v[i].n);
    args[k++] = DI(c->now), args[k] = DEND_;
    int used = snprintf(sql, sizeof sql, "INSERT INTO %s(project_id, %s, %s, updated_at) VALUES (?,?", s->table,
                        s->key_col, cols);
    for (int i = 0; i < nfields(s); i++) used += snprintf(sql + used, sizeof sql - (size_t)used, ",?");
    snprintf(sql + used, sizeof sql - (size_t)used, ",?)");
    return db_exec_a(c->db, sql, args);
}

kerr setting_put(ctx *c, const setting_spec *s) {
    const char *key = ctx_param(c, s->key_param);
    setting_val v[SETTING_MAX_FIELDS] = {0}, old[SETTING_MAX_FIELDS];
    int64_t pid;
    kerr e;
    if ((e = check_key(c, s, key)) || (e = query_project(c, s->write_perm, &pid)) || (e = read_body(c, s, v)) ||
        (s->check && (e = s->check(c, v))))
        return e;
    bool own;
    if ((e = setting_get(c->db, &c->a, s, pid, key, old, &own)) || (e = store(c, s, pid, key, v))) return e;
    if ((e = ctx_audit(c, pid, s->audit_entity, pid, "update", changes_json(c, s, key, old, v)))) return e;
    item_json(ctx_json(c, 200), s, key, v, s->open_keys ? !code_in(s->keys, key) : true);
    return E_OK;
}
