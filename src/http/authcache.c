/*
** authcache.c — sharded, direct-mapped cache of authenticated identities (see authcache.h).
** Each entry is one heap block: the struct, then its strings and roles.
*/
#include "authcache.h"
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHARDS 16
#define SLOTS_PER_SHARD 256
#define TTL_MS 30000

typedef struct entry {
    char hash[65];
    uint64_t epoch;
    int64_t loaded_ms;
    auth_hit v;              /* strings and roles point into this block */
} entry;

static struct shard {
    pthread_rwlock_t mu;     /* lookups share it; puts and touches take it alone */
    entry *slot[SLOTS_PER_SHARD];
} shards[SHARDS];

static _Atomic uint64_t epoch = 1;
static _Atomic int64_t db_epoch_seen = -1;
static _Thread_local bool pending_bump;

static struct {
    pthread_rwlock_t mu;
    project_info *list;      /* one block: the array, then the strings */
    int n;
    uint64_t epoch;
    int64_t loaded_ms;
} dir = {PTHREAD_RWLOCK_INITIALIZER, NULL, 0, 0, 0};


static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void authcache_init(void) {
    for (int i = 0; i < SHARDS; i++) pthread_rwlock_init(&shards[i].mu, NULL);
}

void authcache_shutdown(void) {
    pthread_rwlock_wrlock(&dir.mu);
    free(dir.list);
    dir.list = NULL;
    pthread_rwlock_unlock(&dir.mu);
    for (int i = 0; i < SHARDS; i++) {
        pthread_rwlock_wrlock(&shards[i].mu);
        for (int j = 0; j < SLOTS_PER_SHARD; j++) { free(shards[i].slot[j]); shards[i].slot[j] = NULL; }
        pthread_rwlock_unlock(&shards[i].mu);
    }
}

uint64_t authcache_epoch(void) { return atomic_load(&epoch); }

static unsigned hex_at(const char *h, int i) {
    char c = h[i];
    return (unsigned)(c >= 'a' ? c - 'a' + 10 : c - '0');
}

static struct shard *shard_of(const char *hash, entry ***slot) {
    unsigned s = hex_at(hash, 0);
    unsigned k = (hex_at(hash, 1) << 4 | hex_at(hash, 2)) % SLOTS_PER_SHARD;
    *slot = &shards[s % SHARDS].slot[k];
    return &shards[s % SHARDS];
}

static size_t slen(const char *s) { return s ? strlen(s) + 1 : 0; }

/* Copies v into dst with strings and roles placed from `pool` on; returns bytes used. */
static size_t flatten(auth_hit *dst, const auth_hit *v, char *pool) {
    size_t off = 0;
    *dst = *v;
    const char **strs[] = {&dst->csrf, &dst->user.username, &dst->user.display_name, &dst->user.phone};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        const char *s = *strs[i];
        if (!s) continue;
        size_t n = strlen(s) + 1;
        if (pool) { memcpy(pool + off, s, n); *strs[i] = pool + off; }
        off += n;
    }
    off = (off + 15) & ~(size_t)15;
    size_t rb = sizeof(user_role) * (size_t)v->user.nroles;
    if (pool && rb) { memcpy(pool + off, v->user.roles, rb); dst->user.roles = (user_role *)(void *)(pool + off); }
    return off + rb;
}

void authcache_put(const char *hash, const auth_hit *v, uint64_t at_epoch) {
    size_t extra = slen(v->csrf) + slen(v->user.username) + slen(v->user.display_name) +
                   slen(v->user.phone) + 16 + sizeof(user_role) * (size_t)v->user.nroles;
    entry *e = malloc(sizeof *e + extra);
    if (!e) return;
    memcpy(e->hash, hash, 65);
    e->epoch = at_epoch;
    e->loaded_ms = mono_ms();
    flatten(&e->v, v, (char *)(e + 1));
    entry **slot;
    struct shard *sh = shard_of(hash, &slot);
    pthread_rwlock_wrlock(&sh->mu);
    free(*slot);
    *slot = e;
    pthread_rwlock_unlock(&sh->mu);
}

bool authcache_get(const char *hash, arena *a, auth_hit *out) {
    entry **slot;
    struct shard *sh = shard_of(hash, &slot);
    bool hit = false;
    pthread_rwlock_rdlock(&sh->mu);
    entry *e = *slot;
    if (e && memcmp(e->hash, hash, 64) == 0 && e->epoch == atomic_load(&epoch) &&
        mono_ms() - e->loaded_ms < TTL_MS) {
        size_t n = flatten(out, &e->v, NULL);
        char *pool = arena_alloc(a, n + 16);
        if (pool) { flatten(out, &e->v, pool); hit = true; }
    }
    pthread_rwlock_unlock(&sh->mu);
    return hit;
}

void authcache_touch(const char *hash, int64_t last_seen, const char *ip) {
    entry **slot;
    struct shard *sh = shard_of(hash, &slot);
    pthread_rwlock_wrlock(&sh->mu);
    if (*slot && memcmp((*slot)->hash, hash, 64) == 0) {
        (*slot)->v.last_seen = last_seen;
        snprintf((*slot)->v.ip, sizeof (*slot)->v.ip, "%s", ip);
    }
    pthread_rwlock_unlock(&sh->mu);
}

bool projcache_get(arena *a, project_info **out, int *n) {
    bool hit = false;
    pthread_rwlock_rdlock(&dir.mu);
    if (dir.list && dir.epoch == atomic_load(&epoch) && mono_ms() - dir.loaded_ms < TTL_MS) {
        project_info *p = arena_alloc(a, sizeof *p * (size_t)(dir.n + 1));
        for (int i = 0; p && i < dir.n; i++)
            p[i] = (project_info){dir.list[i].id, arena_strdup(a, dir.list[i].code),
                                  arena_strdup(a, dir.list[i].name), dir.list[i].active};
        if (p) { *out = p; *n = dir.n; hit = true; }
    }
    pthread_rwlock_unlock(&dir.mu);
    return hit;
}

void projcache_put(const project_info *p, int n, uint64_t at_epoch) {
    size_t bytes = sizeof *p * (size_t)n;
    for (int i = 0; i < n; i++) bytes += strlen(p[i].code) + strlen(p[i].name) + 2;
    project_info *list = malloc(bytes ? bytes : 1);
    if (!list) return;
    char *pool = (char *)(list + n);
    for (int i = 0; i < n; i++) {
        list[i] = p[i];
        size_t lc = strlen(p[i].code) + 1, ln = strlen(p[i].name) + 1;
        list[i].code = memcpy(pool, p[i].code, lc);
        list[i].name = memcpy(pool + lc, p[i].name, ln);
        pool += lc + ln;
    }
    pthread_rwlock_wrlock(&dir.mu);
    free(dir.list);
    dir.list = list;
    dir.n = n;
    dir.epoch = at_epoch;
    dir.loaded_ms = mono_ms();
    pthread_rwlock_unlock(&dir.mu);
}

kerr auth_epoch_bump(db *d) {
    pending_bump = true;
    return db_exec(d, "UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1");
}

bool authcache_take_bump(void) {
    bool b = pending_bump;
    pending_bump = false;
    return b;
}

void authcache_committed(bool bumped) {
    if (bumped) atomic_fetch_add(&epoch, 1);
}

void authcache_poll(db *d) {
    int64_t v = 0;
    if (!db_int(d, &v, "SELECT epoch FROM auth_epoch WHERE id = 1")) return;
    int64_t seen = atomic_exchange(&db_epoch_seen, v);
    if (seen != -1 && seen != v) atomic_fetch_add(&epoch, 1);
}
