/*
** unit_util.c — helpers shared by the unit tests (see unit.h).
*/
#include "unit.h"
#include <dirent.h>
#include <unistd.h>

db *tdb_open(tdb *t) {
    memset(t, 0, sizeof *t);
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/kefu-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->dir)) return NULL;
    snprintf(t->path, sizeof t->path, "%s/test.db", t->dir);
    char err[256];
    t->d = db_open(t->path, err, sizeof err);
    if (!t->d) { fprintf(stderr, "db_open: %s\n", err); rm_dir(t->dir); return NULL; }
    int v = 0;
    if (db_migrate(t->d, &v) != E_OK ||
        db_exec(t->d, "INSERT INTO projects(id, code, name, created_at, updated_at) "
                      "VALUES (1,'T','测试',0,0)") != E_OK) {
        tdb_close(t);
        return NULL;
    }
    return t->d;
}

void rm_dir(const char *dir) {
    DIR *dh = opendir(dir);
    if (dh) {
        struct dirent *e;
        char p[600];
        while ((e = readdir(dh))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(dh);
    }
    rmdir(dir);
}

void tdb_close(tdb *t) {
    if (t->d) db_close(t->d);
    t->d = NULL;
    if (t->dir[0]) rm_dir(t->dir);
    t->dir[0] = 0;
}

int64_t tdb_count(db *d, const char *table) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
    int64_t n = -1;
    if (!db_int(d, &n, sql)) return -1;
    return n;
}

int tdb_setup(void **state) {
    tdb *t = calloc(1, sizeof *t);
    if (!t) return -1;
    if (!tdb_open(t)) { free(t); return -1; }
    *state = t;
    return 0;
}

int tdb_teardown(void **state) {
    tdb *t = *state;
    if (t) { tdb_close(t); free(t); }
    *state = NULL;
    return 0;
}
