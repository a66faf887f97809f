/*
** seq.h — document numbers without gaps, taken inside the document's own transaction.
*/
#ifndef KEFU_SEQ_H
#define KEFU_SEQ_H
#include <stddef.h>
#include <stdint.h>
#include "db/db.h"

/* Next number of `prefix` in project for the office-local day of `now`:
** "BX20261125-0007" into out. Numbers restart each day; a rolled-back transaction
** gives its number back, so numbers have no gaps. */
kerr seq_next_daily(db *d, int64_t project_id, const char *prefix, int64_t now, char *out, size_t n);
/* Plain counter per project and name (receipts): returns 1, 2, 3 … in *value. */
kerr seq_next(db *d, int64_t project_id, const char *name, const char *period, int64_t *value);
#endif
