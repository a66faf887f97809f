/*
** pool.c — the server's connections: one writer taken exclusively by write requests,
** and one reader per thread (opened on first use, closed at db_pool_close).
*/
#include "db_internal.h"
#include <pthread.h>
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

bool db_pool_init(const char *target, char *err, size_t n) {
    pool_gen++;
    pool_target = strdup(target);
    writer = db_open(target, err, n);
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

db *db_pool_writer_acquire(void) {
    pthread_mutex_lock(&writer_mu);
    return writer;
}

void db_pool_writer_release(db *d) {
    if (d && db_in_tx(d)) db_rollback(d);
    pthread_mutex_unlock(&writer_mu);
}

/* Called after the HTTP server has stopped: no thread uses a connection any more. */
void db_pool_close(void) {
    pthread_mutex_lock(&readers_mu);
    for (size_t i = 0; i < nreaders; i++) db_close(readers[i]);
    free(readers);
    readers = NULL;
    nreaders = capreaders = 0;
    pthread_mutex_unlock(&readers_mu);
    db_close(writer);
    writer = NULL;
    free(pool_target);
    pool_target = NULL;
}
