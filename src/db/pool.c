/*
** pool.c — the server's connections: one writer taken exclusively by write requests,
** and one reader per thread (opened on first use, closed at db_pool_close).
**
** Group commit (SQLite): a durable COMMIT costs an fsync (~0.2 ms here), so one commit per
** request tops out near 4k writes/s. Instead a write request that finds others queued for the
** writer leaves the transaction open after its savepoint and waits; the last request of the
** queue (or the 128th) commits for all and wakes them. Nobody is answered before the commit
** that holds their writes has returned, so "nothing acknowledged is lost" still holds; a
** failed commit fails every request of the batch. Plain acquirers (the deadline tick, the
** session toucher) first commit a batch left open, and so does a bulk write (an import), which
** then runs in a transaction of its own: inside a savepoint SQLite keeps a copy of every page it
** changes in an in-memory journal, and an import of 100k units spent a fifth of its time walking
** that journal's chunk list (49 s → 38 s without it).
*/
#include "db_internal.h"
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *pool_target;
static db *writer;
static pthread_mutex_t writer_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t readers_mu = PTHREAD_MUTEX_INITIALIZER;
static db **readers;
static size_t nreaders, capreaders;
static _Thread_local db *my_reader;
static int pool_gen;                   /* bumps at each init, so stale thread-locals reopen */
static _Thread_local int my_gen;

#define BATCH_MAX 128
/* A request waiting for the commit that holds its writes: woken on its own semaphore, so
** that it returns without taking writer_mu again (a broadcast made every waiter of a batch of
** 60 queue for the mutex in front of the next batch's writers). */
typedef struct waiter { kerr result; sem_t done; struct waiter *next; } waiter;
static atomic_int queued;              /* threads waiting for writer_mu */
static bool batch_open, batch_failed, group_on = true;
static bool holder_alone;              /* writer_mu's holder runs a transaction of its own */
static int batch_size;
static int read_lanes = 2;             /* PostgreSQL: lanes shared by reads outside transactions */
static waiter *batch_waiters;

bool db_pool_init(const char *target, char *err, size_t n) {
    pool_gen++;
    pool_target = strdup(target);
    writer = db_open(target, err, n);
    if (writer && writer->ops->share_reads) writer->ops->share_reads(target, read_lanes);
    return pool_target && writer;
}

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

static void lock_writer(void) {
    atomic_fetch_add(&queued, 1);
    pthread_mutex_lock(&writer_mu);
    atomic_fetch_sub(&queued, 1);
}

/* Commits the open batch (writer_mu held) and hands every waiter the result. */
static kerr batch_commit(void) {
    kerr e = batch_failed ? E_INTERNAL : db_commit(writer);
    if (db_in_tx(writer)) db_rollback(writer);
    for (waiter *w = batch_waiters, *next; w; w = next) {
        next = w->next;                     /* w lives on its thread's stack: gone once posted */
        w->result = e;
        sem_post(&w->done);
    }
    batch_waiters = NULL;
    batch_open = batch_failed = false;
    batch_size = 0;
    return e;
}

db *db_pool_writer_acquire(void) {
    lock_writer();
    if (batch_open) batch_commit();
    return writer;
}

void db_pool_set_group_commit(bool on) { group_on = on; }
void db_pool_set_read_lanes(int lanes) { read_lanes = lanes; }

db *db_pool_write_begin(kerr *e, bool alone) {
    if (alone || !group_on || !writer->ops->group_commit) {
        db *w = db_pool_writer_acquire();
        if ((*e = db_begin(w))) { db_pool_writer_release(w); return NULL; }
        holder_alone = true;
        return w;
    }
    lock_writer();
    *e = batch_open ? E_OK : db_begin(writer);
    if (!*e) { batch_open = true; *e = db_exec(writer, "SAVEPOINT request"); }
    if (*e) { if (batch_open) batch_commit(); pthread_mutex_unlock(&writer_mu); return NULL; }
    return writer;
}

kerr db_pool_write_end(db *d, bool keep) {
    if (holder_alone) {
        holder_alone = false;
        kerr e = keep ? db_commit(d) : E_OK;
        if (!keep) db_rollback(d);
        db_pool_writer_release(d);
        return e;
    }
    if (!keep && db_exec(d, "ROLLBACK TO SAVEPOINT request")) batch_failed = true;
    if (db_exec(d, "RELEASE SAVEPOINT request")) batch_failed = true;   /* the whole transaction is gone */
    batch_size++;
    if (atomic_load(&queued) == 0 || batch_size >= BATCH_MAX || batch_failed) {
        kerr e = batch_commit();
        pthread_mutex_unlock(&writer_mu);
        return e;
    }
    waiter me = {.result = E_OK, .next = batch_waiters};
    sem_init(&me.done, 0, 0);
    batch_waiters = &me;
    pthread_mutex_unlock(&writer_mu);
    while (sem_wait(&me.done) != 0) {}     /* EINTR */
    sem_destroy(&me.done);
    return me.result;
}

void db_pool_writer_release(db *d) {
    if (d && db_in_tx(d)) db_rollback(d);
    pthread_mutex_unlock(&writer_mu);
}

/* Called after the HTTP server has stopped: no thread uses a connection any more. */
void db_pool_close(void) {
    pthread_mutex_lock(&writer_mu);
    if (batch_open) batch_commit();
    pthread_mutex_unlock(&writer_mu);
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
