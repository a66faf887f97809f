/*
** demo.h — the demo estate loaded by `kefu demo` (and by `make run` on a new database).
*/
#ifndef KEFU_DEMO_H
#define KEFU_DEMO_H
#include "db/db.h"

#define DEMO_PASSWORD "demo1234"
/* Loads the demo company, projects and users into a migrated, empty database. */
kerr demo_load(db *d, char *err, size_t n);
bool demo_present(db *d);
/* The estate of one project (demo_archive.c). */
kerr demo_archive(db *d, int64_t project_id, int64_t now);
/* The visits, plan and callback quotas of project 1 (demo_visits.c). */
kerr demo_visits(db *d, int64_t now);
/* The banner printed by `kefu serve` on a demo database (static text). */
const char *demo_banner(void);
#endif
