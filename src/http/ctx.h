/*
** ctx.h — the request context every handler receives, and the route table type.
**
** One ctx per request, with an arena freed when the request ends. A handler reads typed
** input (input.h), does its work on c->db (inside one transaction for write routes: the
** server begins it and commits when the handler returns E_OK), writes JSON into c->out
** through c->w, and returns E_OK or an error recorded with ctx_fail.
*/
#ifndef KEFU_CTX_H
#define KEFU_CTX_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/arena.h"
#include "core/audit.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/jw.h"
#include "core/perm.h"
#include "db/db.h"

struct MHD_Connection;
typedef struct ctx ctx;
typedef kerr (*handler_fn)(ctx *c);

enum route_flags {
    RF_PUBLIC = 1u << 0,     /* no login needed */
    RF_NO_CSRF = 1u << 1,    /* login itself */
    RF_TEST = 1u << 2,       /* exists only with --test-clock */
    RF_OWN_TX = 1u << 4,     /* the handler reads first, then calls ctx_write_begin/end */
    RF_PW_CHANGE = 1u << 5,  /* open to a user who must change their initial password */
    RF_RAW_BODY = 1u << 6,   /* the body is a file (c->body), not JSON */
    RF_PDF = 1u << 7,        /* ?format=pdf too: the handler prints (c->export_format "pdf") */
    RF_BULK = 1u << 8,       /* a large write: a transaction of its own, not in a group commit */
    RF_ONCE = 1u << 9,       /* effects outside the database: never run twice (db_pool_write) */
};

struct export_spec;
typedef struct route {
    const char *method;      /* "GET", "POST", "PATCH", "PUT", "DELETE" */
    const char *path;        /* "/api/v1/users/{id}/actions/{action}" */
    const char *perm;        /* permission needed in some project; NULL = login only */
    unsigned flags;
    size_t body_limit;       /* 0 = default (1 MiB) */
    handler_fn fn;
    const struct export_spec *export;   /* lists: columns for ?format=xlsx|csv */
} route;

#define CTX_MAX_PARAMS 6
#define CTX_MAX_HEADERS 10
#define BODY_LIMIT_DEFAULT (1024u * 1024u)

struct ctx {
    arena a;
    struct MHD_Connection *conn;
    const char *method, *path;
    const route *route;
    kerr route_err;               /* E_ROUTE_NOT_FOUND or E_METHOD when route is NULL */
    int nparams;
    const char *pname[CTX_MAX_PARAMS], *pval[CTX_MAX_PARAMS];
    /* body */
    buf body;
    size_t body_limit;
    bool body_too_large;
    size_t body_read;             /* bytes of the body read so far, kept or not */
    json_t *json;                 /* parsed object body ({} when empty), NULL for GET */
    /* who */
    auth_user *user;
    int auth_kind;                /* 0 none, 1 cookie, 2 bearer */
    int64_t session_id;
    const char *csrf_token;
    char ip[64];
    audit_actor actor;
    int64_t now;
    /* storage */
    db *db;
    bool writer;                  /* c->db is the writer, inside a transaction */
    bool keep_writes;             /* commit even though the handler returned an error */
    bool epoch_bumped;            /* the handler changed authentication data (authcache.h) */
    bool suspended;               /* waiting for its writes, off the connection's thread */
    int headers_before;           /* response headers set before the handler ran */
    kerr job_result, job_commit;  /* their outcome (db_pool_write_async) */
    /* X-Kefu-Fault (test servers): the step that fails, its error and SQL text; while the
    ** handler runs, the steps left and the connection armed with them (server.c) */
    int fault_n, fault_left;
    kerr fault_err;
    const char *fault_match;
    db *fault_db;
    bool fault_fired;
    kerr (*answer)(ctx *c, int status, int64_t id);   /* ctx_answer_after_commit */
    int answer_status;
    int64_t answer_id;
    /* response */
    int status;
    buf out;
    jw w;
    const char *content_type;
    int nheaders;
    const char *hname[CTX_MAX_HEADERS], *hval[CTX_MAX_HEADERS];
    /* error */
    kerr err;
    const char *err_field, *err_msg;
    int retry_after;
    const char *err_report;       /* JSON added to the error as "report" (e.g. an import's rows) */
    const char *export_format;    /* "xlsx" / "csv" when the list is exported */
};

/* A request's context as the server starts it (c zeroed by the caller): the arena, the body
** and answer buffers, method and path copied, status 200, the default body limit. Split from
** the server's ctx_new so that tests and fuzz targets build a ctx the same way. */
void ctx_init(ctx *c, const char *method, const char *url);
/* Frees what ctx_init and the request added (the parsed body, buffers, arena); not c itself. */
void ctx_release(ctx *c);
/* Records the error (message formatted in Chinese; NULL fmt = the error's default). */
kerr ctx_fail(ctx *c, kerr e, const char *field, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ctx_header(ctx *c, const char *name, const char *value);
const char *ctx_req_header(ctx *c, const char *name);
const char *ctx_param(ctx *c, const char *name);
/* Path parameter as a positive id; a non-number answers 404 not_found. */
kerr ctx_param_id(ctx *c, const char *name, int64_t *out);
/* Starts a JSON answer with this status; returns the writer. */
jw *ctx_json(ctx *c, int status);
kerr ctx_no_content(ctx *c);
/* The user's permission in a project: 404 if they cannot see the project, 403 if they can
** but lack the permission. */
kerr ctx_require(ctx *c, const char *perm, int64_t project_id);
/* A workflow action's outcome as the request's error: the engine's refusal (field, Chinese
** reason; a role that may not act: "您的岗位不能执行「派工」"), or, when the refusal came from an
** input getter inside a guard, what that getter already recorded. E_OK passes through. */
struct wf_run;
kerr ctx_wf_fail(ctx *c, kerr e, const struct wf_run *r);
/* For RF_OWN_TX handlers: take the writer and begin; end commits when e is E_OK (or
** keep_writes) and rolls back otherwise, releases the writer, and returns the final error. */
kerr ctx_write_begin(ctx *c);
/* The answer of a write (the record as GET would show it): rendered after the handler's writes,
** in the same transaction on the same connection (for RF_OWN_TX handlers, once they have
** committed). If the writes are then not kept or not durable, the error replaces it. */
kerr ctx_answer_after_commit(ctx *c, kerr (*answer)(ctx *c, int status, int64_t id), int status, int64_t id);
kerr ctx_write_end(ctx *c, kerr e);
/* Projects where the user holds perm: -1 when it is company-wide (every project), else
** the count, with the ids in the arena. */
int ctx_perm_projects(ctx *c, const char *perm, int64_t **ids);
/* Audit a write of this request (actor, ip, time from the ctx). */
kerr ctx_audit(ctx *c, int64_t project_id, const char *entity, int64_t id, const char *action,
               const char *changes_json);
#endif
