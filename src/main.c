/*
** main.c — subcommand dispatch: serve, init, demo, user, backup, check, version, and the modules' own
** commands (http/module.h module_cmd: kefu bill-run).
*/
#include "cli.h"
#include "demo.h"
#include "version.h"
#include "core/audit.h"
#include "base/clock.h"
#include "core/crypto.h"
#include "core/password.h"
#include "core/perm.h"
#include "db/db.h"
#include "http/module.h"
#include "http/server.h"
#include "http/session.h"
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const audit_actor cli_actor = {0, "命令行", ""};

/* mkdir -p of the directory that will hold path. */
static void make_parent(const char *path) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    char *dir = dirname(tmp);
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') { *p = 0; mkdir(dir, 0750); *p = '/'; }
    mkdir(dir, 0750);
}

/* Opens (creating a SQLite file if needed) and migrates a database; NULL after printing why. */
static db *open_target(const char *target) {
    char err[512];
    if (!db_target_is_pg(target)) make_parent(target);
    db *d = db_open(target, err, sizeof err);
    if (!d) { fprintf(stderr, "kefu: %s\n", err); return NULL; }
    int v = 0;
    if (db_migrate(d, &v)) {
        fprintf(stderr, "kefu: 数据库迁移失败（%s）\n", target);
        db_close(d);
        return NULL;
    }
    return d;
}

static db *open_db(const cli *c) { return open_target(cli_target(c)); }

/* SQLite answers from this process: more threads than cores only add switching. A thread on
** PostgreSQL mostly waits for the server, and the more wait together the larger the shared
** read batches (postgres.c). A thread also serves its connections one request at a time, so
** while it waits the others on it wait too: 64 (one per connection of a busy front end) gave
** /projects about 6 % more than 32 in interleaved runs here. */
static int serve_threads(const cli *c) {
    if (c->num[OPT_THREADS]) return (int)c->num[OPT_THREADS];
    return db_target_is_pg(cli_target(c)) ? 64 : 4;
}

/* A command-line option's value by its long name, for the modules' start hooks. */
static const cli *serve_cli;
static const char *serve_opt(const char *name) {
    for (int i = 0; i < OPT_COUNT; i++)
        if (!strcmp(cli_opt_name(i), name)) return serve_cli->str[i];
    return NULL;
}

/* The registry checked, then every module's start hook; false (exit 2) after saying why. */
static bool start_modules(const cli *c) {
    char err[512];
    if (!modules_validate(err, sizeof err)) {
        fprintf(stderr, "kefu: 模块注册有误，无法启动：%s\n", err);
        return false;
    }
    serve_cli = c;
    if (!modules_start(serve_opt, err, sizeof err)) { fprintf(stderr, "kefu: %s\n", err); return false; }
    return true;
}

static int cmd_serve(const cli *c) {
    const char *dur = c->str[OPT_DURABILITY];
    if (strcmp(dur, "full") && strcmp(dur, "off")) {
        fprintf(stderr, "kefu: --durability 应为 full 或 off\n");
        return 2;
    }
    if (!start_modules(c)) return 2;
    db_set_durable(!strcmp(dur, "full"));
    db_pool_set_group_commit(!c->num[OPT_NO_GROUP_COMMIT]);
    db_pool_set_read_lanes((int)c->num[OPT_READ_LANES]);
    db *d = open_db(c);
    if (!d) return 1;
    bool demo = demo_present(d);
    db_close(d);
    char err[512];
    if (!db_pool_init(cli_target(c), err, sizeof err)) { fprintf(stderr, "kefu: %s\n", err); return 1; }
    server_config cfg = {
        .listen = c->str[OPT_LISTEN], .web_dir = c->str[OPT_WEB], .threads = serve_threads(c),
        .test_clock = c->num[OPT_TEST_CLOCK], .secure_cookie = c->num[OPT_SECURE_COOKIE],
        .trust_proxy = c->num[OPT_TRUST_PROXY], .tick_seconds = (int)c->num[OPT_TICK],
        .idle_timeout = (int)c->num[OPT_IDLE_TIMEOUT], .max_conn_per_ip = (int)c->num[OPT_MAX_CONN_PER_IP],
        .demo_banner = demo ? demo_banner() : NULL,
        .job = modules_job, .job_ms = 50,
    };
    if (access(cfg.web_dir, R_OK) != 0)
        fprintf(stderr, "kefu: 网页目录 %s 不存在，只提供 API（先运行 make 构建网页）\n", cfg.web_dir);
    int rc = server_run(&cfg, modules_route_tables());
    db_pool_close();
    fprintf(stderr, "kefu: stopped\n");
    return rc;
}

static kerr insert_user(db *d, const char *username, const char *name, const char *pw, unsigned role,
                        int64_t project, bool must_change) {
    char hash[256];
    int64_t now = clock_now(), uid = 0;
    if (!crypto_password_hash(pw, hash, sizeof hash)) return E_INTERNAL;
    kerr e = db_begin(d);
    if (e) return e;
    if (db_insert(d, &uid, "INSERT INTO users(username, display_name, password_hash, must_change_password, "
                         "created_at, updated_at) VALUES (?,?,?,?,?,?)",
                DT(username), DT(name), DT(hash), DI(must_change), DI(now), DI(now)))
        e = db_last_kerr(d);
    if (!e) e = db_exec(d, "INSERT INTO user_roles(user_id, project_id, role, created_at) VALUES (?,?,?,?)",
                        DI(uid), project ? DI(project) : DN, DT(role_name(role)), DI(now));
    if (!e) e = audit_append(d, &cli_actor, project, "user", uid, "create", "{\"source\":\"cli\"}", now);
    if (!e) e = db_commit(d);
    if (e) db_rollback(d);
    return e;
}

static int cmd_init(const cli *c) {
    db *d = open_db(c);
    if (!d) return 1;
    if (db_exists(d, "SELECT 1 FROM users")) {
        fprintf(stderr, "kefu: 数据库 %s 已初始化（已有用户），未做任何改动\n", cli_target(c));
        db_close(d);
        return 1;
    }
    char pw[16];
    crypto_password_generate(pw, sizeof pw);
    kerr e = db_exec(d, "INSERT INTO company(id, name, created_at) VALUES (1, '物业服务公司', ?) "
                        "ON CONFLICT(id) DO NOTHING", DI(clock_now()));
    if (!e) e = insert_user(d, "admin", "系统管理员", pw, ROLE_ADMIN, 0, true);
    db_close(d);
    if (e) { fprintf(stderr, "kefu: 初始化失败\n"); return 1; }
    printf("数据库已创建：%s\n管理员账号：admin\n初始密码：%s\n（只显示这一次；首次登录后须修改密码）\n",
           cli_target(c), pw);
    return 0;
}

static int cmd_demo(const cli *c) {
    db *d = open_db(c);
    if (!d) return 1;
    if (demo_present(d)) { printf("演示数据已存在：%s\n", cli_target(c)); db_close(d); return 0; }
    char err[512];
    kerr e = demo_load(d, err, sizeof err);
    db_close(d);
    if (e) { fprintf(stderr, "kefu: %s\n", err); return 1; }
    printf("演示数据已载入：%s%s", cli_target(c), demo_banner());
    return 0;
}

/* Reads a password from stdin (first line), or generates one when !from_stdin. */
static bool get_password(bool from_stdin, char *pw, size_t n, bool *generated) {
    *generated = !from_stdin;
    if (!from_stdin) { crypto_password_generate(pw, n); return true; }
    if (!fgets(pw, (int)n, stdin)) return false;
    pw[strcspn(pw, "\r\n")] = 0;
    return true;
}

static bool pw_ok(const char *username, const char *pw) {
    const char *why = password_problem(username, pw);
    if (why) fprintf(stderr, "kefu: %s\n", why);
    return !why;
}

static int user_add(const cli *c, db *d) {
    unsigned role = role_from_name(c->str[OPT_ROLE]);
    if (c->npos < 2) { fprintf(stderr, "kefu: 用法 kefu user add NAME --role ROLE\n"); return 2; }
    if (!role) { fprintf(stderr, "kefu: 请用 --role 指定角色（kefu user --help 列出可用角色）\n"); return 2; }
    int64_t pid = c->num[OPT_PROJECT];
    if (pid && !db_exists(d, "SELECT 1 FROM projects WHERE id = ?", DI(pid))) {
        fprintf(stderr, "kefu: 管理处 %lld 不存在\n", (long long)pid);
        return 1;
    }
    char pw[256];
    bool gen;
    if (!get_password(c->num[OPT_PASSWORD_STDIN], pw, sizeof pw, &gen) || !pw_ok(c->pos[1], pw)) return 1;
    const char *name = c->str[OPT_NAME] ? c->str[OPT_NAME] : c->pos[1];
    kerr e = insert_user(d, c->pos[1], name, pw, role, pid, gen);
    if (e == E_DUPLICATE) { fprintf(stderr, "kefu: 用户名 %s 已存在\n", c->pos[1]); return 1; }
    if (e) { fprintf(stderr, "kefu: 添加用户失败：%s\n", db_errmsg(d)); return 1; }
    printf("已添加用户 %s（%s）\n", c->pos[1], role_label(role));
    if (gen) printf("初始密码：%s（只显示这一次；首次登录后须修改）\n", pw);
    return 0;
}

static int user_passwd(const cli *c, db *d) {
    if (c->npos < 2) { fprintf(stderr, "kefu: 用法 kefu user passwd NAME [--password-stdin]\n"); return 2; }
    char pw[256], hash[256];
    bool gen;
    if (!get_password(c->num[OPT_PASSWORD_STDIN], pw, sizeof pw, &gen) || !pw_ok(c->pos[1], pw)) return 1;
    if (!crypto_password_hash(pw, hash, sizeof hash)) return 1;
    int64_t uid = 0, now = clock_now();
    if (!db_int(d, &uid, "SELECT id FROM users WHERE username = ?", DT(c->pos[1]))) {
        fprintf(stderr, "kefu: 用户 %s 不存在\n", c->pos[1]);
        return 1;
    }
    kerr e = db_begin(d);
    if (!e) e = db_exec(d, "UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ?, "
                           "version = version + 1 WHERE id = ?", DT(hash), DI(gen), DI(now), DI(uid));
    if (!e) e = session_end_all_db(d, uid, 0, "password_reset", 0, now);   /* sessions, tokens; servers forget them */
    if (!e) e = audit_append(d, &cli_actor, 0, "user", uid, "reset_password", "{\"source\":\"cli\"}", now);
    if (!e) e = db_commit(d);
    if (e) { db_rollback(d); fprintf(stderr, "kefu: 修改密码失败\n"); return 1; }
    printf("已修改 %s 的密码%s%s\n", c->pos[1], gen ? "，新密码：" : "", gen ? pw : "");
    return 0;
}

static int user_list(db *d) {
    db_stmt *st = db_query(d, "SELECT u.id, u.username, u.display_name, u.disabled, "
                              "COALESCE(p.name, '全公司'), r.role FROM users u "
                              "LEFT JOIN user_roles r ON r.user_id = u.id LEFT JOIN projects p ON p.id = r.project_id "
                              "ORDER BY u.id, r.id");
    if (!st) return 1;
    printf("%-4s %-14s %-10s %-6s %s\n", "ID", "用户名", "姓名", "状态", "角色");
    while (db_step(st) == DB_ROW)
        printf("%-4lld %-14s %-10s %-6s %s·%s\n", (long long)db_col_int(st, 0), db_col_text(st, 1),
               db_col_text(st, 2), db_col_int(st, 3) ? "停用" : "启用",
               db_col_text(st, 4) ? db_col_text(st, 4) : "", db_col_text(st, 5) ?
               role_label(role_from_name(db_col_text(st, 5))) : "无角色");
    db_finish(st);
    return 0;
}

static int cmd_user(const cli *c) {
    if (c->npos < 1) { cli_help(c); return 2; }
    db *d = open_db(c);
    if (!d) return 1;
    int rc;
    if (!strcmp(c->pos[0], "add")) rc = user_add(c, d);
    else if (!strcmp(c->pos[0], "passwd")) rc = user_passwd(c, d);
    else if (!strcmp(c->pos[0], "list")) rc = user_list(d);
    else { fprintf(stderr, "kefu: 未知的 user 子命令「%s」（add、passwd、list）\n", c->pos[0]); rc = 2; }
    db_close(d);
    return rc;
}

static int cmd_backup(const cli *c) {
    if (c->npos < 1) { fprintf(stderr, "kefu: 用法 kefu backup DEST\n"); return 2; }
    const char *dest = c->pos[0], *target = cli_target(c);
    if (access(dest, F_OK) == 0) { fprintf(stderr, "kefu: %s 已存在，不会覆盖\n", dest); return 1; }
    if (!db_target_is_pg(target) && access(target, R_OK) != 0) {
        fprintf(stderr, "kefu: 数据库 %s 不存在\n", target);
        return 1;
    }
    db *d = open_db(c);
    if (!d) return 1;
    char err[512];
    kerr e = db_backup(d, dest, err, sizeof err);
    db_close(d);
    if (e) { fprintf(stderr, "kefu: %s\n", err); unlink(dest); return 1; }
    struct stat sb;
    stat(dest, &sb);
    printf("已备份到 %s（%lld 字节%s）\n", dest, (long long)sb.st_size,
           db_target_is_pg(target) ? "，pg_dump 自定义格式，用 pg_restore 恢复" : "");
    return 0;
}

/* kefu migrate --from sqlite:PATH --to pg:CONNINFO */
static int cmd_migrate(const cli *c) {
    const char *from = c->str[OPT_FROM], *to = c->str[OPT_TO];
    if (!from || !to || strncmp(from, "sqlite:", 7) != 0 || strncmp(to, "pg:", 3) != 0) {
        fprintf(stderr, "kefu: 用法 kefu migrate --from sqlite:PATH --to pg:CONNINFO\n");
        return 2;
    }
    if (access(from + 7, R_OK) != 0) { fprintf(stderr, "kefu: 源数据库 %s 不存在\n", from + 7); return 1; }
    db *src = open_target(from + 7);
    db *dst = src ? open_target(to) : NULL;
    if (!src || !dst) { db_close(src); return 1; }
    char report[8192];
    kerr e = db_copy(src, dst, report, sizeof report);
    db_close(src);
    db_close(dst);
    if (e) { fprintf(stderr, "kefu: %s\n", report); return 1; }
    printf("已复制到 PostgreSQL：\n%s请运行 kefu check --pg … 校验。\n", report);
    return 0;
}

static int cmd_check(const cli *c) {
    const char *target = cli_target(c);
    if (!db_target_is_pg(target) && access(target, R_OK) != 0) {
        fprintf(stderr, "kefu: 数据库 %s 不存在\n", target);
        return 1;
    }
    char err[512], report[1024];
    db *d = db_open(target, err, sizeof err);
    if (!d) { fprintf(stderr, "kefu: %s\n", err); return 1; }
    int problems = 0, v = db_schema_version(d), latest = db_latest_migration();
    printf("架构版本：%d（程序需要 %d）%s\n", v, latest, v == latest ? " ✓" : " ✗");
    problems += v != latest;
    int fk = db_check_foreign_keys(d, report, sizeof report);
    printf("外键：%s\n%s", fk == 0 ? "无问题 ✓" : fk < 0 ? "无法检查 ✗" : "发现问题 ✗", fk > 0 ? report : "");
    problems += fk != 0;
    int64_t bad = audit_verify(d, report, sizeof report);
    printf("审计链：%s%s\n", report, bad == 0 ? " ✓" : " ✗");
    problems += bad != 0;
    if (v == latest) problems += modules_check(d, c->num[OPT_REBUILD_STATS] != 0);
    db_close(d);
    printf(problems ? "检查未通过（%d 项问题）\n" : "检查通过\n", problems);
    return problems ? 1 : 0;
}

/* A module's command (http/module.h module_cmd) on the migrated database. */
static const cli *module_cli;
static const char *module_opt(const char *name) {
    for (int i = 0; module_cli->mcmd->opts && module_cli->mcmd->opts[i].name; i++)
        if (!strcmp(module_cli->mcmd->opts[i].name, name)) return module_cli->mopt[i];
    return NULL;
}

static int cmd_module(const cli *c) {
    db *d = open_db(c);
    if (!d) return 1;
    module_cli = c;
    int rc = c->mcmd->run(d, module_opt);
    db_close(d);
    return rc;
}

int main(int argc, char **argv) {
    cli c;
    if (!cli_parse(argc, argv, &c)) return 2;
    if (c.num[OPT_HELP]) { cli_help(&c); return 0; }
    if (!crypto_setup()) { fprintf(stderr, "kefu: libsodium 初始化失败\n"); return 1; }
    modules_init();
    switch (c.cmd) {
    case CMD_SERVE: return cmd_serve(&c);
    case CMD_INIT: return cmd_init(&c);
    case CMD_DEMO: return cmd_demo(&c);
    case CMD_USER: return cmd_user(&c);
    case CMD_BACKUP: return cmd_backup(&c);
    case CMD_CHECK: return cmd_check(&c);
    case CMD_MIGRATE: return cmd_migrate(&c);
    case CMD_MODULE: return cmd_module(&c);
    case CMD_VERSION: printf("kefu %s\n", KEFU_VERSION); return 0;
    }
    return 2;
}
