/*
** notify.h — in-app notifications about any record (a complaint to handle, an escalation, a
** key overdue), to one user or to the holders of some roles in the record's project.
**
**     notice n = {.project_id = pid, .entity = "ticket", .entity_id = id, .kind = "escalated",
**                 .title = "投诉 TS… 已升级", .roles = ROLE_SUPERVISOR,
**                 .exclude_sql = "SELECT user_id FROM complaint_staff WHERE ticket_id = ?"};
**     e = notify(d, &n, now);
**
** Rows of the table notifications (created by migration 0004, read by the admin module's
** /notifications routes). Runs in the caller's transaction.
*/
#ifndef KEFU_NOTIFY_H
#define KEFU_NOTIFY_H
#include "db/db.h"

typedef struct notice {
    int64_t project_id;
    const char *entity;         /* "ticket", "key" … */
    int64_t entity_id;
    const char *kind, *title;   /* "escalated"; the line the user reads */
    /* Every active user holding one of these roles in the project (company-wide holders too),
    ** never twice while an earlier one of this kind about this record is unread … */
    unsigned roles;
    /* … or this one user (roles ignored). */
    int64_t user_id;
    /* Who is never told, when sending by role: a constant SELECT of user ids with one `?`,
    ** bound to entity_id (the staff a complaint names). NULL: nobody. */
    const char *exclude_sql;
} notice;

kerr notify(db *d, const notice *n, int64_t now);
#endif
