/*
** ctx.c — request-context helpers shared by all handlers (see ctx.h).
*/
#include "ctx.h"
#include "core/workflow.h"
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ctx_init(ctx *c, const char *method, const char *url) {
    arena_init(&c->a, 8192);
    buf_init(&c->body);
    buf_init(&c->out);
    c->method = arena_strdup(&c->a, method);
    c->path = arena_strdup(&c->a, url);
    c->status = 200;
    c->body_limit = BODY_LIMIT_DEFAULT;
}

void ctx_release(ctx *c) {
    if (c->json) json_decref(c->json);
    buf_free(&c->body);
    buf_free(&c->out);
    arena_free(&c->a);
}

kerr ctx_fail(ctx *c, kerr e, const char *field, const char *fmt, ...) {
    c->err = e;
    c->err_field = field ? arena_strdup(&c->a, field) : NULL;
    c->err_msg = NULL;
    if (fmt) {
        char tmp[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(tmp, sizeof tmp, fmt, ap);
        va_end(ap);
        c->err_msg = arena_strdup(&c->a, tmp);
    }
    return e;
}

void ctx_header(ctx *c, const char *name, const char *value) {
    if (c->nheaders == CTX_MAX_HEADERS || !value) return;
    c->hname[c->nheaders] = name;
    c->hval[c->nheaders] = value;
    c->nheaders++;
}

const char *ctx_req_header(ctx *c, const char *name) {
    return MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, name);
}

const char *ctx_param(ctx *c, const char *name) {
    for (int i = 0; i < c->nparams; i++)
        if (strcmp(c->pname[i], name) == 0) return c->pval[i];
    return NULL;
}

kerr ctx_param_id(ctx *c, const char *name, int64_t *out) {
    const char *v = ctx_param(c, name);
    int64_t x = 0;
    if (!v || !*v || strlen(v) > 18) return ctx_fail(c, E_NOT_FOUND, NULL, NULL);
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9') return ctx_fail(c, E_NOT_FOUND, NULL, NULL);
        x = x * 10 + (*p - '0');
    }
    if (x <= 0) return ctx_fail(c, E_NOT_FOUND, NULL, NULL);
    *out = x;
    return E_OK;
}

jw *ctx_json(ctx *c, int status) {
    c->status = status;
    buf_reset(&c->out);
    jw_init(&c->w, &c->out);
    return &c->w;
}

kerr ctx_no_content(ctx *c) {
    c->status = 204;
    buf_reset(&c->out);
    return E_OK;
}

kerr ctx_require(ctx *c, const char *perm, int64_t project_id) {
    if (!auth_sees_project(c->user, project_id)) return ctx_fail(c, E_NOT_FOUND, NULL, NULL);
    if (!auth_can(c->user, perm, project_id)) return ctx_fail(c, E_FORBIDDEN, NULL, NULL);
    return E_OK;
}

kerr ctx_audit(ctx *c, int64_t project_id, const char *entity, int64_t id, const char *action,
               const char *changes_json) {
    return audit_append(c->db, &c->actor, project_id, entity, id, action, changes_json, c->now);
}

int ctx_perm_projects(ctx *c, const char *perm, int64_t **ids) {
    if (auth_can_company(c->user, perm)) return -1;
    unsigned need = perm_roles(perm);
    int n = 0;
    *ids = arena_alloc(&c->a, sizeof(int64_t) * (size_t)(c->user->nroles + 1));
    if (!*ids) return 0;
    for (int i = 0; i < c->user->nroles; i++) {
        const user_role *r = &c->user->roles[i];
        if (!(r->role & need) || r->project_id == 0) continue;
        bool dup = false;
        for (int j = 0; j < n; j++) dup |= (*ids)[j] == r->project_id;
        if (!dup) (*ids)[n++] = r->project_id;
    }
    return n;
}

kerr ctx_wf_fail(ctx *c, kerr e, const wf_run *r) {
    if (!e) return E_OK;
    if (e == E_FORBIDDEN && !r->err_msg && r->t)
        return ctx_fail(c, e, r->err_field, "您的岗位不能执行「%s」", r->t->label);
    if (!r->err_msg && !r->err_field) return e;   /* the input getter has said what is wrong */
    return ctx_fail(c, e, r->err_field, "%s", r->err_msg ? r->err_msg : err_message(e));
}
