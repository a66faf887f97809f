/*
** db_test.c — the storage door (src/db/db.h) on a real SQLite file.
*/
#include "unit.h"
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static db *D(void **state) { return ((tdb *)*state)->d; }

static int kv_setup(void **state) {
    if (tdb_setup(state)) return -1;
    if (db_exec(D(state), "CREATE TABLE kv(id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, v TEXT, n INTEGER)")) {
        tdb_teardown(state);
        return -1;
    }
    return 0;
}

static void exec_and_read_back_typed_values(void **state) {
    db *d = D(state);
    assert_int_equal(db_exec(d, "INSERT INTO kv(k, v, n) VALUES (?,?,?)", DT("a"), DT("物业"), DI(42)), E_OK);
    assert_int_equal(db_changes(d), 1);
    assert_int_equal(db_exec(d, "INSERT INTO kv(k, v, n) VALUES (?,?,?)", DT("b"), DN, DI(INT64_MAX)), E_OK);
    assert_int_equal(db_exec(d, "INSERT INTO kv(k, v, n) VALUES (?,?,?)", DT("c"), DT(NULL), DN), E_OK);
    int64_t n = 0;
    assert_true(db_int(d, &n, "SELECT n FROM kv WHERE k = ?", DT("a")));
    assert_int_equal(n, 42);
    assert_true(db_int(d, &n, "SELECT n FROM kv WHERE k = ?", DT("b")));
    assert_int_equal(n, INT64_MAX);
    n = 7;
    assert_false(db_int(d, &n, "SELECT n FROM kv WHERE k = ?", DT("c")));   /* NULL */
    assert_false(db_int(d, &n, "SELECT n FROM kv WHERE k = ?", DT("zz")));  /* no row */
    assert_int_equal(n, 7);
    arena a;
    arena_init(&a, 0);
    assert_string_equal(db_text(d, &a, "SELECT v FROM kv WHERE n = ?", DI(42)), "物业");
    assert_null(db_text(d, &a, "SELECT v FROM kv WHERE k = ?", DT("b")));
    assert_null(db_text(d, &a, "SELECT v FROM kv WHERE k = ?", DT("zz")));
    arena_free(&a);
    assert_true(db_exists(d, "SELECT 1 FROM kv WHERE v IS NULL AND k = ?", DT("c")));
    assert_false(db_exists(d, "SELECT 1 FROM kv WHERE k = ?", DT("zz")));
    assert_true(db_int(d, &n, "SELECT COUNT(*) FROM kv"));
    assert_int_equal(n, 3);
}

static void query_columns_and_null(void **state) {
    db *d = D(state);
    assert_int_equal(db_exec(d, "INSERT INTO kv(k, v, n) VALUES ('x', NULL, 5)"), E_OK);
    db_stmt *st = db_query(d, "SELECT k, v, n AS num FROM kv WHERE n > ?", DI(1));
    assert_non_null(st);
    assert_int_equal(db_col_count(st), 3);
    assert_string_equal(db_col_name(st, 2), "num");
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "x");
    assert_true(db_col_is_null(st, 1));
    assert_null(db_col_text(st, 1));
    assert_false(db_col_is_null(st, 2));
    assert_int_equal(db_col_int(st, 2), 5);
    assert_int_equal(db_step(st), DB_DONE);
    db_finish(st);
}

static void bad_sql_returns_null_and_internal(void **state) {
    db *d = D(state);
    assert_null(db_prepare(d, "SELEKT nonsense"));
    assert_int_not_equal(db_exec(d, "INSERT INTO no_such_table VALUES (1)"), E_OK);
}

static void cached_statement_is_reused_after_finish(void **state) {
    db *d = D(state);
    const char *sql = "SELECT COUNT(*) FROM kv WHERE n >= ?";
    db_exec(d, "INSERT INTO kv(k, n) VALUES ('a', 1), ('b', 2), ('c', 3)");
    db_stmt *s1 = db_prepare(d, sql);
    assert_non_null(s1);
    db_bind_int(s1, 1, 2);
    assert_int_equal(db_step(s1), DB_ROW);
    assert_int_equal(db_col_int(s1, 0), 2);
    db_finish(s1);
    db_stmt *s2 = db_prepare(d, sql);
    assert_ptr_equal(s2, s1);                 /* same cached statement */
    db_bind_int(s2, 1, 1);                    /* bindings were cleared and rebound */
    assert_int_equal(db_step(s2), DB_ROW);
    assert_int_equal(db_col_int(s2, 0), 3);
    db_finish(s2);
    /* the reset cleared the old binding: unbound ? is NULL, nothing is >= NULL */
    db_stmt *s3 = db_prepare(d, sql);
    assert_int_equal(db_step(s3), DB_ROW);
    assert_int_equal(db_col_int(s3, 0), 0);
    db_finish(s3);
}

static void nested_use_of_same_sql_works(void **state) {
    db *d = D(state);
    const char *sql = "SELECT k FROM kv WHERE n >= ? ORDER BY n";
    db_exec(d, "INSERT INTO kv(k, n) VALUES ('a', 1), ('b', 2), ('c', 3)");
    db_stmt *outer = db_query(d, sql, DI(1));
    assert_non_null(outer);
    char seen[64] = "";
    int rows = 0;
    while (db_step(outer) == DB_ROW) {
        rows++;
        strcat(seen, db_col_text(outer, 0));
        db_stmt *inner = db_query(d, sql, DI(3));
        assert_non_null(inner);
        assert_ptr_not_equal(inner, outer);
        assert_int_equal(db_step(inner), DB_ROW);
        assert_string_equal(db_col_text(inner, 0), "c");
        assert_int_equal(db_step(inner), DB_DONE);
        db_finish(inner);
    }
    db_finish(outer);
    assert_int_equal(rows, 3);
    assert_string_equal(seen, "abc");
    /* and the cached one still works afterwards */
    arena a;
    arena_init(&a, 0);
    assert_string_equal(db_text(d, &a, sql, DI(2)), "b");
    arena_free(&a);
}

static void unique_violation_is_duplicate(void **state) {
    db *d = D(state);
    assert_int_equal(db_exec(d, "INSERT INTO kv(k) VALUES (?)", DT("same")), E_OK);
    assert_int_equal(db_exec(d, "INSERT INTO kv(k) VALUES (?)", DT("same")), E_DUPLICATE);
    assert_int_equal(db_last_kerr(d), E_DUPLICATE);
    assert_int_equal(db_exec(d, "INSERT INTO kv(id, k) VALUES (1, 'other')"), E_DUPLICATE);
    /* a NOT NULL failure is not a duplicate */
    assert_int_equal(db_exec(d, "INSERT INTO kv(k) VALUES (NULL)"), E_INTERNAL);
    assert_int_equal(db_last_kerr(d), E_INTERNAL);
}

static void rollback_discards_and_commit_keeps(void **state) {
    db *d = D(state);
    assert_false(db_in_tx(d));
    assert_int_equal(db_begin(d), E_OK);
    assert_true(db_in_tx(d));
    db_exec(d, "INSERT INTO kv(k) VALUES ('gone')");
    assert_int_equal(tdb_count(d, "kv"), 1);
    db_rollback(d);
    assert_false(db_in_tx(d));
    assert_int_equal(tdb_count(d, "kv"), 0);
    assert_int_equal(db_begin(d), E_OK);
    db_exec(d, "INSERT INTO kv(k) VALUES ('kept')");
    assert_int_equal(db_commit(d), E_OK);
    assert_false(db_in_tx(d));
    assert_int_equal(tdb_count(d, "kv"), 1);
    db_rollback(d);   /* no transaction: harmless */
    assert_int_equal(tdb_count(d, "kv"), 1);
}

/* A read transaction keeps one snapshot while another connection commits. */
static void read_transaction_sees_one_snapshot(void **state) {
    tdb *t = *state;
    char err[256];
    db *w = db_open(t->path, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(db_exec(w, "INSERT INTO kv(k) VALUES ('one')"), E_OK);
    assert_int_equal(db_begin_read(t->d), E_OK);
    assert_true(db_in_tx(t->d));
    assert_int_equal(tdb_count(t->d, "kv"), 1);
    assert_int_equal(db_exec(w, "INSERT INTO kv(k) VALUES ('two')"), E_OK);
    assert_int_equal(tdb_count(t->d, "kv"), 1);      /* still the old snapshot */
    db_end_read(t->d);
    assert_false(db_in_tx(t->d));
    assert_int_equal(tdb_count(t->d, "kv"), 2);
    db_close(w);
}

static void committed_rows_survive_reopen(void **state) {
    tdb *t = *state;
    db_exec(t->d, "INSERT INTO kv(k, v) VALUES ('p', '持久')");
    db_close(t->d);
    char err[256];
    t->d = db_open(t->path, err, sizeof err);
    assert_non_null(t->d);
    arena a;
    arena_init(&a, 0);
    assert_string_equal(db_text(t->d, &a, "SELECT v FROM kv WHERE k = 'p'"), "持久");
    arena_free(&a);
}

static void copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) assert_int_equal(fwrite(chunk, 1, n, out), n);
    fclose(in);
    fclose(out);
}

/* What a crash would leave (the files as the operating system holds them, no -shm), opened
** elsewhere: the rows of kv there. */
static int64_t rows_after_crash(tdb *t) {
    char db_copy[400], wal[320], wal_copy[420], err[256];
    snprintf(db_copy, sizeof db_copy, "%s/crash.db", t->dir);
    snprintf(wal, sizeof wal, "%s-wal", t->path);
    snprintf(wal_copy, sizeof wal_copy, "%s-wal", db_copy);
    unlink(wal_copy);
    copy_file(t->path, db_copy);
    copy_file(wal, wal_copy);
    db *c = db_open(db_copy, err, sizeof err);
    assert_non_null(c);
    int64_t n = tdb_count(c, "kv");
    db_close(c);
    unlink(wal_copy);
    unlink(db_copy);
    return n;
}

/* The WAL frames SQLite appends wait in a buffer (src/db/sqlite_vfs.c) until the commit frame:
** when COMMIT returns they are in the file, all of them (this commit's are over 128 KiB, more
** than the unix VFS writes in one call); an open transaction's are not needed there. With
** synchronous=NORMAL, as the server's writer runs (no fsync at COMMIT to write them out). */
static void committed_frames_are_in_the_wal_file(void **state) {
    tdb *t = *state;
    db *d = t->d;
    assert_int_equal(db_exec(d, "PRAGMA synchronous=NORMAL"), E_OK);
    char v[1200];
    memset(v, 'x', sizeof v - 1);
    v[sizeof v - 1] = 0;
    assert_int_equal(db_begin(d), E_OK);
    for (int i = 0; i < 400; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        assert_int_equal(db_exec(d, "INSERT INTO kv(k, v) VALUES (?, ?)", DT(k), DT(v)), E_OK);
    }
    assert_int_equal(db_commit(d), E_OK);
    assert_int_equal(rows_after_crash(t), 400);
    assert_int_equal(db_begin(d), E_OK);
    assert_int_equal(db_exec(d, "INSERT INTO kv(k, v) VALUES ('open', ?)", DT(v)), E_OK);
    assert_int_equal(rows_after_crash(t), 400);
    assert_int_equal(db_commit(d), E_OK);
    assert_int_equal(rows_after_crash(t), 401);
}

static void migrate_is_idempotent(void **state) {
    db *d = D(state);
    assert_true(db_latest_migration() >= 1);
    assert_int_equal(db_schema_version(d), db_latest_migration());
    int v = -5;
    assert_int_equal(db_migrate(d, &v), E_OK);
    assert_int_equal(v, db_latest_migration());
    assert_int_equal(db_migrate(d, &v), E_OK);
    assert_int_equal(v, db_latest_migration());
    assert_int_equal(tdb_count(d, "schema_migrations"), db_latest_migration());
    assert_int_equal(tdb_count(d, "projects"), 1);   /* data untouched */
    assert_string_equal(db_backend_name(d), "sqlite");
}

static void schema_version_of_empty_db_is_minus_one(void **state) {
    (void)state;
    char dir[] = "/tmp/kefu-unit-XXXXXX", path[64], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/empty.db", dir);
    db *d = db_open(path, err, sizeof err);
    assert_non_null(d);
    assert_int_equal(db_schema_version(d), -1);
    db_close(d);
    rm_dir(dir);
}

static void open_fails_with_message(void **state) {
    (void)state;
    char err[256] = "";
    db *d = db_open("/nonexistent-dir-kefu/x/y.db", err, sizeof err);
    assert_null(d);
    assert_true(strlen(err) > 0);
}

static void backup_has_same_rows(void **state) {
    tdb *t = *state;
    char key[16], err[256] = "", dest[320];
    for (int i = 0; i < 25; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(db_exec(t->d, "INSERT INTO kv(k, n) VALUES (?, ?)", DT(key), DI(i)), E_OK);
    }
    snprintf(dest, sizeof dest, "%s/backup.db", t->dir);
    assert_int_equal(db_backup(t->d, dest, err, sizeof err), E_OK);
    assert_int_equal(access(dest, F_OK), 0);
    db *b = db_open(dest, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(tdb_count(b, "kv"), 25);
    assert_int_equal(tdb_count(b, "projects"), 1);
    assert_int_equal(db_schema_version(b), db_latest_migration());
    int64_t sum = 0;
    assert_true(db_int(b, &sum, "SELECT SUM(n) FROM kv"));
    assert_int_equal(sum, 300);
    db_close(b);
}

static void foreign_key_check_finds_dangling_reference(void **state) {
    db *d = D(state);
    char report[512] = "x";
    assert_int_equal(db_check_foreign_keys(d, report, sizeof report), 0);
    /* with foreign keys on, the dangling insert is refused */
    assert_int_not_equal(db_exec(d, "INSERT INTO deadlines(project_id, entity, entity_id, kind, due_at, "
                                    "created_at) VALUES (99, 'x', 1, 'k', 0, 0)"), E_OK);
    assert_int_equal(db_exec(d, "PRAGMA foreign_keys=OFF"), E_OK);
    assert_int_equal(db_exec(d, "INSERT INTO deadlines(project_id, entity, entity_id, kind, due_at, "
                                "created_at) VALUES (99, 'x', 1, 'k', 0, 0)"), E_OK);
    assert_int_equal(db_exec(d, "PRAGMA foreign_keys=ON"), E_OK);
    assert_int_equal(db_check_foreign_keys(d, report, sizeof report), 1);
    assert_non_null(strstr(report, "deadlines"));
    assert_non_null(strstr(report, "projects"));
}

/* ---- the pool's writer thread ---- */

static atomic_int writes_in_flight;

static kerr insert_row(db *w, void *arg, bool *keep) {
    char k[24], v[800];
    snprintf(k, sizeof k, "w%ld", (long)(intptr_t)arg);
    memset(v, 'v', sizeof v - 1);
    v[sizeof v - 1] = 0;
    kerr e = db_exec(w, "INSERT INTO kv(k, v) VALUES (?, ?)", DT(k), DT(v));
    *keep = e == E_OK;
    return e;
}

static void write_finished(void *arg, kerr result, kerr commit) {
    (void)arg;
    assert_int_equal(result, E_OK);
    assert_int_equal(commit, E_OK);
    atomic_fetch_sub(&writes_in_flight, 1);
}

static off_t file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : 0;
}

/* With writes queued all the time (64 in flight) the writer thread runs batch after batch,
** and SQLite would never start the WAL over: it grew without end (src/db/pool.c, the
** checkpointer). Checkpoints every 64 pages here: the WAL stayed at 1–2 MB, where without
** the checkpointer's last pass (the writer held) it took 13 MB, more than every row written. */
static void wal_starts_over_under_continuous_writes(void **state) {
    tdb *t = *state;
    char err[256], wal[320];
    snprintf(wal, sizeof wal, "%s-wal", t->path);
    db_pool_set_checkpoint_pages(64);
    assert_true(db_pool_init(t->path, err, sizeof err));
    assert_true(db_pool_queues_writes());
    off_t most = 0;
    enum { WRITES = 10000 };
    for (long i = 0; i < WRITES; i++) {
        while (atomic_load(&writes_in_flight) >= 64) nanosleep(&(struct timespec){0, 20000}, NULL);
        atomic_fetch_add(&writes_in_flight, 1);
        assert_true(db_pool_write_async(insert_row, (void *)(intptr_t)i, false, write_finished));
        if (i % 64 == 0 && file_size(wal) > most) most = file_size(wal);
    }
    while (atomic_load(&writes_in_flight) > 0) nanosleep(&(struct timespec){0, 100000}, NULL);
    db_pool_close();
    db_pool_set_checkpoint_pages(16000);
    assert_int_equal(tdb_count(t->d, "kv"), WRITES);
    fprintf(stderr, "  WAL at most %lld KB for %lld KB of rows\n", (long long)most / 1024, WRITES * 800LL / 1024);
    assert_true(most < 4 * 1024 * 1024);
}

/* db_fault_arm: the n-th step (of statements holding the text) fails once, as E_BUSY or
** E_INTERNAL, and is remembered as the connection's step error; the others run. */
static void injected_fault_fails_one_step(void **state) {
    db *d = D(state);
    assert_int_equal(db_exec(d, "INSERT INTO kv(k, n) VALUES ('a', 1), ('b', 2), ('c', 3)"), E_OK);
    db_step_error_clear(d);
    db_fault_arm(d, 2, NULL, E_BUSY);
    db_stmt *st = db_query(d, "SELECT n FROM kv ORDER BY n");
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_step(st), DB_ERROR);            /* the second step */
    assert_int_equal(db_last_kerr(d), E_BUSY);
    assert_int_equal(db_step_error(d), E_BUSY);
    assert_int_equal(db_step(st), DB_ROW);              /* transient: the next one runs */
    db_finish(st);
    assert_true(db_fault_disarm(d));
    assert_int_equal(db_last_kerr(d), E_INTERNAL);      /* SQLite's own word again (no error) */
    int64_t n = 0;
    db_fault_arm(d, 1, "WHERE k = ?", E_INTERNAL);
    assert_int_equal(db_read_int(d, &n, "SELECT COUNT(*) FROM kv"), E_OK);   /* not matching: runs */
    assert_int_equal(n, 3);
    assert_int_equal(db_read_int(d, &n, "SELECT n FROM kv WHERE k = ?", DT("b")), E_INTERNAL);
    assert_true(db_fault_disarm(d));
    assert_int_equal(db_read_int(d, &n, "SELECT n FROM kv WHERE k = ?", DT("b")), E_OK);
    assert_int_equal(n, 2);
    assert_int_equal(db_read_int(d, &n, "SELECT n FROM kv WHERE k = ?", DT("zz")), E_NOT_FOUND);
    bool found = true;
    assert_int_equal(db_read_exists(d, &found, "SELECT 1 FROM kv WHERE k = ?", DT("zz")), E_OK);
    assert_false(found);
    db_fault_arm(d, 5, NULL, E_BUSY);
    assert_false(db_fault_disarm(d));                   /* armed, never reached */
    db_step_error_clear(d);
    assert_int_equal(db_step_error(d), E_OK);
}

int test_db(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(exec_and_read_back_typed_values, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(query_columns_and_null, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(injected_fault_fails_one_step, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(bad_sql_returns_null_and_internal, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(cached_statement_is_reused_after_finish, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(nested_use_of_same_sql_works, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(unique_violation_is_duplicate, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(rollback_discards_and_commit_keeps, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(read_transaction_sees_one_snapshot, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(committed_rows_survive_reopen, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(migrate_is_idempotent, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(committed_frames_are_in_the_wal_file, kv_setup, tdb_teardown),
        cmocka_unit_test(schema_version_of_empty_db_is_minus_one),
        cmocka_unit_test(open_fails_with_message),
        cmocka_unit_test_setup_teardown(backup_has_same_rows, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(foreign_key_check_finds_dangling_reference, kv_setup, tdb_teardown),
        cmocka_unit_test_setup_teardown(wal_starts_over_under_continuous_writes, kv_setup, tdb_teardown),
    };
    return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
