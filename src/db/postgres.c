/*
** postgres.c — the PostgreSQL backend of db.h (libpq).
**
** Modules write one SQL for both backends; this file adapts it:
**   `?` placeholders → $1, $2 …; LIKE → ILIKE (SQLite's LIKE ignores ASCII case);
**   in migrations INTEGER → BIGINT, INTEGER PRIMARY KEY → BIGSERIAL PRIMARY KEY, and foreign
**   keys become DEFERRABLE (so `kefu migrate` can copy tables in any order).
** Values travel as text and PostgreSQL casts them to the column types; booleans read back
** as "t"/"f" become 1/0. Statements are prepared once per connection (named s1, s2 …) and
** kept by db.c's statement cache. A step runs the whole statement; rows are then read from
** the result. Transactions run in READ COMMITTED; writers that read-then-append (the audit
** chain) take an advisory transaction lock.
*/
#include "db_internal.h"
#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHAIN_LOCK_KEY 20261125     /* pg_advisory_xact_lock: the audit chain */
#define LEADER_LOCK_KEY 20261126    /* pg_try_advisory_lock: background tick leader */

typedef struct pg_conn {
    PGconn *c;
    bool tx;                    /* inside BEGIN … COMMIT/ROLLBACK: never retry a statement */
    int gen;                    /* bumped at each reconnect: statements of older ones are re-prepared */
    int next_name;
    int64_t changes;
    char sqlstate[6];
    char err[512];
} pg_conn;

typedef struct pg_stmt {
    pg_conn *pc;
    char name[24];
    char *sql;                  /* translated, to prepare again after a reconnect */
    int gen;                    /* the connection generation it was prepared on */
    int nparams;
    char **vals;
    PGresult *res;
    int row, nrows;
    bool executed;
} pg_stmt;

static void set_error(pg_conn *pc, const PGresult *r) {
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (!st && PQstatus(pc->c) != CONNECTION_OK) st = "08006";   /* connection failure: 503, retry */
    snprintf(pc->sqlstate, sizeof pc->sqlstate, "%s", st ? st : "");
    const char *m = r ? PQresultErrorMessage(r) : NULL;
    snprintf(pc->err, sizeof pc->err, "%s", m && *m ? m : PQerrorMessage(pc->c));
    size_t n = strlen(pc->err);
    while (n && (pc->err[n - 1] == '\n' || pc->err[n - 1] == ' ')) pc->err[--n] = 0;
}

static bool word_at(const char *s, const char *start, const char *w) {
    size_t n = strlen(w);
    if (strncasecmp(s, w, n) != 0) return false;
    if (s > start && (isalnum((unsigned char)s[-1]) || s[-1] == '_')) return false;
    return !(isalnum((unsigned char)s[n]) || s[n] == '_');
}

/* Rewrites portable SQL into PostgreSQL's dialect (see the file comment). Caller frees. */
static char *translate(const char *sql, int *nparams) {
    size_t cap = strlen(sql) * 2 + 512, o = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    int n = 0;
    bool quote = false;
    for (const char *s = sql; *s;) {
        if (o + 256 > cap) {
            cap *= 2;
            char *p = realloc(out, cap);
            if (!p) { free(out); return NULL; }
            out = p;
        }
        if (!quote && s[0] == '-' && s[1] == '-') {          /* comment: to the end of the line */
            while (*s && *s != '\n') s++;
            continue;
        }
        if (*s == '\'') quote = !quote;
        if (quote) { out[o++] = *s++; continue; }
        if (*s == '?') { o += (size_t)sprintf(out + o, "$%d", ++n); s++; continue; }
        if (word_at(s, sql, "LIKE")) { memcpy(out + o, "ILIKE", 5); o += 5; s += 4; continue; }
        if (word_at(s, sql, "INTEGER PRIMARY KEY")) { memcpy(out + o, "BIGSERIAL PRIMARY KEY", 21); o += 21; s += 19; continue; }
        if (word_at(s, sql, "INTEGER")) { memcpy(out + o, "BIGINT", 6); o += 6; s += 7; continue; }
        if (word_at(s, sql, "REFERENCES")) {                   /* REFERENCES t(c) DEFERRABLE … */
            const char *close = strchr(s, ')');
            if (close) {
                size_t len = (size_t)(close + 1 - s);
                memcpy(out + o, s, len);
                o += len;
                s += len;
                o += (size_t)sprintf(out + o, " DEFERRABLE INITIALLY IMMEDIATE");
                continue;
            }
        }
        out[o++] = *s++;
    }
    out[o] = 0;
    if (nparams) *nparams = n;
    return out;
}

#define SESSION_SETTINGS (db_durable ? "SET client_min_messages = warning; SET plan_cache_mode = force_generic_plan" \
                                    : "SET client_min_messages = warning; SET plan_cache_mode = force_generic_plan; " \
                                      "SET synchronous_commit = off")

static void *pg_open(const char *target, char *err, size_t n) {
    const char *conninfo = strncmp(target, "pg:", 3) == 0 ? target + 3 : target;
    PGconn *c = PQconnectdb(conninfo);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        snprintf(err, n, "无法连接 PostgreSQL（%s）：%s", conninfo, c ? PQerrorMessage(c) : "out of memory");
        PQfinish(c);
        return NULL;
    }
    PQsetClientEncoding(c, "UTF8");
    /* generic plans: our statements are prepared once and run many times; re-planning each
    ** execution cost PostgreSQL more CPU than the queries themselves */
    PGresult *r = PQexec(c, SESSION_SETTINGS);
    PQclear(r);
    pg_conn *pc = calloc(1, sizeof *pc);
    if (!pc) { PQfinish(c); snprintf(err, n, "out of memory"); return NULL; }
    pc->c = c;
    return pc;
}

static void pg_close(void *conn) {
    pg_conn *pc = conn;
    if (!pc) return;
    PQfinish(pc->c);
    free(pc);
}

/* After the server closed the connection (restart, failover, a killed backend): reconnect.
** Statements prepared on the old connection are prepared again on first use (run_prepared). */
static void revive(pg_conn *pc) {
    if (PQstatus(pc->c) == CONNECTION_OK) return;
    PQreset(pc->c);
    pc->gen++;
    if (PQstatus(pc->c) == CONNECTION_OK) {
        PQsetClientEncoding(pc->c, "UTF8");
        PQclear(PQexec(pc->c, SESSION_SETTINGS));
    }
}

static void *pg_prepare(void *conn, const char *sql) {
    pg_conn *pc = conn;
    int np = 0;
    char *q = translate(sql, &np);
    pg_stmt *st = calloc(1, sizeof *st);
    if (!q || !st) { free(q); free(st); return NULL; }
    st->pc = pc;
    st->nparams = np;
    snprintf(st->name, sizeof st->name, "s%d", ++pc->next_name);
    revive(pc);
    PGresult *r = PQprepare(pc->c, st->name, q, 0, NULL);
    if (PQstatus(pc->c) != CONNECTION_OK && !pc->tx) {   /* it died just now: once more */
        PQclear(r);
        revive(pc);
        r = PQprepare(pc->c, st->name, q, 0, NULL);
    }
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) { set_error(pc, r); fprintf(stderr, "postgres prepare failed: %s\n  in: %.200s\n", pc->err, q); }
    PQclear(r);
    if (!ok) { free(q); free(st); return NULL; }
    st->sql = q;
    st->gen = pc->gen;
    st->vals = np ? calloc((size_t)np, sizeof(char *)) : NULL;
    if (np && !st->vals) { free(st); return NULL; }
    return st;
}

static void clear_values(pg_stmt *st) {
    for (int i = 0; i < st->nparams; i++) { free(st->vals[i]); st->vals[i] = NULL; }
}

static void pg_reset(void *s) {
    pg_stmt *st = s;
    PQclear(st->res);
    st->res = NULL;
    st->executed = false;
    clear_values(st);
}

static void pg_finalize(void *s) {
    pg_stmt *st = s;
    if (!st) return;
    pg_reset(st);
    char sql[48];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
    if (PQstatus(st->pc->c) == CONNECTION_OK && st->gen == st->pc->gen) PQclear(PQexec(st->pc->c, sql));
    free(st->vals);
    free(st->sql);
    free(st);
}

static bool set_value(pg_stmt *st, int i, char *v) {
    if (i < 1 || i > st->nparams) { free(v); return false; }
    free(st->vals[i - 1]);
    st->vals[i - 1] = v;
    return true;
}

static bool pg_bind_int(void *s, int i, int64_t v) {
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    return set_value(s, i, strdup(tmp));
}
static bool pg_bind_text(void *s, int i, const char *v) { return set_value(s, i, strdup(v)); }
static bool pg_bind_null(void *s, int i) { return set_value(s, i, NULL); }

/* Executes; a statement prepared on an earlier connection is prepared again first (before,
** not after a failure: inside a transaction any error would abort the transaction). */
static PGresult *run_prepared(pg_stmt *st) {
    if (st->gen != st->pc->gen) {
        PQclear(PQprepare(st->pc->c, st->name, st->sql, 0, NULL));
        st->gen = st->pc->gen;
    }
    return PQexecPrepared(st->pc->c, st->name, st->nparams, (const char *const *)st->vals, NULL, NULL, 0);
}

static int pg_step(void *s) {
    pg_stmt *st = s;
    if (!st->executed) {
        st->executed = true;
        revive(st->pc);
        st->res = run_prepared(st);
        if (PQstatus(st->pc->c) != CONNECTION_OK) {
            /* the connection died under this statement: run it once more on a new connection,
            ** unless it belonged to a transaction (that transaction is gone: the caller rolls back) */
            bool in_tx = st->pc->tx && strcmp(st->sql, "BEGIN") != 0;
            st->pc->tx = false;
            if (!in_tx) {
                revive(st->pc);
                PQclear(st->res);
                st->res = PQstatus(st->pc->c) == CONNECTION_OK ? run_prepared(st) : NULL;
            }
        }
        ExecStatusType es = st->res ? PQresultStatus(st->res) : PGRES_FATAL_ERROR;
        if (es != PGRES_TUPLES_OK && es != PGRES_COMMAND_OK) {
            set_error(st->pc, st->res);
            return DB_ERROR;
        }
        if (!strcmp(st->sql, "BEGIN")) st->pc->tx = true;
        else if (!strcmp(st->sql, "COMMIT") || !strcmp(st->sql, "ROLLBACK")) st->pc->tx = false;
        const char *ct = PQcmdTuples(st->res);
        st->pc->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
        st->nrows = PQntuples(st->res);
        st->row = -1;
    }
    if (!st->res) return DB_ERROR;
    return ++st->row < st->nrows ? DB_ROW : DB_DONE;
}

static int64_t pg_col_int(void *s, int c) {
    pg_stmt *st = s;
    if (PQgetisnull(st->res, st->row, c)) return 0;
    const char *v = PQgetvalue(st->res, st->row, c);
    if (v[0] == 't' && !v[1]) return 1;
    if (v[0] == 'f' && !v[1]) return 0;
    return strtoll(v, NULL, 10);
}

static const char *pg_col_text(void *s, int c) {
    pg_stmt *st = s;
    return PQgetisnull(st->res, st->row, c) ? NULL : PQgetvalue(st->res, st->row, c);
}

static bool pg_col_is_null(void *s, int c) { pg_stmt *st = s; return PQgetisnull(st->res, st->row, c); }
static int pg_col_count(void *s) { pg_stmt *st = s; return st->res ? PQnfields(st->res) : 0; }
static const char *pg_col_name(void *s, int c) { pg_stmt *st = s; return PQfname(st->res, c); }

static kerr state_to_kerr(const char *st) {
    if (!strcmp(st, "23505")) return E_DUPLICATE;
    if (!strcmp(st, "40001") || !strcmp(st, "40P01")) return E_CONFLICT;   /* serialization, deadlock */
    if (!strcmp(st, "55P03") || !strcmp(st, "57014") || !strncmp(st, "08", 2) || !strcmp(st, "53300"))
        return E_BUSY;
    return E_INTERNAL;
}

static kerr pg_exec_script(void *conn, const char *sql) {
    pg_conn *pc = conn;
    revive(pc);
    char *q = translate(sql, NULL);
    if (!q) return E_NOMEM;
    PGresult *r = PQexec(pc->c, q);
    free(q);
    ExecStatusType es = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    kerr e = E_OK;
    if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK) {
        set_error(pc, r);
        fprintf(stderr, "postgres exec failed: %s\n", pc->err);
        e = state_to_kerr(pc->sqlstate);
    }
    PQclear(r);
    return e;
}

static const char *pg_errmsg(void *conn) {
    pg_conn *pc = conn;
    return pc->err[0] ? pc->err : PQerrorMessage(pc->c);
}

static kerr pg_last_kerr(void *conn) { return state_to_kerr(((pg_conn *)conn)->sqlstate); }
static int64_t pg_changes(void *conn) { return ((pg_conn *)conn)->changes; }

/* A backup of a PostgreSQL database is pg_dump's custom format (restore with pg_restore). */
static kerr pg_backup(void *conn, const char *dest, char *err, size_t n) {
    pg_conn *pc = conn;
    const char *host = PQhost(pc->c), *port = PQport(pc->c), *user = PQuser(pc->c), *dbn = PQdb(pc->c);
    pid_t pid = fork();
    if (pid < 0) { snprintf(err, n, "无法启动 pg_dump"); return E_INTERNAL; }
    if (pid == 0) {
        execlp("pg_dump", "pg_dump", "--format=custom", "--file", dest, "--host", host ? host : "",
               "--port", port ? port : "5432", "--username", user ? user : "", dbn ? dbn : "", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, n, "pg_dump 失败（退出码 %d）", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return E_INTERNAL;
    }
    return E_OK;
}

static int pg_check_fk(void *conn, char *report, size_t n) {
    (void)conn;
    if (n) report[0] = 0;   /* PostgreSQL enforces foreign keys on every write */
    return 0;
}

static kerr lock_query(pg_conn *pc, const char *sql, bool *got) {
    PGresult *r = PQexec(pc->c, sql);
    ExecStatusType es = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    kerr e = E_OK;
    if (es != PGRES_TUPLES_OK) { set_error(pc, r); e = state_to_kerr(pc->sqlstate); }
    else if (got) *got = PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return e;
}

static kerr pg_lock_chain(void *conn) {
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock(%d)", CHAIN_LOCK_KEY);
    return lock_query(conn, sql, NULL);
}

static bool pg_try_leader(void *conn) {
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT pg_try_advisory_lock(%d)", LEADER_LOCK_KEY);
    bool got = false;
    return lock_query(conn, sql, &got) == E_OK && got;
}

const db_ops db_postgres_ops = {
    .name = "postgres",
    .open = pg_open, .close = pg_close, .prepare = pg_prepare, .finalize = pg_finalize,
    .reset = pg_reset, .bind_int = pg_bind_int, .bind_text = pg_bind_text,
    .bind_null = pg_bind_null, .step = pg_step, .col_int = pg_col_int,
    .col_text = pg_col_text, .col_is_null = pg_col_is_null, .col_count = pg_col_count,
    .col_name = pg_col_name, .exec_script = pg_exec_script, .errmsg = pg_errmsg,
    .last_kerr = pg_last_kerr, .changes = pg_changes, .backup = pg_backup,
    .check_fk = pg_check_fk, .lock_chain = pg_lock_chain, .try_leader = pg_try_leader,
    .begin_sql = "BEGIN",
    .begin_read_sql = NULL,   /* statements are their own snapshots: no extra round trips */
};
