/*
** server.c — libmicrohttpd glue and the central request pipeline (see server.h).
**
** libmicrohttpd calls on_request several times per request: first with no body (we only set
** up the context — answering in that first call makes libmicrohttpd close the connection),
** then with body chunks, then once with no data: that is when we dispatch. A request refused
** for its size (414, 431, a declared 413) is answered in that first call instead, before any
** body is read: libmicrohttpd then sends no "100 Continue" and closes the connection.
*/
#include "server.h"
#include "router.h"
#include "session.h"
#include "export.h"
#include "input.h"
#include "authcache.h"
#include "base/clock.h"
#include "core/crypto.h"
#include "core/deadline.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The head of a request: limits answered in the error envelope before anything else is done.
** libmicrohttpd keeps a request's line and header fields, and a record (64 bytes) per header
** field and query parameter, in a pool of CONN_POOL bytes per connection; these limits keep all
** that we accept well inside it, so that an oversize head we can see gets our answer. A head
** too large for the pool itself gets libmicrohttpd's own bare 414/431, also at once. */
#define CONN_POOL (64 * 1024)
#define MAX_URI (8 * 1024)
#define MAX_QUERY_PARAMS 256
#define MAX_HEAD (32 * 1024)
#define MAX_HEADER_FIELDS 100
/* A body over its route's limit that the client sends anyway is read and thrown away, so that
** the client, still sending, can read the 413 after it (answered earlier, the closing
** connection would reset under the answer). This much past the limit and no more: then the
** connection is closed (a declared length beyond it is answered at once). */
#define DISCARD_MAX (16u * 1024 * 1024)

static const server_config *cfg;
static atomic_int in_flight;
static atomic_int queued_writes;       /* connections suspended while their writes are queued */

void server_add_security_headers(struct MHD_Response *r) {
    MHD_add_response_header(r, "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
}

/* ---- context life ---- */

static void client_ip(ctx *c) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const char *xff = cfg->trust_proxy ? ctx_req_header(c, "X-Forwarded-For") : NULL;
    if (xff) {   /* the rightmost entry: the one our proxy appended; the client writes the rest */
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        last += strspn(last, " \t");
        size_t n = strspn(last, "0123456789abcdefABCDEF.:");   /* only an address's characters */
        snprintf(c->ip, sizeof c->ip, "%.*s", (int)(n < sizeof c->ip ? n : sizeof c->ip - 1), last);
        if (c->ip[0]) return;
    }
    c->ip[0] = 0;
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, c->ip, sizeof c->ip);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, c->ip, sizeof c->ip);
}

static ctx *ctx_new(struct MHD_Connection *conn, const char *url, const char *method) {
    ctx *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    ctx_init(c, method, url);
    c->conn = conn;
    client_ip(c);
    atomic_fetch_add(&in_flight, 1);
    return c;
}

static void ctx_free(ctx *c) {
    if (!c) return;
    ctx_release(c);
    free(c);
    atomic_fetch_sub(&in_flight, 1);
}

/* What on_uri leaves in *con_cls for a request line it refused (on_request's first call reads it). */
static const kerr refused_uri = E_URI_TOO_LONG, refused_query = E_HEADERS_TOO_LARGE;

static bool is_refusal(const void *p) { return p == &refused_uri || p == &refused_query; }

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code) {
    (void)cls, (void)conn, (void)code;
    if (!is_refusal(*con_cls)) ctx_free(*con_cls);
    *con_cls = NULL;
}

/* Sees the request line's URI before libmicrohttpd parses its query into the connection's
** pool. When the pool runs out there, 0.9.75 queues a 431 but goes on reading the header
** fields into the buffer it has just freed, and the request hangs until the idle timeout
** (issue 19, defect 7: 300 parameters did). So a query of more than MAX_QUERY_PARAMS
** parameters, or a URI longer than MAX_URI, is cut at its "?" here — the string is the one the
** query is parsed from, right after this call — and on_request answers 431/414 at once. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn) {
    (void)cls, (void)conn;
    char *query = strchr(uri, '?');
    const kerr *refused = strlen(uri) > MAX_URI ? &refused_uri : NULL;
    size_t params = 1;
    for (const char *p = query; p && *p && !refused; p++)
        if (*p == '&' && ++params > MAX_QUERY_PARAMS) refused = &refused_query;
    if (refused && query) query[1] = 0;
    return (void *)(uintptr_t)refused;
}

/* ---- the pipeline ---- */

static bool is_write_method(const char *m) { return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0; }

static kerr check_access(ctx *c) {
    const route *r = c->route;
    if (r->flags & RF_PUBLIC) return E_OK;
    kerr e = session_authenticate(c);
    if (e) return e;
    if (c->auth_kind == 1 && is_write_method(c->method) && !(r->flags & RF_NO_CSRF) &&
        !crypto_equal(ctx_req_header(c, "X-CSRF-Token"), c->csrf_token))
        return E_CSRF;
    if (c->user->must_change_password && !(r->flags & RF_PW_CHANGE))
        return ctx_fail(c, E_FORBIDDEN, NULL, "请先修改初始密码");
    if (r->perm && !auth_can_any(c->user, r->perm)) return E_FORBIDDEN;
    c->actor = (audit_actor){c->user->id, c->user->display_name, c->ip};
    return E_OK;
}

/* ---- fault injection (test servers only) ----
** "X-Kefu-Fault: N busy|io [SQL text]" makes the N-th database step of the request's handler
** fail (db_fault_arm), counting only statements whose SQL holds the text when one is given. The
** count runs across the connections the handler uses in turn: this thread's reader for a read,
** the reader and then, from its BEGIN to its COMMIT, the writer for a handler that takes the
** writer itself (RF_OWN_TX), the writer alone for a write the pool runs (each run from the
** start: a batch run again runs it again). The answer's X-Kefu-Fault says whether it fired.
** A production server never reads the header. */

static void fault_parse(ctx *c) {
    const char *h = cfg->test_clock ? ctx_req_header(c, "X-Kefu-Fault") : NULL;
    int n = 0, at = 0;
    char kind[8] = "";
    if (!h || sscanf(h, "%d %7s %n", &n, kind, &at) < 2 || n < 1) return;
    c->fault_n = n;
    c->fault_err = strcmp(kind, "io") ? E_BUSY : E_INTERNAL;
    c->fault_match = at ? h + at : NULL;
}

/* The fault from the handler's first step (again). */
static void fault_restart(ctx *c) {
    c->fault_left = c->fault_n;
    c->fault_fired = false;
}

/* Arms what is left of the count on d, the connection the handler's next steps run on. */
static void fault_attach(ctx *c, db *d) {
    if (c->fault_left <= 0 || c->fault_db) return;
    db_fault_arm(d, c->fault_left, c->fault_match, c->fault_err);
    c->fault_db = d;
}

static void fault_detach(ctx *c) {
    if (!c->fault_db) return;
    c->fault_left = db_fault_left(c->fault_db);
    if (db_fault_disarm(c->fault_db)) c->fault_fired = true;
    c->fault_db = NULL;
}

static void fault_report(ctx *c) {
    if (c->fault_n) ctx_header(c, "X-Kefu-Fault", c->fault_fired ? "fired" : "unfired");
}

/* A request during which a step of d failed with a storage error (busy, I/O) ends in that
** error even when the code that saw it went on: it must never become a 2xx or a 4xx (a 404
** for a record that is there), nor, for a write, a commit of what was written before it. It is
** said on stderr, for the tests, which look for it: the code that dropped the error is at fault. */
static kerr step_failure(ctx *c, db *d, kerr e, const char *what) {
    kerr se = d ? db_step_error(d) : E_OK;
    /* a handler's own 5xx stands, except the catch-all E_INTERNAL that a failed load turned into */
    if (!se || e == se || err_http_status(se) < 500 || (e && e != E_INTERNAL && err_http_status(e) >= 500)) return e;
    const char *f = cfg->test_clock ? ctx_req_header(c, "X-Kefu-Fault") : NULL;
    fprintf(stderr, "kefu: %s %s: a failed %s was not returned (handler said %s; the step: %s)%s%s\n", c->method,
            c->path, what, e ? err_code(e) : "ok", db_step_error_sql(d), f ? " at fault " : "", f ? f : "");
    return se;
}

/* Whether a handler's writes are kept: on success, or when it asked to keep them with a
** refusal — never with a storage error. */
static bool keeps(const ctx *c, kerr e) { return e == E_OK || (c->keep_writes && err_http_status(e) < 500); }

/* ---- the writes ---- */

kerr ctx_write_begin(ctx *c) {
    kerr e = E_OK;
    db *w = db_pool_write_begin(&e);
    c->now = clock_now();
    if (e) return e;
    fault_detach(c);              /* the rest of the count runs on the writer, in the transaction */
    db_step_error_clear(w);
    fault_attach(c, w);
    c->db = w;
    c->writer = true;
    return E_OK;
}

/* A write that was not kept changed nothing, the client's cookie included (a failed logout must
** not clear it while the session lives on): the headers its handler set go, the fault's word stays. */
static void drop_handler_headers(ctx *c) {
    int k = c->headers_before;
    for (int i = c->headers_before; i < c->nheaders; i++)
        if (!strcmp(c->hname[i], "X-Kefu-Fault")) { c->hname[k] = c->hname[i]; c->hval[k++] = c->hval[i]; }
    c->nheaders = k;
}

/* Once the writes are durable (ce: the commit's result): the auth cache, this thread's reader,
** and for a handler that wrote in a transaction of its own, the answer (ctx_answer_after_commit). */
static kerr after_writes(ctx *c, kerr e, kerr ce, bool kept, bool bumped) {
    if (ce && !e) e = ce;
    if (!kept || ce) drop_handler_headers(c);
    authcache_committed(bumped && kept && !ce);
    c->db = db_pool_reader();
    if (e || !c->answer) return e;
    if (db_begin_read(c->db)) return E_BUSY;
    e = c->answer(c, c->answer_status, c->answer_id);
    c->answer = NULL;
    db_end_read(c->db);
    return e;
}

/* Keeps the writes when the handler succeeded (or asked to keep them), and returns once
** they are on disk: a 2xx is only ever sent for durable writes. */
kerr ctx_write_end(ctx *c, kerr e) {
    if (!c->writer) return e;
    fault_detach(c);
    e = step_failure(c, db_pool_reader(), step_failure(c, c->db, e, "write"), "read");
    bool keep = keeps(c, e), bumped = authcache_take_bump();
    kerr ce = db_pool_write_end(c->db, keep);
    c->writer = false;
    return after_writes(c, e, ce, keep, bumped);
}

kerr ctx_answer_after_commit(ctx *c, kerr (*answer)(ctx *c, int status, int64_t id), int status, int64_t id) {
    c->answer = answer;
    c->answer_status = status;
    c->answer_id = id;
    return E_OK;
}

/* What a handler may have left in the ctx: a write handler run a second time (db_pool_write)
** starts from the state the request arrived in. */
static void reset_answer(ctx *c) {
    c->status = 200;
    buf_reset(&c->out);
    c->content_type = NULL;
    c->nheaders = c->headers_before;
    c->err = E_OK;
    c->err_field = c->err_msg = c->err_report = NULL;
    c->retry_after = 0;
    c->answer = NULL;
    c->keep_writes = c->epoch_bumped = false;
}

/* A write request's handler as the pool runs it: on the pool's writer thread under group
** commit, so what the handler leaves for after the commit goes into the ctx. The answer is
** read in the same transaction, right after the writes: the writer has the pages it just
** wrote in its cache, where a reader would fetch them all again (its cache is dropped at
** every commit), and the answer shows exactly what was written. */
static kerr write_job(db *w, void *arg, bool *keep) {
    ctx *c = arg;
    reset_answer(c);
    c->db = w;
    c->writer = true;
    c->now = clock_now();
    db_step_error_clear(w);
    fault_restart(c);
    fault_attach(c, w);
    kerr e = c->route->fn(c);
    if (e == E_OK && c->answer) {
        e = c->answer(c, c->answer_status, c->answer_id);
        c->answer = NULL;
    }
    fault_detach(c);
    fault_report(c);
    e = step_failure(c, w, e, "write");
    *keep = keeps(c, e);
    c->epoch_bumped = authcache_take_bump();
    c->writer = false;
    return e;
}

/* The pool's word that a queued write is durable (or failed): the connection is handed back
** to its thread, which calls on_request again (finish_write). */
static void write_done(void *arg, kerr result, kerr commit) {
    ctx *c = arg;
    c->job_result = result;
    c->job_commit = commit;
    MHD_resume_connection(c->conn);
    atomic_fetch_sub(&queued_writes, 1);
}

static kerr finish_write(ctx *c) {
    c->suspended = false;
    kerr e = c->job_result;
    return after_writes(c, e, c->job_commit, keeps(c, e), c->epoch_bumped);
}

/* Whether the handler runs in a write transaction the server opens for it (a write that is not
** RF_OWN_TX): then it does not run on this thread's reader. */
static bool server_tx(const ctx *c) { return is_write_method(c->method) && !(c->route->flags & RF_OWN_TX); }

/* A read, or a write whose handler takes the writer itself (RF_OWN_TX), on this thread; a
** transaction the handler left open is ended here. */
static kerr run_here(ctx *c) {
    fault_restart(c);
    fault_attach(c, c->db);
    kerr e = ctx_write_end(c, c->route->fn(c));
    fault_detach(c);
    fault_report(c);
    return e;
}

/* Runs the handler, in a write transaction for writes; commits only on success. A write
** request queued for the pool's writer thread does not hold this thread while it waits: the
** connection is suspended (before it is queued, so the answer cannot come first) and the
** thread serves its other connections meanwhile. A bulk write (RF_BULK), or any write where
** the pool has no writer thread, runs here in a transaction of its own. */
static kerr run_handler(ctx *c) {
    c->headers_before = c->nheaders;
    if (!server_tx(c)) return run_here(c);
    bool careful = (c->route->flags & RF_ONCE) != 0;
    if (!(c->route->flags & RF_BULK) && db_pool_queues_writes()) {
        MHD_suspend_connection(c->conn);
        c->suspended = true;
        atomic_fetch_add(&queued_writes, 1);
        if (db_pool_write_async(write_job, c, careful, write_done)) return E_OK;
        atomic_fetch_sub(&queued_writes, 1);
        c->suspended = false;
        MHD_resume_connection(c->conn);
    }
    kerr e = E_OK, ce = db_pool_write(write_job, c, &e);
    return after_writes(c, e, ce, keeps(c, e), c->epoch_bumped);
}

/* Percent-encodes a UTF-8 file name for Content-Disposition (RFC 5987). */
static const char *disposition(ctx *c, const char *name, const char *ext) {
    char ymd[16];
    clock_ymd(c->now, ymd, sizeof ymd);
    const char *full = arena_printf(&c->a, "%s-%s.%s", name, ymd, ext);
    buf b;
    buf_init(&b);
    buf_printf(&b, "attachment; filename=\"export-%s.%s\"; filename*=UTF-8''", ymd, ext);
    for (const unsigned char *p = (const unsigned char *)full; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._", *p))
            buf_putc(&b, (char)*p);
        else
            buf_printf(&b, "%%%02X", *p);
    }
    const char *r = arena_strdup(&c->a, buf_cstr(&b));
    buf_free(&b);
    return r;
}

static kerr render_export(ctx *c) {
    buf file;
    buf_init(&file);
    const char *ctype = NULL;
    kerr e = export_render(c->route->export, c->export_format, c->out.data, c->out.len, &c->a, &file, &ctype);
    if (e) { buf_free(&file); return e; }
    buf_free(&c->out);
    c->out = file;
    c->content_type = ctype;
    ctx_header(c, "Content-Disposition", disposition(c, c->route->export->name, c->export_format));
    return E_OK;
}

static kerr pipeline(ctx *c) {
    if (c->route_err) return c->route_err;
    if (c->body_too_large) return E_TOO_LARGE;
    kerr e = q_check(c);
    if (e) return e;
    c->now = clock_now();
    c->db = db_pool_reader();
    if (!c->db) return E_BUSY;
    db_step_error_clear(c->db);
    bool reads = !is_write_method(c->method), read_only = reads && !(c->route->flags & RF_PUBLIC);
    if (read_only && db_begin_read(c->db)) return E_BUSY;
    e = check_access(c);
    if (!e) e = q_format(c);
    if (!e && !reads && !(c->route->flags & RF_RAW_BODY)) e = in_body(c);
    if (!e) fault_parse(c);
    if (!e) e = run_handler(c);
    if (c->suspended) return E_OK;     /* the writer thread has the ctx now */
    if (!server_tx(c)) e = step_failure(c, c->db, e, "read");   /* (write_job checked the writer) */
    if (!e && c->export_format && strcmp(c->export_format, "pdf") && c->status == 200) e = render_export(c);
    if (read_only) db_end_read(c->db);
    return e;
}

static void write_error(ctx *c, kerr e) {
    if (c->err != e) c->err_msg = NULL, c->err_field = NULL;   /* message belongs to another error */
    int status = err_http_status(e);
    if (status >= 500)
        fprintf(stderr, "kefu: %s %s → %d %s (%s)\n", c->method, c->path, status, err_code(e),
                c->db ? db_errmsg(c->db) : "-");
    if (e == E_TOO_LARGE && !c->err_msg)
        c->err_msg = arena_printf(&c->a, "提交的内容过大（上限 %zu KB）", c->body_limit / 1024);
    c->content_type = NULL;            /* whatever the handler began (a PDF) is dropped */
    jw *w = ctx_json(c, status);       /* and so is the JSON it had written so far */
    jw_obj(w, NULL);
    jw_obj(w, "error");
    jw_str(w, "code", err_code(e));
    jw_str(w, "message", c->err_msg && status < 500 ? c->err_msg : err_message(e));
    if (c->err_field) jw_str(w, "field", c->err_field);
    if (c->err_report && c->err == e) jw_raw(w, "report", c->err_report);
    if (c->retry_after > 0) {
        jw_int(w, "retry_after", c->retry_after);
        ctx_header(c, "Retry-After", arena_printf(&c->a, "%d", c->retry_after));
    }
    jw_end(w);
    jw_end(w);
}

static enum MHD_Result send_json(ctx *c) {
    if (!buf_ok(&c->out)) write_error(c, E_NOMEM);
    size_t len = c->out.len;
    char *body = buf_detach(&c->out);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) { free(body); return MHD_NO; }
    if (c->status != 204)
        MHD_add_response_header(r, "Content-Type", c->content_type ? c->content_type
                                                                   : "application/json; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    for (int i = 0; i < c->nheaders; i++) MHD_add_response_header(r, c->hname[i], c->hval[i]);
    server_add_security_headers(r);
    enum MHD_Result ret = MHD_queue_response(c->conn, (unsigned)c->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_static(ctx *c) {
    int status = 404;
    struct MHD_Response *r = NULL;
    if (strcmp(c->method, "GET") == 0 || strcmp(c->method, "HEAD") == 0)
        r = static_response(cfg->web_dir, c->path, &status);
    if (!r) { write_error(c, E_ROUTE_NOT_FOUND); return send_json(c); }
    server_add_security_headers(r);
    enum MHD_Result ret = MHD_queue_response(c->conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static bool is_api(const char *path) { return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0; }

/* The route, matched once on the first call (its body limit is needed before the body comes):
** 404 when no route has the path, 405 with Allow when one has it for another method. */
static kerr match_route(ctx *c) {
    route_match m;
    router_match(&c->a, c->method, c->path, &m);
    if (!m.route) {
        if (!m.path_matched) return E_ROUTE_NOT_FOUND;
        ctx_header(c, "Allow", arena_strdup(&c->a, m.allow));
        return E_METHOD;
    }
    c->route = m.route;
    c->nparams = m.nparams;
    memcpy(c->pname, m.pname, sizeof m.pname);
    memcpy(c->pval, m.pval, sizeof m.pval);
    if (m.route->body_limit) c->body_limit = m.route->body_limit;
    return E_OK;
}

/* The request line and header fields against MAX_HEAD and MAX_HEADER_FIELDS. */
static kerr check_head(ctx *c) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    if (ci && ci->header_size > MAX_HEAD)
        return ctx_fail(c, E_HEADERS_TOO_LARGE, NULL, "请求头过大（上限 %d KB）", MAX_HEAD / 1024);
    if (MHD_get_connection_values(c->conn, MHD_HEADER_KIND, NULL, NULL) > MAX_HEADER_FIELDS)
        return ctx_fail(c, E_HEADERS_TOO_LARGE, NULL, "请求头字段过多（上限 %d 个）", MAX_HEADER_FIELDS);
    return E_OK;
}

/* The first call: the route, and the refusals that need no body — a request line on_uri
** refused, an oversize head, and a declared Content-Length over the route's limit (after
** 404/405, as on the last call) when the client waits for our go-ahead ("Expect: 100-continue":
** libmicrohttpd sends "100 Continue" only if the first call queues no answer) or declares more
** than DISCARD_MAX past the limit. An error here is answered at once. */
static kerr first_call(ctx *c, kerr refused) {
    if (refused == E_URI_TOO_LONG) return ctx_fail(c, refused, NULL, "请求地址过长（上限 %d KB）", MAX_URI / 1024);
    if (refused) return ctx_fail(c, refused, NULL, "查询参数过多（上限 %d 个）", MAX_QUERY_PARAMS);
    kerr e = check_head(c);
    if (e) return e;
    c->route_err = match_route(c);
    const char *cl = ctx_req_header(c, "Content-Length"), *expect = ctx_req_header(c, "Expect");
    unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
    c->body_too_large = declared > c->body_limit;
    bool waits = expect && strcasecmp(expect, "100-continue") == 0;
    if (!c->body_too_large || (!waits && declared - c->body_limit <= DISCARD_MAX)) return E_OK;
    return c->route_err ? c->route_err : E_TOO_LARGE;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    (void)cls, (void)version;
    ctx *c = *con_cls;
    if (!c || is_refusal(c)) {
        kerr refused = c ? *(const kerr *)c : E_OK;
        *con_cls = c = ctx_new(conn, url, method);
        if (!c) return MHD_NO;
        kerr e = first_call(c, refused);
        if (!e) return MHD_YES;       /* the body comes next (after a 100 Continue if asked for) */
        write_error(c, e);
        return send_json(c);
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        c->body_read += n;
        if (!c->body_too_large && c->body_read <= c->body_limit) {
            buf_append(&c->body, upload_data, n);
            return MHD_YES;
        }
        c->body_too_large = true;
        return c->body_read <= c->body_limit + DISCARD_MAX ? MHD_YES : MHD_NO;   /* MHD_NO closes the connection */
    }
    if (!is_api(c->path)) return send_static(c);
    kerr e = c->suspended ? finish_write(c) : pipeline(c);
    if (c->suspended) return MHD_YES;        /* its writes are queued: answered once resumed */
    if (e) write_error(c, e);
    return send_json(c);
}

/* ---- background work: the deadline tick, the auth-epoch poller and the caller's job ---- */

static pthread_mutex_t bg_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bg_cv = PTHREAD_COND_INITIALIZER;
static bool bg_stop;

typedef struct periodic { void (*fn)(void); int64_t interval_ms; } periodic;

/* Runs p->fn every p->interval_ms until bg_stop (woken at once by server_run). */
static void *periodic_main(void *arg) {
    const periodic *p = arg;
    pthread_mutex_lock(&bg_mu);
    while (!bg_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t ns = ts.tv_nsec + (p->interval_ms % 1000) * 1000000;
        ts.tv_sec += (time_t)(p->interval_ms / 1000 + ns / 1000000000);
        ts.tv_nsec = (long)(ns % 1000000000);
        pthread_cond_timedwait(&bg_cv, &bg_mu, &ts);
        if (bg_stop) break;
        pthread_mutex_unlock(&bg_mu);
        p->fn();
        pthread_mutex_lock(&bg_mu);
    }
    pthread_mutex_unlock(&bg_mu);
    return NULL;
}

static atomic_bool tick_leader;
bool server_is_tick_leader(void) { return atomic_load(&tick_leader); }

/* Marks overdue deadlines (one transaction on the writer). With several servers on one
** PostgreSQL only the one holding the leader lock ticks; the lock belongs to its writer
** connection, so it passes to another server when this one dies. */
static void tick_deadlines(void) {
    db *w = db_pool_writer_acquire();
    if (!atomic_load(&tick_leader) && db_try_leader(w)) atomic_store(&tick_leader, true);
    if (atomic_load(&tick_leader) && db_begin(w) == E_OK) {
        if (deadline_tick(w, clock_now()) < 0) db_rollback(w); else db_commit(w);
    }
    db_pool_writer_release(w);
}

/* Notices auth changes made by other processes (CLI, other servers). */
static void poll_auth(void) {
    db *r = db_pool_reader();
    if (r) authcache_poll(r);
}

/* ---- start and stop ---- */

static bool parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len) {
    char host[128];
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= sizeof host) return false;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || colon[1] == 0) return false;
    snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
    memset(ss, 0, sizeof *ss);
    if (host[0] == '[') {
        size_t hl = strlen(host);
        if (hl < 3 || host[hl - 1] != ']') return false;
        host[hl - 1] = 0;
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *len = sizeof *a6;
        return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    *len = sizeof *a4;
    return inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &a4->sin_addr) == 1;
}

/* Up to 10 s for requests in flight; writes queued for the writer thread are waited for
** to the end (libmicrohttpd aborts if stopped with a connection still suspended). */
static void wait_for_requests(void) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    for (int i = 0; i < 200 && atomic_load(&in_flight) > 0; i++) nanosleep(&ts, NULL);
    if (atomic_load(&queued_writes) > 0) fprintf(stderr, "kefu: waiting for the writes still queued…\n");
    while (atomic_load(&queued_writes) > 0) nanosleep(&ts, NULL);
}

int server_run(const server_config *config, const route *const *tables) {
    cfg = config;
    router_set_tables(tables, cfg->test_clock);
    authcache_init();
    poll_auth();        /* the baseline epoch, before any identity is cached */
    tick_deadlines();   /* claim the tick (and catch up) before serving */
    session_set_secure_cookie(cfg->secure_cookie);
    struct sockaddr_storage ss;
    socklen_t sl;
    if (!parse_listen(cfg->listen, &ss, &sl)) {
        fprintf(stderr, "kefu: 监听地址无效：%s（应为 地址:端口，如 127.0.0.1:8080）\n", cfg->listen);
        return 2;
    }
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);     /* threads inherit: only sigwait sees them */
    signal(SIGPIPE, SIG_IGN);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 0 ? cfg->threads : 4),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->idle_timeout,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_conn_per_ip,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_POOL,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "kefu: 无法在 %s 上启动服务（端口被占用或无权限）\n", cfg->listen);
        return 1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[128];
    snprintf(host, sizeof host, "%.*s", (int)(strrchr(cfg->listen, ':') - cfg->listen), cfg->listen);
    printf("listening on http://%s:%u\n", host, di ? di->port : 0);
    if (cfg->trust_proxy && cfg->max_conn_per_ip > 0)   /* the cap counts peers, and the peer is the proxy */
        fprintf(stderr, "kefu: --trust-proxy：连接都来自代理的地址，--max-conn-per-ip %d 即代理与本服务之间的连接上限\n",
                cfg->max_conn_per_ip);
    if (cfg->demo_banner) fputs(cfg->demo_banner, stdout);
    fflush(stdout);
    periodic jobs[] = {{tick_deadlines, (int64_t)(cfg->tick_seconds > 0 ? cfg->tick_seconds : 30) * 1000},
                       {poll_auth, 200}, {cfg->job, cfg->job_ms > 0 ? cfg->job_ms : 1000}};
    pthread_t threads[3];
    bool started[3];
    for (int i = 0; i < 3; i++) started[i] = jobs[i].fn && pthread_create(&threads[i], NULL, periodic_main, &jobs[i]) == 0;
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "kefu: %s received, finishing requests in flight…\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    MHD_quiesce_daemon(d);
    wait_for_requests();
    pthread_mutex_lock(&bg_mu);
    bg_stop = true;
    pthread_cond_broadcast(&bg_cv);
    pthread_mutex_unlock(&bg_mu);
    for (int i = 0; i < 3; i++)
        if (started[i]) pthread_join(threads[i], NULL);
    MHD_stop_daemon(d);
    authcache_shutdown();
    return 0;
}
