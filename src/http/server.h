/*
** server.h — the HTTP server: libmicrohttpd with an internal thread pool (epoll), the
** central request pipeline (route → size → login → CSRF → permission → transaction →
** handler → envelope), static files of the web UI and a clean shutdown on SIGINT/SIGTERM.
*/
#ifndef KEFU_SERVER_H
#define KEFU_SERVER_H
#include <stdbool.h>
#include "ctx.h"

typedef struct server_config {
    const char *listen;        /* "127.0.0.1:8080"; port 0 = ephemeral */
    const char *web_dir;       /* built SPA (web/dist); NULL/missing = API only */
    int threads;
    bool test_clock;
    bool secure_cookie;
    bool trust_proxy;          /* take the client address from X-Forwarded-For */
    int idle_timeout;          /* seconds a connection may send nothing before it is closed */
    int max_conn_per_ip;       /* connections one peer address may hold (0: no cap) */
    int tick_seconds;          /* deadline tick period */
    const char *demo_banner;   /* printed after "listening on" when not NULL */
    void (*job)(void);         /* optional: run every job_ms on a background thread (modules') */
    int job_ms;
} server_config;

/* Serves until SIGINT/SIGTERM. The db pool must be initialised. Returns 0 on clean exit. */
int server_run(const server_config *cfg, const route *const *tables);

/* Whether this process runs the background deadline tick (always, on SQLite). */
bool server_is_tick_leader(void);

/* For the static-file part (static.c). */
struct MHD_Response;
struct MHD_Response *static_response(const char *web_dir, const char *path, int *status);
void server_add_security_headers(struct MHD_Response *r);
#endif
