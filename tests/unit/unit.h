/*
** unit.h — shared includes and helpers of the cmocka unit tests (build/unit_tests).
**
** Each tests/unit/<area>_test.c defines `int test_<area>(void)` running one cmocka group;
** main.c calls them all. DB-backed tests use a real SQLite file in a mkdtemp directory,
** migrated, with project 1 ('T', '测试') inserted.
*/
#ifndef KEFU_UNIT_H
#define KEFU_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "core/audit.h"
#include "base/buf.h"
#include "base/clock.h"
#include "core/crypto.h"
#include "core/deadline.h"
#include "base/err.h"
#include "base/jw.h"
#include "core/money.h"
#include "core/perm.h"
#include "core/qb.h"
#include "core/seq.h"
#include "core/workflow.h"
#include "db/db.h"

/* A migrated database in its own temporary directory. */
typedef struct tdb {
    char dir[256];
    char path[300];
    db *d;
} tdb;

/* Creates the directory and the database, migrates it, inserts project 1. NULL on failure. */
db *tdb_open(tdb *t);
/* Closes the database and removes the directory with everything in it. */
void tdb_close(tdb *t);
/* Removes every file of a directory, then the directory. */
void rm_dir(const char *dir);
/* Count of rows of a table (or -1). */
int64_t tdb_count(db *d, const char *table);

/* cmocka setup/teardown helpers for a per-test tdb in *state. */
int tdb_setup(void **state);
int tdb_teardown(void **state);

/* 2026-11-25T09:00:00+08:00 */
#define T_20261125_0900 INT64_C(1795568400)

int test_arena(void);
int test_json(void);
int test_router(void);
int test_money(void);
int test_clock(void);
int test_workflow(void);
int test_sheet(void);
int test_deadline(void);
int test_audit(void);
int test_seq(void);
int test_perm(void);
int test_module(void);
int test_fees_calc(void);
int test_qb(void);
int test_db(void);
#endif
