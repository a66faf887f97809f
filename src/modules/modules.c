/*
** modules.c — the list of route tables the router serves. A new module adds its table here.
*/
#include "modules.h"
#include "complaints.h"
#include "../core/deadline.h"

const route *const all_routes[] = {
    system_routes, auth_routes, users_routes, projects_routes,
    buildings_routes, units_routes, people_routes, imports_routes, tickets_routes, reviews_routes, visits_routes,
    complaints_routes, notifications_routes, NULL,
};

/* Work the modules add to the deadline tick. */
void modules_init(void) { deadline_on_tick(complaints_escalate); }
