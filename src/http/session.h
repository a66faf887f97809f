/*
** session.h — who is asking: cookie sessions and bearer API tokens.
**
** Tokens are 32 random bytes; the database keeps only their SHA-256. A session ends after
** 12 hours idle or 7 days, at logout, when its user is disabled, or when the password changes.
** An API token ends at its expiry (90 days unless asked, a year at most), when revoked, and,
** like every session, when its user is disabled or the password is changed or reset.
*/
#ifndef KEFU_SESSION_H
#define KEFU_SESSION_H
#include "ctx.h"

#define SESSION_COOKIE "kefu_session"
#define SESSION_IDLE_S (12 * 3600)
#define SESSION_MAX_S (7 * 24 * 3600)

void session_set_secure_cookie(bool on);
/* Finds the session or token of the request; fills c->user, auth_kind, session_id, csrf.
** E_UNAUTH when there is none or it expired. Uses c->db (a reader). */
kerr session_authenticate(ctx *c);
/* Loads a user with roles into the arena (NULL if missing). `disabled` may be NULL. */
auth_user *session_load_user(ctx *c, db *d, int64_t user_id, bool *disabled);
/* Creates a session for user_id; sets the cookie header; returns the CSRF token. */
kerr session_create(ctx *c, int64_t user_id, const char **csrf_out);
/* Ends the request's session (logout) and clears the cookie. */
kerr session_destroy(ctx *c);
/* Ends every session of a user except `keep_id` (0 = all) and revokes all their API tokens,
** saying why ("password_changed", "password_reset", "disabled"); in the caller's transaction. */
kerr session_end_all(ctx *c, int64_t user_id, int64_t keep_id, const char *why);
/* The same outside a request (the CLI): actor_id 0 = the system. */
kerr session_end_all_db(db *d, int64_t user_id, int64_t keep_id, const char *why, int64_t actor_id, int64_t now);
#endif
