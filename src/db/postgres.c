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
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHAIN_LOCK_KEY 20261125     /* pg_advisory_xact_lock: the audit chain */
#define LEADER_LOCK_KEY 20261126    /* pg_try_advisory_lock: background tick leader */

typedef struct pg_conn {
    PGconn *c;                  /* NULL until first used (a server's per-thread connection) */
    char *conninfo;
    bool tx;                    /* inside BEGIN … COMMIT/ROLLBACK: never retry a statement */
    int gen;                    /* bumped at each reconnect: statements of older ones are re-prepared */
    int next_name;
    int64_t changes, total_changes;
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
    bool shareable;             /* a plain SELECT: outside a transaction it may go down a shared lane */
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

/* A new session with our settings; NULL with err filled when the server cannot be reached. */
static PGconn *pg_connect(const char *conninfo, char *err, size_t n) {
    PGconn *c = PQconnectdb(conninfo);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        snprintf(err, n, "无法连接 PostgreSQL（%s）：%s", conninfo, c ? PQerrorMessage(c) : "out of memory");
        PQfinish(c);
        return NULL;
    }
    PQsetClientEncoding(c, "UTF8");
    /* generic plans: our statements are prepared once and run many times; re-planning each
    ** execution cost PostgreSQL more CPU than the queries themselves */
    PQclear(PQexec(c, SESSION_SETTINGS));
    return c;
}

static int share_lanes(void);

/* While a server shares its reads (see below), its threads' own connections are made on first
** use: most threads then never need one. Otherwise the connection is made now, so a wrong
** address is reported at once. */
static void *pg_open(const char *target, char *err, size_t n) {
    const char *conninfo = strncmp(target, "pg:", 3) == 0 ? target + 3 : target;
    pg_conn *pc = calloc(1, sizeof *pc);
    if (pc) pc->conninfo = strdup(conninfo);
    if (!pc || !pc->conninfo) { free(pc); snprintf(err, n, "out of memory"); return NULL; }
    if (share_lanes() == 0 && !(pc->c = pg_connect(conninfo, err, n))) {
        free(pc->conninfo);
        free(pc);
        return NULL;
    }
    return pc;
}

static void pg_close(void *conn) {
    pg_conn *pc = conn;
    if (!pc) return;
    PQfinish(pc->c);
    free(pc->conninfo);
    free(pc);
}

/* After the server closed the connection (restart, failover, a killed backend): reconnect.
** Statements prepared on the old connection are prepared again on first use (run_prepared). */
static void revive(pg_conn *pc) {
    if (!pc->c) {                                   /* first use */
        char err[512];
        if (!(pc->c = pg_connect(pc->conninfo, err, sizeof err))) fprintf(stderr, "%s\n", err);
        pc->gen++;
        return;
    }
    if (PQstatus(pc->c) == CONNECTION_OK) return;
    PQreset(pc->c);
    pc->gen++;
    if (PQstatus(pc->c) == CONNECTION_OK) {
        PQsetClientEncoding(pc->c, "UTF8");
        PQclear(PQexec(pc->c, SESSION_SETTINGS));
    }
}

/* A plain read: no locks, no sequences, no server functions. */
static bool is_shareable(const char *sql) {
    while (isspace((unsigned char)*sql)) sql++;
    return strncasecmp(sql, "SELECT", 6) == 0 && !strstr(sql, "pg_") && !strstr(sql, "FOR UPDATE") &&
           !strstr(sql, "nextval") && !strstr(sql, "setval");
}

/* Prepares on the connection now, retrying once if it had died; false with the error set. */
static bool prepare_now(pg_conn *pc, const char *name, const char *q) {
    revive(pc);
    PGresult *r = PQprepare(pc->c, name, q, 0, NULL);
    if (PQstatus(pc->c) != CONNECTION_OK && !pc->tx) {   /* it died just now: once more */
        PQclear(r);
        revive(pc);
        r = PQprepare(pc->c, name, q, 0, NULL);
    }
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) { set_error(pc, r); fprintf(stderr, "postgres prepare failed: %s\n  in: %.200s\n", pc->err, q); }
    PQclear(r);
    return ok;
}

/* A statement that may go down a shared lane is prepared on the thread's own connection only
** if it ever runs there (run_prepared: its generation -1 never matches). */
static void *pg_prepare(void *conn, const char *sql) {
    pg_conn *pc = conn;
    int np = 0;
    char *q = translate(sql, &np);
    pg_stmt *st = calloc(1, sizeof *st);
    char **vals = np ? calloc((size_t)np, sizeof(char *)) : NULL;
    if (!q || !st || (np && !vals)) { free(q); free(st); free(vals); return NULL; }
    *st = (pg_stmt){.pc = pc, .nparams = np, .sql = q, .vals = vals, .gen = -1, .shareable = is_shareable(q)};
    snprintf(st->name, sizeof st->name, "s%d", ++pc->next_name);
    if (st->shareable && share_lanes() > 0) return st;
    if (!prepare_now(pc, st->name, q)) { free(q); free(st); free(vals); return NULL; }
    st->gen = pc->gen;
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

/* ---- shared reads ----
** On a server every request's reads used to cost PostgreSQL a wake-up of its own: the thread
** sends one statement on its connection, the backend wakes, answers, the thread wakes. On a small
** machine those switches, not the queries, were most of the time. So a statement that only
** reads (a plain SELECT) and is not part of a transaction joins a queue instead. A lane is a
** thread with its own connection in pipeline mode: it takes the whole queue, sends it with one
** Sync, reads the answers in order and posts each owner; what queued meanwhile is its next batch.
** Each statement still takes its own snapshot (READ COMMITTED), so it sees every commit that
** returned before it was queued. If one statement fails, PostgreSQL skips the rest of the batch:
** those run again on their own thread's connection, as does a whole batch when a lane is down.
** A second lane helps only once the first has been busy LANE_STALL_US, so one slow report does
** not hold every other read, and short batches are not split. (Tried and slower here: the
** requesting threads leading the batches themselves, and spinning before sleeping.) */

#define LANE_MAX 4
#define LANE_BATCH 64
#define LANE_SLOTS 1024             /* prepared statements per lane; later ones go unnamed */
#define LANE_STALL_US 2000          /* a later lane helps once the earlier ones are this long busy */

enum { REQ_QUEUED, REQ_DONE, REQ_DIRECT };

typedef struct share_req {
    pg_stmt *st;
    PGresult *res;
    int state;                      /* set by the lane before it posts `done` */
    sem_t done;
    bool prepared_now;
    int slot;
    struct share_req *next;
} share_req;

typedef struct lane {
    pthread_t thread;
    int index;
    bool stop, busy;                /* under share.mu */
    bool waiting, idle;             /* waiting; waiting until told (not timed); under share.mu */
    int64_t busy_since;             /* µs, monotonic; under share.mu */
    pthread_cond_t wake;            /* work for this lane, or told to stop */
    PGconn *c;
    int nnames;
    char *names[LANE_SLOTS];        /* open addressing on the SQL: slot i is prepared as "b<i>" */
} lane;

static struct {
    pthread_mutex_t mu;
    share_req *head, *tail;
    char *conninfo;                 /* NULL: sharing off */
    int nlanes;
    lane lanes[LANE_MAX];
} share = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL, 0, {{0}}};

static void lane_drop(lane *l) {
    PQfinish(l->c);
    l->c = NULL;
    for (int i = 0; i < LANE_SLOTS; i++) { free(l->names[i]); l->names[i] = NULL; }
    l->nnames = 0;
}

/* Connected, with the session settings, in pipeline mode; false: run the batch directly. */
static bool lane_ready(lane *l) {
    if (l->c && PQstatus(l->c) == CONNECTION_OK) return true;
    lane_drop(l);
    char err[512];
    if (!(l->c = pg_connect(share.conninfo, err, sizeof err))) { fprintf(stderr, "%s\n", err); return false; }
    if (!PQenterPipelineMode(l->c)) { lane_drop(l); return false; }
    return true;
}

/* The slot of sql on this lane (*fresh: not yet prepared there), or -1: send it unnamed. */
static int lane_slot(lane *l, const char *sql, bool *fresh) {
    uint32_t h = 2166136261u;
    for (const char *s = sql; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    *fresh = false;
    for (int i = 0; i < LANE_SLOTS; i++) {
        int k = (int)((h + (uint32_t)i) % LANE_SLOTS);
        if (l->names[k] && strcmp(l->names[k], sql) == 0) return k;
        if (l->names[k]) continue;
        if (l->nnames >= LANE_SLOTS / 2 || !(l->names[k] = strdup(sql))) return -1;
        l->nnames++;
        *fresh = true;
        return k;
    }
    return -1;
}

static void lane_send(lane *l, share_req *r) {
    pg_stmt *st = r->st;
    const char *const *vals = (const char *const *)st->vals;
    r->slot = lane_slot(l, st->sql, &r->prepared_now);
    if (r->slot < 0) {
        PQsendQueryParams(l->c, st->sql, st->nparams, NULL, vals, NULL, NULL, 0);
        return;
    }
    char name[16];
    snprintf(name, sizeof name, "b%d", r->slot);
    if (r->prepared_now) PQsendPrepare(l->c, name, st->sql, 0, NULL);
    PQsendQueryPrepared(l->c, name, st->nparams, vals, NULL, NULL, 0);
}

/* The next result of the pipeline; the NULL that ends each statement's results is skipped. */
static PGresult *lane_result(lane *l) {
    PGresult *r = PQgetResult(l->c);
    if (r && PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
        PGresult *end = PQgetResult(l->c);
        if (end) { PQclear(end); PQclear(r); return NULL; }   /* not the protocol we expect */
    }
    return r;
}

/* Sends the batch down the lane and reads every answer; the caller publishes the states. */
static void lane_run(lane *l, share_req *batch) {
    if (!lane_ready(l)) return;
    for (share_req *r = batch; r; r = r->next) lane_send(l, r);
    if (!PQpipelineSync(l->c)) { lane_drop(l); return; }
    bool broken = false;
    for (share_req *r = batch; r && !broken; r = r->next) {
        if (r->prepared_now) {
            PGresult *p = lane_result(l);
            if (!p || PQresultStatus(p) != PGRES_COMMAND_OK) {       /* forget it: prepare again */
                free(l->names[r->slot]);
                l->names[r->slot] = NULL;
                l->nnames--;
            }
            broken = !p;
            PQclear(p);
            if (broken) break;
        }
        PGresult *res = lane_result(l);
        ExecStatusType es = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        broken = !res;
        if (es == PGRES_TUPLES_OK || es == PGRES_COMMAND_OK || es == PGRES_FATAL_ERROR) r->res = res;
        else PQclear(res);                                            /* aborted: run it again */
    }
    PGresult *sync = broken ? NULL : PQgetResult(l->c);
    if (!sync || PQresultStatus(sync) != PGRES_PIPELINE_SYNC) broken = true;
    PQclear(sync);
    if (!broken && PQstatus(l->c) == CONNECTION_OK) return;
    /* the lane died (a restarted server, a killed backend) or fell out of step: start it afresh,
    ** and run the whole batch on the threads' own connections, which reconnect */
    for (share_req *r = batch; r; r = r->next) { PQclear(r->res); r->res = NULL; }
    lane_drop(l);
}

static int64_t mono_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Lane 0 takes whatever waits. A later lane takes it only while every earlier lane has been busy
** for LANE_STALL_US (a slow report then holds up the other reads by at most that long); sooner,
** splitting the queue would only make smaller batches. *wake: when to look again (0: when told). */
static bool lane_may_take(const lane *l, int64_t *wake) {
    *wake = 0;
    if (l->index == 0) return share.head != NULL;
    int64_t now = mono_us();
    for (int j = 0; j < l->index; j++) {
        const lane *o = &share.lanes[j];
        if (!o->busy) return false;
        if (now - o->busy_since < LANE_STALL_US) { *wake = o->busy_since + LANE_STALL_US; return false; }
    }
    if (share.head) return true;
    *wake = now + LANE_STALL_US;    /* the earlier lanes are stuck, and only lane 0 hears of new work */
    return false;
}

/* Waits on the lane's own condition (share.mu held): until told, or until wake_us. A queued
** statement tells lane 0, or, while every lane before it is stuck (busy LANE_STALL_US), the
** first free later lane; a later lane waiting until told is also told when the lane before it
** takes a batch, and then sleeps until it may help. (One condition for all made every queued
** statement wake every lane: the idle second lane switched in and out 5,600 times a second
** under /projects.) */
static void lane_wait(lane *l, int64_t wake_us) {
    l->waiting = true;
    l->idle = !wake_us;
    if (!wake_us) {
        pthread_cond_wait(&l->wake, &share.mu);
    } else {
        struct timespec t = {(time_t)(wake_us / 1000000), (long)(wake_us % 1000000) * 1000};
        pthread_cond_timedwait(&l->wake, &share.mu, &t);
    }
    l->waiting = l->idle = false;
}

/* Tells lane i to look at the queue if it waits (until told only: idle_only). share.mu held. */
static void lane_tell(int i, bool idle_only) {
    if (i >= share.nlanes) return;
    lane *l = &share.lanes[i];
    if (idle_only ? l->idle : l->waiting) pthread_cond_signal(&l->wake);
}

/* A statement was queued: lane 0 takes it unless it is stuck; then the first later lane that is
** free, if every lane before it is stuck too. share.mu held. */
static void lanes_tell_queued(void) {
    if (!share.lanes[0].busy) { lane_tell(0, false); return; }
    int64_t now = mono_us();
    for (int i = 1; i < share.nlanes; i++) {
        const lane *prev = &share.lanes[i - 1];
        if (now - prev->busy_since < LANE_STALL_US) return;      /* it will soon be free */
        if (!share.lanes[i].busy) { lane_tell(i, false); return; }
    }
}

/* Takes up to LANE_BATCH statements off the queue (share.mu held). */
static share_req *take_batch(void) {
    share_req *batch = share.head, *last = batch;
    for (int n = 1; n < LANE_BATCH && last->next; n++) last = last->next;
    share.head = last->next;
    if (!share.head) share.tail = NULL;
    last->next = NULL;
    return batch;
}

/* A lane's own thread: while statements wait, it takes them all (up to LANE_BATCH), runs them
** and wakes each owner; what arrives meanwhile is the next batch. */
static void *lane_main(void *arg) {
    lane *l = arg;
    pthread_mutex_lock(&share.mu);
    while (!l->stop) {
        int64_t wake = 0;
        if (!lane_may_take(l, &wake)) { lane_wait(l, wake); continue; }
        share_req *batch = take_batch();
        l->busy = true;
        l->busy_since = mono_us();
        lane_tell(l->index + 1, true);                /* the next lane times its help from now */
        pthread_mutex_unlock(&share.mu);
        lane_run(l, batch);
        for (share_req *r = batch, *next; r; r = next) {   /* r is gone once posted */
            next = r->next;
            r->state = r->res ? REQ_DONE : REQ_DIRECT;
            sem_post(&r->done);
        }
        pthread_mutex_lock(&share.mu);
        l->busy = false;
    }
    pthread_mutex_unlock(&share.mu);
    lane_drop(l);
    return NULL;
}

/* Queues the statement for a lane and waits for its answer (*direct: run it yourself). */
static PGresult *shared_read(pg_stmt *st, bool *direct) {
    share_req me = {.st = st, .state = REQ_QUEUED};
    sem_init(&me.done, 0, 0);
    pthread_mutex_lock(&share.mu);
    if (share.tail) share.tail->next = &me; else share.head = &me;
    share.tail = &me;
    lanes_tell_queued();
    pthread_mutex_unlock(&share.mu);
    while (sem_wait(&me.done) != 0) {}              /* EINTR: wait on */
    sem_destroy(&me.done);
    *direct = me.state == REQ_DIRECT;
    return me.res;
}

static int share_lanes(void) { return share.nlanes; }

static void share_stop(void) {
    pthread_mutex_lock(&share.mu);
    for (int i = 0; i < share.nlanes; i++) {
        share.lanes[i].stop = true;
        pthread_cond_signal(&share.lanes[i].wake);
    }
    pthread_mutex_unlock(&share.mu);
    for (int i = 0; i < share.nlanes; i++) {
        pthread_join(share.lanes[i].thread, NULL);
        pthread_cond_destroy(&share.lanes[i].wake);
    }
    share.nlanes = 0;
    free(share.conninfo);
    share.conninfo = NULL;
}

/* Starts `lanes` lanes on target (0: stops them). Called before and after the server runs. */
static void pg_share_reads(const char *target, int lanes) {
    share_stop();
    if (lanes <= 0) return;
    const char *conninfo = strncmp(target, "pg:", 3) == 0 ? target + 3 : target;
    if (!(share.conninfo = strdup(conninfo))) return;
    pthread_condattr_t ca;                          /* timed waits on the monotonic clock */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_lock(&share.mu);                  /* a lane reads share.nlanes in lane_tell */
    for (int i = 0; i < lanes && i < LANE_MAX; i++) {
        lane *l = &share.lanes[share.nlanes];
        *l = (lane){.index = share.nlanes};
        pthread_cond_init(&l->wake, &ca);
        if (pthread_create(&l->thread, NULL, lane_main, l) != 0) { pthread_cond_destroy(&l->wake); break; }
        share.nlanes++;
    }
    pthread_mutex_unlock(&share.mu);
    pthread_condattr_destroy(&ca);
}

/* Runs the statement on the thread's own connection. */
static void st_run_direct(pg_stmt *st) {
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
}

static int pg_step(void *s) {
    pg_stmt *st = s;
    if (!st->executed) {
        st->executed = true;
        bool direct = true;
        if (st->shareable && share_lanes() && !st->pc->tx) st->res = shared_read(st, &direct);
        if (direct) st_run_direct(st);
        ExecStatusType es = st->res ? PQresultStatus(st->res) : PGRES_FATAL_ERROR;
        if (es != PGRES_TUPLES_OK && es != PGRES_COMMAND_OK) {
            set_error(st->pc, st->res);
            return DB_ERROR;
        }
        if (!strcmp(st->sql, "BEGIN")) st->pc->tx = true;
        else if (!strcmp(st->sql, "COMMIT") || !strcmp(st->sql, "ROLLBACK")) st->pc->tx = false;
        const char *ct = PQcmdTuples(st->res);
        st->pc->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
        st->pc->total_changes += st->pc->changes;
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
static int64_t pg_total_changes(void *conn) { return ((pg_conn *)conn)->total_changes; }

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
    .last_kerr = pg_last_kerr, .changes = pg_changes, .total_changes = pg_total_changes, .backup = pg_backup,
    .check_fk = pg_check_fk, .lock_chain = pg_lock_chain, .try_leader = pg_try_leader,
    .share_reads = pg_share_reads,
    .begin_sql = "BEGIN",
    .begin_read_sql = NULL,   /* statements are their own snapshots: no extra round trips */
    .tables_sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                  "AND table_type = 'BASE TABLE' ORDER BY table_name",
};
