/*
** shared_reads.c — PostgreSQL's shared reads (src/db/postgres.c) under load, built with
** ASan+UBSan and run by tests/api/shared_reads.test.mjs against the PostgreSQL of `make test`.
** 16 threads of the server pool run 2,000 SELECTs each outside any transaction, so they go down
** the shared lanes in pipelined batches; every seventh fails at execution (division by zero),
** which makes PostgreSQL skip the rest of its batch, so those statements must be rerun on the
** threads' own connections. Every answer must be its own statement's, and every failure must be
** the failing statement's. Then one thread holds a lane with a statement that waits 1.5 s for a
** table lock while another runs 200 quick ones: the second lane must take them over (after 2 ms), so they end long before
** the slow one.  Usage: shared_reads pg:CONNINFO
**   → prints "good N failed M wrong K" and "quick Q ms while slow S ms".
*/
#include "db/db.h"
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define THREADS 16
#define ROUNDS 2000

static int good, failed, wrong;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void tally(int *counter) {
    pthread_mutex_lock(&mu);
    (*counter)++;
    pthread_mutex_unlock(&mu);
}

static void *reader(void *arg) {
    long t = (long)arg;
    db *d = db_pool_reader();
    for (int i = 0; d && i < ROUNDS; i++) {
        int64_t v = -1;
        if ((i + t) % 7 == 0) {
            bool got = db_int(d, &v, "SELECT 1 / (? - ?)", DI(i), DI(i));
            tally(got ? &wrong : &failed);
        } else {
            bool got = db_int(d, &v, "SELECT ? + 1", DI(i * 100 + t));
            tally(got && v == i * 100 + t + 1 ? &good : &wrong);
        }
    }
    if (!d) tally(&wrong);
    return NULL;
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double slow_ms;

static void *slow_reader(void *arg) {
    (void)arg;
    double t0 = now_ms();
    int64_t v = -1;
    if (!db_int(db_pool_reader(), &v, "SELECT COUNT(*) FROM share_probe") || v != 0) tally(&wrong);
    slow_ms = now_ms() - t0;
    return NULL;
}

static void pause_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Quick statements while a slow one holds the first lane: how long 200 of them take (ms). The
** slow one is a plain SELECT of a table the writer holds locked for 1.5 s. */
static double quick_beside_slow(void) {
    db *w = db_pool_writer_acquire();
    double t0 = now_ms(), took = -1;
    if (db_exec(w, "CREATE TABLE IF NOT EXISTS share_probe (x INTEGER)") || db_begin(w) ||
        db_exec(w, "LOCK TABLE share_probe IN ACCESS EXCLUSIVE MODE")) {
        tally(&wrong);
        db_pool_writer_release(w);
        return took;
    }
    pthread_t slow;
    pthread_create(&slow, NULL, slow_reader, NULL);
    pause_ms(100);                                  /* the slow statement waits on its lane by now */
    db *d = db_pool_reader();
    double q0 = now_ms();
    for (int i = 0; d && i < 200; i++) {
        int64_t v = -1;
        if (!db_int(d, &v, "SELECT ? + 1", DI(i)) || v != i + 1) tally(&wrong);
    }
    took = now_ms() - q0;
    long left = 1500 - (long)(now_ms() - t0);
    if (left > 0) pause_ms(left);
    db_rollback(w);                                 /* the lock goes: the slow statement ends */
    db_pool_writer_release(w);
    pthread_join(slow, NULL);
    return took;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: shared_reads pg:CONNINFO\n"); return 2; }
    char err[512];
    db_pool_set_read_lanes(2);
    if (!db_pool_init(argv[1], err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, reader, (void *)i);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    double quick = quick_beside_slow();
    db_pool_close();
    printf("good %d failed %d wrong %d\n", good, failed, wrong);
    printf("quick %.0f ms while slow %.0f ms\n", quick, slow_ms);
    return wrong != 0;
}
