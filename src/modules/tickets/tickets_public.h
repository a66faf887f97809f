/*
** tickets_public.h — what other modules may use of the tickets module: registering a ticket
** from a request body (a visit's request becomes a repair), the kinds and categories with their
** labels, and a ticket's state label. Everything else of tickets.h stays inside the folder.
*/
#ifndef KEFU_TICKETS_PUBLIC_H
#define KEFU_TICKETS_PUBLIC_H
#include "http/ctx.h"
#include "kit/codes.h"

extern const code_label TICKET_KINDS[], REPAIR_CATEGORIES[];
bool ticket_is_repair(const char *kind);   /* public_repair, home_repair, service */
/* Registers a ticket from the request body (the fields of POST /tickets, read from c->json)
** in the caller's write transaction: number, first event, deadlines, audit. */
kerr ticket_register(ctx *c, int64_t *id);
/* The Chinese label of a ticket's state (its kind picks the workflow). */
const char *ticket_state_label(const char *kind, const char *state);
#endif
