/*
** pool.c — the server's connections: one writer, and one reader per thread (opened on first
** use, closed at db_pool_close).
**
** Group commit (SQLite). A durable COMMIT costs an fsync, and SQLite has one writer, so the
** write requests queue for it. Handing the writer from thread to thread cost ~60 µs a request
** here (a futex wake and a cold cache each time), more than most requests' writes. So one
** writer thread runs the queued requests' writes itself, back to back, in one shared
** transaction (db_pool_write, db_pool_write_async), and commits them together. The commit
** writes the WAL frames without an fsync (the writer connection runs synchronous=NORMAL); the
** syncer thread then fdatasyncs the WAL for every batch committed meanwhile, and only then
** are the batch's requests answered. The writer goes on with the next batch during the fsync,
** and a checkpointer thread on a connection of its own copies the WAL into the database.
**
** Savepoints: none per request. Inside a savepoint SQLite copies every page a statement
** changes into a journal in memory, a tenth of the writer's time. Almost every failing request
** fails before it writes; one that wrote and then failed (the count of changed rows moved)
** makes the batch roll back and run again, that request in a savepoint of its own (run_jobs).
** So a request's writes are kept or undone whole, and never mixed with another's.
**
** So "nothing acknowledged is lost" holds: no request is answered before an fdatasync of the
** WAL that holds its frames has returned. (A reader may see a batch a moment before it is on
** disk; a write that depends on what it saw is in a later frame of the same WAL, so it cannot
** be durable without it.) A failed batch (a failed commit or fsync, a transaction lost) fails
** every request of it.
**
** Everything else takes the writer alone (db_pool_writer_acquire, db_pool_write_begin): the
** deadline tick, the session toucher, logins and bulk writes (an import), each in a transaction
** of its own between two batches, and the WAL synced before the writer is released. An import
** does not join a batch: its transaction is large, and a failure must not redo the others.
*/
#include "db_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char *pool_target;
static db *writer;
static pthread_mutex_t writer_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t readers_mu = PTHREAD_MUTEX_INITIALIZER;
static db **readers;
static size_t nreaders, capreaders;
static _Thread_local db *my_reader;
static int pool_gen;                   /* bumps at each init, so stale thread-locals reopen */
static _Thread_local int my_gen;
static bool group_on = true;
static int read_lanes = 2;             /* PostgreSQL: lanes shared by reads outside transactions */

bool db_pool_init(const char *target, char *err, size_t n);   /* below, after the threads */

const char *db_pool_backend(void) { return writer ? db_backend_name(writer) : "none"; }

db *db_pool_reader(void) {
    if (my_reader && my_gen == pool_gen) return my_reader;
    char err[256];
    db *d = db_open(pool_target, err, sizeof err);
    if (!d) { fprintf(stderr, "%s\n", err); return NULL; }
    pthread_mutex_lock(&readers_mu);
    if (nreaders == capreaders) {
        size_t cap = capreaders ? capreaders * 2 : 16;
        db **r = realloc(readers, cap * sizeof *r);
        if (!r) { pthread_mutex_unlock(&readers_mu); db_close(d); return NULL; }
        readers = r;
        capreaders = cap;
    }
    readers[nreaders++] = d;
    pthread_mutex_unlock(&readers_mu);
    my_reader = d;
    my_gen = pool_gen;
    return d;
}

/* ---- group commit: the writer thread and the syncer ---- */

/* A batch is what was queued when the writer began it, and of what arrives while it runs, as
** much as brings it to BATCH_MORE. Taking all that arrived until the queue was empty (up to 256)
** kept a batch's first requests waiting for the last, and the syncer idle meanwhile: at 64
** connections the CPU was a third idle and 9–10k tickets a second were registered; with 32,
** 11–13k. */
#define BATCH_MORE 32

/* One request's writes (db_pool_write_async), on the heap until `done` has been called. */
typedef struct job {
    db_write_fn fn;
    void *arg;
    db_write_done done;
    bool careful;             /* runs in a savepoint of its own */
    kerr result;
    struct job *next;
} job;

typedef struct queue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job *head, *tail;
    bool stop;
} queue;

static queue work = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, false};
static queue synced = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, false};
static pthread_t writer_thread, syncer_thread;
static bool threads_on;
static char log_path[4096];            /* the WAL the syncer makes durable */
static int log_fd = -1;

static void put(queue *q, job *first, job *last) {
    pthread_mutex_lock(&q->mu);
    if (q->tail) q->tail->next = first; else q->head = first;
    q->tail = last;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Every queued job (NULL once stopped and empty); waits for one. */
static job *take_all(queue *q) {
    pthread_mutex_lock(&q->mu);
    while (!q->head && !q->stop) pthread_cond_wait(&q->cv, &q->mu);
    job *j = q->head;
    q->head = q->tail = NULL;
    pthread_mutex_unlock(&q->mu);
    return j;
}

/* Up to n more queued jobs without waiting, appended after *last. */
static int take_more(job **last, int n) {
    pthread_mutex_lock(&work.mu);
    int got = 0;
    while (work.head && got < n) {
        job *j = work.head;
        work.head = j->next;
        j->next = NULL;
        (*last)->next = j;
        *last = j;
        got++;
    }
    if (!work.head) work.tail = NULL;
    pthread_mutex_unlock(&work.mu);
    return got;
}

static void finish(job *list, kerr commit) {
    for (job *j = list, *next; j; j = next) {
        next = j->next;                     /* j is gone once done */
        j->done(j->arg, j->result, commit);
        free(j);
    }
}

/* A job in a savepoint of its own, so that a failure undoes its writes alone. False when the
** shared transaction is lost. */
static bool run_careful(job *j) {
    if (db_exec(writer, "SAVEPOINT request")) { j->result = E_INTERNAL; return false; }
    bool keep = false;
    j->result = j->fn(writer, j->arg, &keep);
    if (!keep && db_exec(writer, "ROLLBACK TO SAVEPOINT request")) return false;
    return db_exec(writer, "RELEASE SAVEPOINT request") == E_OK;
}

enum { JOB_OK, JOB_REDO, JOB_LOST };

/* A job without a savepoint: inside one SQLite copies every page it changes into a journal in
** memory (a tenth of the writer's time here). Almost every failing request fails before it
** writes; one that wrote and then failed (the database's count of changed rows moved) has
** left writes nothing can undo but a rollback of the whole batch: JOB_REDO, and the batch is
** run again with this job careful. */
static int run_job(job *j) {
    if (j->careful) return run_careful(j) ? JOB_OK : JOB_LOST;
    int64_t before = db_total_changes(writer);
    bool keep = false;
    j->result = j->fn(writer, j->arg, &keep);
    if (keep || db_total_changes(writer) == before) return JOB_OK;
    j->careful = true;
    return JOB_REDO;
}

/* Runs the jobs from `first` in one transaction, taking those that queue meanwhile (up to
** BATCH_MORE in all); true when it may be committed. A job that asks to be redone rolls back
** the transaction and the batch starts again (each job redone at most once: it is careful
** the second time). */
static bool run_jobs(job *first, job **last, int *n) {
    for (;;) {
        if (db_begin(writer)) return false;
        int r = JOB_OK;
        for (job *j = first; r == JOB_OK && j; j = j->next) {
            r = run_job(j);
            if (!j->next && *n < BATCH_MORE) *n += take_more(last, BATCH_MORE - *n);
        }
        if (r == JOB_OK) return true;
        db_rollback(writer);
        if (r == JOB_LOST) return false;
        fprintf(stderr, "kefu: a write failed after changing rows: its batch of %d runs again, that one in a "
                        "savepoint\n", *n);
    }
}

/* What the writer thread did, reported when the pool closes: requests, batches (commits), and
** the thread's CPU time per request. */
static struct { int64_t jobs, batches, cpu_ns; } writer_stats;

static int64_t thread_cpu_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Runs a batch and commits it without an fsync; its jobs then go to the syncer. */
static void run_batch(job *first) {
    int64_t t0 = thread_cpu_ns();
    job *last = first;
    int n = 1;
    while (last->next) { last = last->next; n++; }
    pthread_mutex_lock(&writer_mu);
    bool ok = run_jobs(first, &last, &n);
    kerr e = ok ? db_commit(writer) : E_INTERNAL;
    if (e) fprintf(stderr, "kefu: a batch of %d writes failed: %s\n", n, db_errmsg(writer));
    if (db_in_tx(writer)) db_rollback(writer);
    pthread_mutex_unlock(&writer_mu);
    writer_stats.jobs += n;
    writer_stats.batches++;
    writer_stats.cpu_ns += thread_cpu_ns() - t0;
    if (e) { finish(first, e); return; }
    put(&synced, first, last);
}

/* The writer thread is the one every write waits for, but the scheduler shares a core fairly
** among the request threads: with 16 of them busy it got a tenth of one. A higher priority
** (nice -10) where the process may take it (root, CAP_SYS_NICE or RLIMIT_NICE). The
** checkpointer keeps the normal one: it holds the writer for its last pass, and at nice 10 it
** got so little of a busy CPU that its passes never caught up and the WAL grew again. */
static void set_priority(int nice, const char *who) {
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice) != 0 && who)
        fprintf(stderr, "kefu: the %s thread keeps normal priority (%s)\n", who, strerror(errno));
}

static void *writer_main(void *arg) {
    (void)arg;
    set_priority(-10, "writer");
    for (job *j; (j = take_all(&work));) run_batch(j);
    return NULL;
}

/* fdatasync of the WAL; reopened when SQLite has replaced the file, and its directory synced
** then, so that the file itself is found after a power cut. */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static kerr sync_log_locked(void) {
    struct stat st;
    if (log_fd >= 0 && (fstat(log_fd, &st) != 0 || st.st_nlink == 0)) { close(log_fd); log_fd = -1; }
    if (log_fd < 0) {
        log_fd = open(log_path, O_RDONLY | O_CLOEXEC);
        if (log_fd < 0) { perror(log_path); return E_INTERNAL; }
        char dir[sizeof log_path];
        snprintf(dir, sizeof dir, "%s", log_path);
        int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) != 0) { perror("fsync of the database directory"); if (dfd >= 0) close(dfd); return E_INTERNAL; }
        close(dfd);
    }
    if (fdatasync(log_fd) != 0) { perror("fdatasync of the WAL"); return E_INTERNAL; }
    return E_OK;
}

static kerr sync_log(void) {
    if (!db_durable) return E_OK;
    pthread_mutex_lock(&log_mu);
    kerr e = sync_log_locked();
    pthread_mutex_unlock(&log_mu);
    return e;
}

static void *syncer_main(void *arg) {
    (void)arg;
    set_priority(-10, NULL);
    for (job *j; (j = take_all(&synced));) finish(j, sync_log());
    return NULL;
}

/* ---- the checkpointer ---- */

/* A checkpoint copies the WAL into the database without stopping the writer (PASSIVE). But
** SQLite starts the WAL over from its beginning only when a write transaction begins with every
** frame copied, which never happens while batches follow each other back to back: the WAL
** grew by ~190 MB a second under load here, and every fdatasync had to record the file's new
** size too. So once the frames not yet copied are few (a sixteenth, or after four passes), the
** checkpointer holds the writer between two batches for a last pass over them, and the next
** batch writes from the WAL's start again. */
#define CKPT_PASSES 4                   /* passes without the writer before the last one */
static int ckpt_pages = 16000;          /* ~64 MB of WAL between checkpoints */
static pthread_t ckpt_thread;
static pthread_mutex_t ckpt_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ckpt_cv = PTHREAD_COND_INITIALIZER;
static bool ckpt_wanted, ckpt_stop;
static db *ckpt_db;
static atomic_int log_pages;            /* the WAL's frames after the writer's last commit */

/* The writer's commit hook: a checkpoint when the WAL has grown enough. */
static void ckpt_notify(int pages) {
    atomic_store(&log_pages, pages);
    if (pages < ckpt_pages) return;
    pthread_mutex_lock(&ckpt_mu);
    if (!ckpt_wanted) { ckpt_wanted = true; pthread_cond_signal(&ckpt_cv); }
    pthread_mutex_unlock(&ckpt_mu);
}

/* One pass; the frames it left to copy (-1 on failure). */
static int ckpt_pass(void) {
    int copied = -1;
    if (ckpt_db->ops->checkpoint(ckpt_db->conn, &copied)) fprintf(stderr, "kefu: checkpoint: %s\n", db_errmsg(ckpt_db));
    if (copied < 0) return -1;
    int left = atomic_load(&log_pages) - copied;
    return left > 0 ? left : 0;
}

/* Passes while the writer goes on, each over what came during the one before, until few are
** left (or CKPT_PASSES, so that the WAL cannot grow without end), then the last one with the
** writer held. */
static void checkpoint_all(void) {
    int left = INT_MAX, tail = ckpt_pages / 16;        /* ~4 MB copied while the writer waits */
    for (int i = 0; i < CKPT_PASSES && left > tail; i++)
        if ((left = ckpt_pass()) < 0) return;
    pthread_mutex_lock(&writer_mu);
    ckpt_pass();
    pthread_mutex_unlock(&writer_mu);
}

static void *ckpt_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&ckpt_mu);
    for (;;) {
        while (!ckpt_wanted && !ckpt_stop) pthread_cond_wait(&ckpt_cv, &ckpt_mu);
        if (ckpt_stop) break;
        pthread_mutex_unlock(&ckpt_mu);
        checkpoint_all();
        pthread_mutex_lock(&ckpt_mu);
        ckpt_wanted = false;
    }
    pthread_mutex_unlock(&ckpt_mu);
    return NULL;
}

static void stop_queue(queue *q, pthread_t t) {
    pthread_mutex_lock(&q->mu);
    q->stop = true;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
    pthread_join(t, NULL);
    q->stop = false;
}

static void stop_checkpointer(void) {
    if (!ckpt_db) return;
    pthread_mutex_lock(&ckpt_mu);
    ckpt_stop = true;
    pthread_cond_signal(&ckpt_cv);
    pthread_mutex_unlock(&ckpt_mu);
    pthread_join(ckpt_thread, NULL);
    ckpt_stop = ckpt_wanted = false;
    db_close(ckpt_db);
    ckpt_db = NULL;
}

/* The checkpointer, on a connection of its own; without it the writer checkpoints as before. */
static void start_checkpointer(void) {
    char err[256];
    ckpt_db = db_open(pool_target, err, sizeof err);
    if (!ckpt_db) return;
    if (pthread_create(&ckpt_thread, NULL, ckpt_main, NULL)) { db_close(ckpt_db); ckpt_db = NULL; return; }
    writer->ops->defer_checkpoints(writer->conn, ckpt_notify);
}

static void stop_threads(void) {
    if (!threads_on) return;
    stop_queue(&work, writer_thread);
    if (writer_stats.batches)
        fprintf(stderr, "kefu: writer thread: %lld writes in %lld commits (%.1f a commit), %.1f µs of CPU a write\n",
                (long long)writer_stats.jobs, (long long)writer_stats.batches,
                (double)writer_stats.jobs / (double)writer_stats.batches,
                (double)writer_stats.cpu_ns / 1000.0 / (double)writer_stats.jobs);
    writer_stats.jobs = writer_stats.batches = writer_stats.cpu_ns = 0;
    stop_queue(&synced, syncer_thread);
    stop_checkpointer();
    threads_on = false;
    if (log_fd >= 0) close(log_fd);
    log_fd = -1;
}

static bool start_threads(void) {
    if (!group_on || !writer->ops->defer_sync || !writer->ops->log_path(writer->conn, log_path, sizeof log_path) ||
        writer->ops->defer_sync(writer->conn))
        return true;                    /* no group commit: each request writes alone */
    start_checkpointer();
    if (pthread_create(&syncer_thread, NULL, syncer_main, NULL)) { stop_checkpointer(); return false; }
    if (pthread_create(&writer_thread, NULL, writer_main, NULL)) {
        stop_queue(&synced, syncer_thread);
        stop_checkpointer();
        return false;
    }
    threads_on = true;
    return true;
}

/* ---- the writer alone ---- */

db *db_pool_writer_acquire(void) {
    pthread_mutex_lock(&writer_mu);
    return writer;
}

/* Under group commit the writer's own commits do not sync (defer_sync): what a plain acquirer
** committed is made durable here. */
void db_pool_writer_release(db *d) {
    if (d && db_in_tx(d)) db_rollback(d);
    if (threads_on) sync_log();
    pthread_mutex_unlock(&writer_mu);
}

void db_pool_set_group_commit(bool on) { group_on = on; }
void db_pool_set_checkpoint_pages(int pages) { ckpt_pages = pages > 16 ? pages : 16; }
void db_pool_set_read_lanes(int lanes) { read_lanes = lanes; }

db *db_pool_write_begin(kerr *e) {
    db *w = db_pool_writer_acquire();
    if ((*e = db_begin(w))) { db_pool_writer_release(w); return NULL; }
    return w;
}

kerr db_pool_write_end(db *d, bool keep) {
    kerr e = keep ? db_commit(d) : E_OK;
    if (db_in_tx(d)) db_rollback(d);
    if (keep && !e && threads_on) e = sync_log();
    pthread_mutex_unlock(&writer_mu);
    return e;
}

/* In a transaction of its own on the calling thread (between two batches when the writer
** thread runs), so fn runs once and `careful` changes nothing. */
kerr db_pool_write(db_write_fn fn, void *arg, kerr *result) {
    kerr e;
    db *w = db_pool_write_begin(&e);
    if (!w) return *result = e;
    bool keep = false;
    *result = fn(w, arg, &keep);
    return db_pool_write_end(w, keep);
}

bool db_pool_write_async(db_write_fn fn, void *arg, bool careful, db_write_done done) {
    job *j = threads_on ? malloc(sizeof *j) : NULL;
    if (!j) return false;
    *j = (job){.fn = fn, .arg = arg, .done = done, .careful = careful, .result = E_OK, .next = NULL};
    put(&work, j, j);
    return true;
}

bool db_pool_queues_writes(void) { return threads_on; }

bool db_pool_init(const char *target, char *err, size_t n) {
    pool_gen++;
    pool_target = strdup(target);
    writer = db_open(target, err, n);
    if (writer && writer->ops->share_reads) writer->ops->share_reads(target, read_lanes);
    if (writer && !start_threads()) { snprintf(err, n, "无法启动写入线程"); return false; }
    return pool_target && writer;
}

/* Called after the HTTP server has stopped: no thread uses a connection any more. */
void db_pool_close(void) {
    stop_threads();
    pthread_mutex_lock(&readers_mu);
    for (size_t i = 0; i < nreaders; i++) db_close(readers[i]);
    free(readers);
    readers = NULL;
    nreaders = capreaders = 0;
    pthread_mutex_unlock(&readers_mu);
    if (writer && writer->ops->share_reads) writer->ops->share_reads("", 0);
    db_close(writer);
    writer = NULL;
    free(pool_target);
    pool_target = NULL;
}
