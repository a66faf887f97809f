/*
** shared_reads.c — PostgreSQL's shared reads (src/db/postgres.c) under load, built with
** ASan+UBSan and run by tests/api/shared_reads.test.mjs against the PostgreSQL of `make test`.
** 16 threads of the server pool run 2,000 SELECTs each outside any transaction, so they go down
** the shared lanes in pipelined batches; every seventh fails at execution (division by zero),
** which makes PostgreSQL skip the rest of its batch, so those statements must be rerun on the
** threads' own connections. Every answer must be its own statement's, and every failure must be
** the failing statement's.  Usage: shared_reads pg:CONNINFO  → prints "good N failed M wrong K".
*/
#include "../../src/db/db.h"
#include <pthread.h>
#include <stdio.h>

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

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: shared_reads pg:CONNINFO\n"); return 2; }
    char err[512];
    db_pool_set_read_lanes(2);
    if (!db_pool_init(argv[1], err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, reader, (void *)i);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    db_pool_close();
    printf("good %d failed %d wrong %d\n", good, failed, wrong);
    return wrong != 0;
}
