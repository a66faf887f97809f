/*
** notifications.c — a user's in-app notifications (core/notify.h writes them): the list with the
** unread count, and marking one or all as read.
*/
#include "admin.h"
#include "http/input.h"
#include "kit/list.h"

static void notification_row(ctx *c, db_stmt *st, jw *w, void *arg) {
    (void)c, (void)arg;
    jw_int(w, "id", db_col_int(st, 0));
    jw_int(w, "project_id", db_col_int(st, 1));
    jw_str(w, "entity", db_col_text(st, 2));
    jw_int(w, "entity_id", db_col_int(st, 3));
    jw_str(w, "kind", db_col_text(st, 4));
    jw_str(w, "title", db_col_text(st, 5));
    jw_time(w, "created_at", db_col_int(st, 6));
    jw_time(w, "read_at", db_col_int(st, 7));
}

static kerr notifications_list(ctx *c) {
    page pg;
    int64_t unread = 0, nunread = 0;
    kerr e;
    if ((e = q_page(c, &pg)) || (e = q_int(c, "unread", "未读", 0, 1, 0, &unread)) ||
        (e = db_read_int(c->db, &nunread, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
                         DI(c->user->id))))
        return e;
    db_stmt *st = db_query(c->db, unread ? "SELECT id, project_id, entity, entity_id, kind, title, created_at, read_at FROM "
                                           "notifications WHERE user_id = ? AND read_at IS NULL ORDER BY id DESC LIMIT ? OFFSET ?"
                                         : "SELECT id, project_id, entity, entity_id, kind, title, created_at, read_at FROM "
                                           "notifications WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                           DI(c->user->id), DI(pg.per_page), DI(pg.offset));
    if (!st) return db_last_kerr(c->db);
    jw *w = ctx_json(c, 200);
    jw_obj(w, NULL);
    jw_int(w, "unread", nunread);
    e = json_rows(c, st, w, "items", notification_row, NULL);
    jw_end(w);
    return e;
}

/* Marks one notification (or, without {id}, all of the user's) as read. */
static kerr notifications_read(ctx *c) {
    int64_t id = 0;
    kerr e;
    if (ctx_param(c, "id") && (e = ctx_param_id(c, "id", &id))) return e;
    if (id && !db_exists(c->db, "SELECT 1 FROM notifications WHERE id = ? AND user_id = ?", DI(id), DI(c->user->id)))
        return ctx_fail(c, E_NOT_FOUND, NULL, "消息不存在");
    e = id ? db_exec(c->db, "UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL", DI(c->now), DI(id))
           : db_exec(c->db, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", DI(c->now),
                     DI(c->user->id));
    if (e) return e;
    c->status = 204;
    return E_OK;
}

const route notifications_routes[] = {
    {"GET",  "/api/v1/notifications",                 "notifications.read",  0, 0, notifications_list, NULL},
    {"POST", "/api/v1/notifications/{id}/read",       "notifications.read",  0, 1024, notifications_read, NULL},
    {"POST", "/api/v1/notifications/read-all",        "notifications.read",  0, 1024, notifications_read, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
