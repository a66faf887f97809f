/*
** modules.c — the list of route tables the router serves. A new module adds its table here.
*/
#include "modules.h"

const route *const all_routes[] = {
    system_routes, auth_routes, users_routes, projects_routes,
    buildings_routes, units_routes, people_routes, imports_routes, tickets_routes, reviews_routes, NULL,
};
