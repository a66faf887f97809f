/*
** complaints.h — complaints (客情记录表, SPEC C1–C7): a ticket of kind `complaint` with its
** own workflow (已登记 → 已分派 → 已答复 → 已处理 → 已回访 → 已关闭, 已作废), time limits per
** severity (000 管家职责 9: every complaint is replied to; a major one within 3 days, handled
** within 5), escalation of late ones to the supervisor and then the manager, the monthly
** summary (客户投诉汇总及处理情况表), and the in-app notifications they send.
*/
#ifndef KEFU_COMPLAINTS_H
#define KEFU_COMPLAINTS_H
#include "tickets.h"

extern const wf_def COMPLAINT_WF;
extern const code_label COMPLAINT_SEVERITIES[], COMPLAINT_TYPES_DEFAULT[];

/* The workflow of a ticket of this kind. */
const wf_def *ticket_wf(const char *kind);

/* Time limits of a severity in a project, in hours (the project's own or the defaults). */
typedef struct complaint_rule { int64_t reply, handle, callback, escalate; bool custom; } complaint_rule;
kerr complaint_rule_of(db *d, int64_t project_id, const char *severity, complaint_rule *out);

/* What POST /tickets carries for a complaint: type, severity, staff named. */
typedef struct complaint_in {
    const char *type, *severity;
    int64_t staff[16];
    int nstaff;
    bool given;          /* any complaint field was in the body */
    bool staff_given;    /* staff_ids was in the body (an empty list names nobody) */
} complaint_in;
/* The fields as given, for a change after registration: absent ones stay NULL. */
kerr complaint_read_given(ctx *c, int64_t pid, complaint_in *in);
/* Reads the complaint fields of the body (all optional) for a ticket of `kind` in project pid. */
kerr complaint_read(ctx *c, const char *kind, int64_t pid, complaint_in *in);
/* Writes the complaint row, the staff named, the reply and handling deadlines and, for a
** major complaint, the notifications; in the registration's transaction. */
kerr complaint_register(ctx *c, int64_t pid, int64_t id, const char *number, const complaint_in *in);

/* The label of a complaint type in a project (the code itself when unknown). */
kerr complaint_type_label(ctx *c, int64_t project_id, const char *code, const char **label);
/* The ticket page's complaint section ("complaint": {…}); nothing for other kinds. */
kerr complaint_details(ctx *c, int64_t id, jw *w);
/* Whether the user is named in complaint `id` (and so may not see it). */
kerr complaint_hides(ctx *c, int64_t id, bool *hides);
/* Whether any complaint names the user (lists then hide those: complaint_staff cs). */
kerr complaint_user_named(ctx *c, bool *named);
/* The roles that count for `action` on complaint id: the handler gets ROLE_HANDLER. */
#define ROLE_HANDLER (1u << 20)
kerr complaint_roles(ctx *c, int64_t pid, int64_t id, unsigned *roles);

/* POST /tickets/{id}/actions/{action} for a complaint (complaints_flow.c). */
kerr complaint_action(ctx *c, int64_t id, const char *action, int64_t version);

/* Notification `title` about complaint id (core/notify.h) to the holders of `roles` in the project,
** never to the staff it names, or to user_id alone when it is not 0. */
kerr complaint_notify(db *d, int64_t pid, int64_t id, unsigned roles, int64_t user_id, const char *kind,
                      const char *title, int64_t now);

/* The background tick's part: escalates late complaints (registered with deadline_on_tick). */
int complaints_escalate(db *d, int64_t now);

extern const route complaints_routes[];
#endif
