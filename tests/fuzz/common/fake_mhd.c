/*
** fake_mhd.c — libmicrohttpd's request accessors answered from memory, for the fuzz targets
** (see fuzz.h). An object file's definition wins over the shared library's at link time, so
** every caller in the kefu objects (q_str, q_check, ctx_req_header) reaches these. Lookups
** follow libmicrohttpd 0.9.75: the first value of the kind whose key matches case-insensitively
** over its whole size.
*/
#include "fuzz.h"
#include "base/clock.h"
#include <microhttpd.h>
#include <string.h>

#define FAKE_VALUES 64          /* more arguments are dropped (the server's 16 KiB limit is near) */

typedef struct fake_value {
    enum MHD_ValueKind kind;
    const char *key, *value;
    size_t key_size, value_size;
} fake_value;

struct MHD_Connection {         /* opaque in microhttpd.h: this stand-in completes the type */
    int n;
    fake_value v[FAKE_VALUES];
};

static bool same_key(const char *a, const char *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

const char *MHD_lookup_connection_value(struct MHD_Connection *conn, enum MHD_ValueKind kind, const char *key) {
    if (!conn || !key) return NULL;
    size_t n = strlen(key);
    for (int i = 0; i < conn->n; i++) {
        const fake_value *v = &conn->v[i];
        if ((v->kind & kind) && v->key && v->key_size == n && same_key(v->key, key, n)) return v->value;
    }
    return NULL;
}

int MHD_get_connection_values_n(struct MHD_Connection *conn, enum MHD_ValueKind kind,
                                MHD_KeyValueIteratorN it, void *cls) {
    int n = 0;
    for (int i = 0; conn && i < conn->n; i++) {
        const fake_value *v = &conn->v[i];
        if (!(v->kind & kind)) continue;
        n++;
        if (it && it(cls, v->kind, v->key, v->key_size, v->value, v->value_size) != MHD_YES) break;
    }
    return n;
}

static void add(ctx *c, enum MHD_ValueKind kind, const char *key, size_t ks, const char *value, size_t vs) {
    struct MHD_Connection *conn = c->conn;
    if (conn->n == FAKE_VALUES) return;
    conn->v[conn->n++] = (fake_value){kind, key, value, ks, vs};
}

void fuzz_ctx_open(ctx *c, const char *method, const char *url) {
    ctx_init(c, method, url);
    c->conn = arena_alloc(&c->a, sizeof *c->conn);
    c->now = 1795568400;   /* 2026-11-25T09:00:00+08:00 */
}

void fuzz_ctx_close(ctx *c) { ctx_release(c); }

size_t fuzz_unescape(char *s) { return MHD_http_unescape(s); }

/* One argument text (NUL-terminated in the arena): '+' to space, then %XX; its new size. */
static size_t unescape_arg(char *s) {
    for (char *p = s; *p; p++)
        if (*p == '+') *p = ' ';
    return MHD_http_unescape(s);
}

static void add_arg(ctx *c, char *arg) {
    char *eq = strchr(arg, '=');
    if (eq) *eq = 0;
    size_t ks = unescape_arg(arg), vs = eq ? unescape_arg(eq + 1) : 0;
    add(c, MHD_GET_ARGUMENT_KIND, arg, ks, eq ? eq + 1 : NULL, vs);
}

void fuzz_query(ctx *c, const char *query, size_t len) {
    char *s = arena_strndup(&c->a, query, len);
    while (s && *s) {            /* like libmicrohttpd: a text cut at a NUL ends there */
        char *amp = strchr(s, '&');
        if (amp) *amp = 0;
        add_arg(c, s);
        s = amp ? amp + 1 : NULL;
    }
}

void fuzz_header(ctx *c, const char *name, const char *value) {
    add(c, MHD_HEADER_KIND, name, strlen(name), value, strlen(value));
}
