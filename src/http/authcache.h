/*
** authcache.h — who a session or API token belongs to, remembered between requests.
**
** Authenticating from the database costs two queries per request; the cache answers from
** memory. It is keyed by the SHA-256 of the token and is correct because every write that
** changes who may do what (logout, disable, roles, passwords, token revokes) calls
** auth_epoch_bump() in its transaction: that bumps the `auth_epoch` row, and after the commit
** the in-process epoch, which invalidates every entry at once. Other processes (the CLI,
** further servers on one PostgreSQL) are noticed by a poller reading the row every 200 ms;
** entries also expire after 30 s whatever happens. The same epoch guards the cached project
** directory (names of the projects), so project writes bump it too.
*/
#ifndef KEFU_AUTHCACHE_H
#define KEFU_AUTHCACHE_H
#include <stdbool.h>
#include <stdint.h>
#include "base/arena.h"
#include "core/perm.h"
#include "db/db.h"

typedef struct auth_hit {
    int kind;                 /* 1 cookie session, 2 API token */
    int64_t id;               /* session id or token id */
    const char *csrf;         /* sessions only */
    int64_t last_seen, expires;
    char ip[64];              /* tokens: the address they were last used from */
    auth_user user;
} auth_hit;

void authcache_init(void);
void authcache_shutdown(void);
uint64_t authcache_epoch(void);
/* A valid entry for hash (loaded at the current epoch, not expired) copied into the arena. */
bool authcache_get(const char *hash, arena *a, auth_hit *out);
/* Remembers v, loaded from the database when the epoch was `epoch`. */
void authcache_put(const char *hash, const auth_hit *v, uint64_t epoch);
void authcache_touch(const char *hash, int64_t last_seen, const char *ip);

/* The project directory (id, code, name, active of every project), cached the same way:
** project writes bump the auth epoch too. Copies into the arena; false when not cached. */
typedef struct project_info { int64_t id; const char *code, *name; bool active; } project_info;
bool projcache_get(arena *a, project_info **out, int *n);
void projcache_put(const project_info *p, int n, uint64_t epoch);

/* In a write transaction: record that authentication data changed (bumps auth_epoch). The
** in-process epoch moves once the transaction has committed: the thread that ran the writes
** takes the mark (authcache_take_bump), and authcache_committed moves the epoch if it was set
** and the writes were kept. */
kerr auth_epoch_bump(db *d);
bool authcache_take_bump(void);
void authcache_committed(bool bumped);
/* Poller: compares the auth_epoch row with the last seen value (server background thread). */
void authcache_poll(db *d);
#endif
