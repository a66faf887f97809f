/*
** demo.h — the demo estate loaded by `kefu demo` (and by `make run` on a new database).
*/
#ifndef KEFU_DEMO_H
#define KEFU_DEMO_H
#include "db/db.h"

/* Loads every module's demo records into a migrated, empty database (one transaction). */
kerr demo_load(db *d, char *err, size_t n);
bool demo_present(db *d);
/* The demo logins, printed by `kefu serve` on a demo database. */
const char *demo_banner(void);
#endif
