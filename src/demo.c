/*
** demo.c — `kefu demo`: every module's demo records (module.h, in the modules' order) in one
** transaction on an empty database, marked so that `kefu serve` prints the demo logins.
*/
#include "demo.h"
#include "base/clock.h"
#include "http/module.h"
#include <stdio.h>

bool demo_present(db *d) { return db_exists(d, "SELECT 1 FROM meta WHERE key = 'demo' AND value = '1'"); }

kerr demo_load(db *d, char *err, size_t n) {
    if (db_exists(d, "SELECT 1 FROM users")) {
        snprintf(err, n, "数据库中已有用户，不能再载入演示数据（请使用新的数据库文件）");
        return E_STATE;
    }
    kerr e = db_begin(d);
    if (e) { snprintf(err, n, "载入演示数据失败：%s", db_errmsg(d)); return e; }
    e = modules_demo(d, clock_now(), err, n);
    if (!e) e = db_exec(d, "INSERT INTO meta(key, value) VALUES ('demo', '1')");
    if (!e) e = db_commit(d);
    if (e) {
        db_rollback(d);
        if (!err[0]) snprintf(err, n, "载入演示数据失败：%s", db_errmsg(d));
    }
    return e;
}

const char *demo_banner(void) { return modules_demo_notes(); }
