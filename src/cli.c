/*
** cli.c — option table, parser and generated help (see cli.h).
*/
#include "cli.h"
#include "version.h"
#include "http/module.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum opt_type { T_STR, T_INT, T_BOOL };
#define ALL_DB (CMD_SERVE | CMD_INIT | CMD_DEMO | CMD_USER | CMD_BACKUP | CMD_CHECK | CMD_MODULE)

static const struct opt_def {
    const char *name, *arg, *env, *def;
    enum opt_type type;
    int64_t min, max;
    unsigned cmds;
    const char *help;
} opts[OPT_COUNT] = {
    [OPT_DB] = {"db", "PATH", "KEFU_DB", "./data/kefu.db", T_STR, 0, 0, ALL_DB,
                "SQLite 数据库文件（不存在时自动创建并迁移）"},
    [OPT_PG] = {"pg", "CONNINFO", "KEFU_PG", NULL, T_STR, 0, 0, ALL_DB,
                "使用 PostgreSQL（libpq 连接串，如 \"host=127.0.0.1 dbname=kefu user=kefu\"），代替 --db"},
    [OPT_LISTEN] = {"listen", "ADDR:PORT", "KEFU_LISTEN", "127.0.0.1:8080", T_STR, 0, 0, CMD_SERVE,
                    "监听地址；端口 0 表示随机空闲端口"},
    [OPT_WEB] = {"web", "DIR", "KEFU_WEB", "./web/dist", T_STR, 0, 0, CMD_SERVE, "网页界面目录（web/dist）"},
    [OPT_THREADS] = {"threads", "N", "KEFU_THREADS", "0", T_INT, 0, 256, CMD_SERVE,
                     "处理请求的线程数（0：自动，SQLite 为 4，PostgreSQL 为 64，因其线程多在等待数据库应答）"},
    [OPT_TEST_CLOCK] = {"test-clock", NULL, NULL, "0", T_BOOL, 0, 1, CMD_SERVE,
                        "启用测试时钟接口 /api/v1/_test/clock（仅用于测试）"},
    [OPT_SECURE_COOKIE] = {"secure-cookie", NULL, "KEFU_SECURE_COOKIE", "0", T_BOOL, 0, 1, CMD_SERVE,
                           "Cookie 加 Secure 标记（经 HTTPS 反向代理访问时开启）"},
    [OPT_TRUST_PROXY] = {"trust-proxy", NULL, "KEFU_TRUST_PROXY", "0", T_BOOL, 0, 1, CMD_SERVE,
                         "从 X-Forwarded-For 最右边的地址（代理追加的）取客户端地址（仅在反向代理之后开启）"},
    [OPT_IDLE_TIMEOUT] = {"idle-timeout", "N", "KEFU_IDLE_TIMEOUT", "10", T_INT, 1, 3600, CMD_SERVE,
                          "连接空闲（收不到请求内容）多少秒后关闭；处理中的请求与等待保存的请求不计"},
    [OPT_MAX_CONN_PER_IP] = {"max-conn-per-ip", "N", "KEFU_MAX_CONN_PER_IP", "100", T_INT, 0, 100000, CMD_SERVE,
                             "每个对端地址最多同时保持的连接数（0 不限；在反向代理之后所有连接都来自代理的地址，应调高或设为 0）"},
    [OPT_TICK] = {"tick-seconds", "N", "KEFU_TICK_SECONDS", "30", T_INT, 1, 3600, CMD_SERVE,
                  "时限检查的间隔（秒）"},
    [OPT_DURABILITY] = {"durability", "full|off", "KEFU_DURABILITY", "full", T_STR, 0, 0, CMD_SERVE,
                        "full：每次保存都落盘后才应答（默认）；off：不等落盘（仅用于测量，断电会丢数据）"},
    [OPT_NO_GROUP_COMMIT] = {"no-group-commit", NULL, "KEFU_NO_GROUP_COMMIT", "0", T_BOOL, 0, 1, CMD_SERVE,
                             "每个写请求单独提交（默认并发写请求合并提交，共用一次落盘）"},
    [OPT_READ_LANES] = {"read-lanes", "N", "KEFU_READ_LANES", "2", T_INT, 0, 4, CMD_SERVE,
                        "PostgreSQL：各线程的只读查询合并后经 N 条共用连接批量发送（0 表示各自发送）"},
    [OPT_LOOKUP] = {"lookup", "memory|db", "KEFU_LOOKUP", "memory", T_STR, 0, 0, CMD_SERVE,
                    "柜台查询：memory 从内存索引查找（默认，档案有改动即重读该管理处）；db 每次查询数据库"},
    [OPT_ROLE] = {"role", "ROLE", NULL, NULL, T_STR, 0, 0, CMD_USER,
                  "角色：admin manager supervisor agent steward technician cashier storekeeper"},
    [OPT_PROJECT] = {"project", "ID", NULL, "0", T_INT, 0, INT64_MAX, CMD_USER,
                     "角色所属管理处编号（省略则为全公司）"},
    [OPT_NAME] = {"name", "姓名", NULL, NULL, T_STR, 0, 0, CMD_USER, "显示姓名（默认同用户名）"},
    [OPT_PASSWORD_STDIN] = {"password-stdin", NULL, NULL, "0", T_BOOL, 0, 1, CMD_USER,
                            "从标准输入读取密码（否则自动生成并显示一次）"},
    [OPT_FROM] = {"from", "sqlite:PATH", NULL, NULL, T_STR, 0, 0, CMD_MIGRATE, "源数据库（SQLite 文件）"},
    [OPT_TO] = {"to", "pg:CONNINFO", NULL, NULL, T_STR, 0, 0, CMD_MIGRATE,
                "目标数据库（PostgreSQL 连接串，须为空库）"},
    [OPT_REBUILD_STATS] = {"rebuild-stats", NULL, NULL, "0", T_BOOL, 0, 1, CMD_CHECK,
                           "先按工单重新计算每日统计汇总（ticket_day_stats），再检查"},
    [OPT_HELP] = {"help", NULL, NULL, "0", T_BOOL, 0, 1, 0xFFFFu, "显示帮助"},
};

static const struct { const char *name; unsigned bit; const char *usage, *help; } cmds[] = {
    {"serve", CMD_SERVE, "kefu serve [--db PATH] [--listen ADDR:PORT]", "启动服务（网页界面与 API）"},
    {"init", CMD_INIT, "kefu init [--db PATH]", "新建数据库与管理员账号（密码只显示一次）"},
    {"demo", CMD_DEMO, "kefu demo [--db PATH]", "载入演示数据（公司、两个管理处、每个角色一个用户）"},
    {"user", CMD_USER, "kefu user add NAME --role ROLE [--project ID] [--password-stdin]\n"
                       "       kefu user passwd NAME [--password-stdin]\n       kefu user list",
     "管理用户"},
    {"backup", CMD_BACKUP, "kefu backup DEST [--db PATH]", "在线备份为一致的数据库副本（服务运行中也可）"},
    {"check", CMD_CHECK, "kefu check [--db PATH] [--rebuild-stats]",
     "检查架构版本、外键、审计链与工单统计汇总；有问题时退出码为 1"},
    {"migrate", CMD_MIGRATE, "kefu migrate --from sqlite:PATH --to pg:CONNINFO",
     "把整个 SQLite 数据库复制到空的 PostgreSQL 数据库（所有表、编号、审计链）"},
    {"version", CMD_VERSION, "kefu version", "显示版本"},
};
#define NCMDS (int)(sizeof cmds / sizeof cmds[0])

static int find_opt(const char *name, size_t len) {
    for (int i = 0; i < OPT_COUNT; i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) return i;
    return -1;
}

static bool set_value(cli *c, int i, const char *v, const char *source) {
    const struct opt_def *o = &opts[i];
    c->str[i] = v;
    if (o->type == T_STR) {
        if (!*v) { fprintf(stderr, "kefu: %s --%s 不能为空\n", source, o->name); return false; }
        return true;
    }
    if (o->type == T_BOOL) {
        if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes")) { c->num[i] = 1; return true; }
        if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no")) { c->num[i] = 0; return true; }
        fprintf(stderr, "kefu: %s --%s 应为 0 或 1，而不是「%s」\n", source, o->name, v);
        return false;
    }
    char *end;
    long long x = strtoll(v, &end, 10);
    if (!*v || *end || x < o->min || x > o->max) {
        fprintf(stderr, "kefu: %s --%s 应为 %lld 到 %lld 之间的整数，而不是「%s」\n", source, o->name,
                (long long)o->min, (long long)o->max, v);
        return false;
    }
    c->num[i] = x;
    return true;
}

static bool apply_defaults(cli *c, const bool *given) {
    for (int i = 0; i < OPT_COUNT; i++) {
        if (given[i]) continue;
        const char *env = opts[i].env ? getenv(opts[i].env) : NULL;
        if (env && *env) {
            char src[64];
            snprintf(src, sizeof src, "环境变量 %s:", opts[i].env);
            if (!set_value(c, i, env, src)) return false;
        } else if (opts[i].def) {
            set_value(c, i, opts[i].def, "default");
        }
    }
    return true;
}

/* An option of the module's command: *done when it was one (false returned after a message). */
static bool parse_module_option(cli *c, const char *arg, int *k, int argc, char **argv, bool *done) {
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const module_cmd_opt *o = c->mcmd->opts;
    int i = 0;
    while (o && o[i].name && (strlen(o[i].name) != len || strncmp(o[i].name, name, len))) i++;
    *done = o && o[i].name;
    if (!*done) return true;
    const char *v = eq ? eq + 1 : o[i].arg ? NULL : "1";
    if (eq && !o[i].arg) { fprintf(stderr, "kefu: 选项 --%s 不带值\n", o[i].name); return false; }
    if (!v) {
        if (*k + 1 >= argc) { fprintf(stderr, "kefu: 选项 --%s 需要一个值 %s\n", o[i].name, o[i].arg); return false; }
        v = argv[++*k];
    }
    if (!*v) { fprintf(stderr, "kefu: 选项 --%s 不能为空\n", o[i].name); return false; }
    c->mopt[i] = v;
    return true;
}

static bool parse_option(cli *c, const char *arg, int *k, int argc, char **argv, bool *given) {
    bool done = false;
    if (c->cmd == CMD_MODULE) {
        bool ok = parse_module_option(c, arg, k, argc, argv, &done);
        if (!ok || done) return ok;
    }
    const char *name = arg + 2, *eq = strchr(name, '=');
    int i = find_opt(name, eq ? (size_t)(eq - name) : strlen(name));
    if (i < 0 || !(opts[i].cmds & c->cmd)) {
        fprintf(stderr, "kefu: %s 不支持选项 %s（见 kefu %s --help）\n", c->cmd_name, arg, c->cmd_name);
        return false;
    }
    const char *v = eq ? eq + 1 : NULL;
    if (!v && opts[i].type == T_BOOL) v = "1";
    if (!v) {
        if (*k + 1 >= argc) { fprintf(stderr, "kefu: 选项 --%s 需要一个值 %s\n", opts[i].name, opts[i].arg); return false; }
        v = argv[++*k];
    }
    given[i] = true;
    return set_value(c, i, v, "选项");
}

const char *cli_target(const cli *c) {
    static char target[2048];
    if (!c->str[OPT_PG]) return c->str[OPT_DB];
    snprintf(target, sizeof target, "pg:%s", c->str[OPT_PG]);
    return target;
}

bool cli_parse(int argc, char **argv, cli *c) {
    memset(c, 0, sizeof *c);
    bool given[OPT_COUNT] = {0};
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        c->num[OPT_HELP] = 1;
        if (argc > 2 && !strcmp(argv[1], "help")) argv[1] = argv[2]; else return true;
    }
    if (!strcmp(argv[1], "--version")) argv[1] = "version";
    for (int i = 0; i < NCMDS; i++)
        if (!strcmp(argv[1], cmds[i].name)) { c->cmd = cmds[i].bit; c->cmd_name = cmds[i].name; }
    if (!c->cmd && (c->mcmd = module_cmd_find(argv[1]))) { c->cmd = CMD_MODULE; c->cmd_name = c->mcmd->name; }
    if (!c->cmd) { fprintf(stderr, "kefu: 未知命令「%s」（见 kefu --help）\n", argv[1]); return false; }
    for (int k = 2; k < argc; k++) {
        if (!strcmp(argv[k], "-h")) { c->num[OPT_HELP] = 1; given[OPT_HELP] = true; continue; }
        if (!strncmp(argv[k], "--", 2)) {
            if (!parse_option(c, argv[k], &k, argc, argv, given)) return false;
        } else if (c->npos < 8) {
            c->pos[c->npos++] = argv[k];
        } else {
            fprintf(stderr, "kefu: 参数过多\n");
            return false;
        }
    }
    if (c->num[OPT_HELP]) given[OPT_HELP] = true;
    return apply_defaults(c, given);
}

void cli_help(const cli *c) {
    if (!c->cmd) {
        printf("kefu %s — 物业客服中心系统\n\n用法: kefu 命令 [选项]\n\n命令:\n", KEFU_VERSION);
        for (int i = 0; i < NCMDS; i++) printf("  %-8s %s\n", cmds[i].name, cmds[i].help);
        for (int i = 0; module_cmd_at(i); i++) printf("  %-8s %s\n", module_cmd_at(i)->name, module_cmd_at(i)->help);
        printf("\n每个命令的选项: kefu 命令 --help\n");
        return;
    }
    for (int i = 0; i < NCMDS; i++)
        if (cmds[i].bit == c->cmd) printf("用法: %s\n\n%s\n", cmds[i].usage, cmds[i].help);
    if (c->mcmd) printf("用法: %s\n\n%s\n", c->mcmd->usage, c->mcmd->help);
    printf("\n选项:\n");
    for (const module_cmd_opt *o = c->mcmd ? c->mcmd->opts : NULL; o && o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        printf("  %-26s %s\n", left, o->help);
    }
    for (int i = 0; i < OPT_COUNT; i++) {
        const struct opt_def *o = &opts[i];
        if (!(o->cmds & c->cmd)) continue;
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        printf("  %-26s %s", left, o->help);
        if (o->def && o->type != T_BOOL) printf("（默认 %s）", o->def);
        if (o->env) printf(" [环境变量 %s]", o->env);
        printf("\n");
    }
}

const char *cli_opt_name(int i) { return i >= 0 && i < OPT_COUNT ? opts[i].name : ""; }
