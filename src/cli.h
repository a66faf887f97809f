/*
** cli.h — the one typed option table of the kefu command line (cli.c). Every option has a
** type, bounds, default and environment variable; `kefu --help` and `kefu CMD --help` are
** generated from it, and values are validated with precise messages before anything runs.
*/
#ifndef KEFU_CLI_H
#define KEFU_CLI_H
#include <stdbool.h>
#include <stdint.h>

enum cli_cmd {
    CMD_SERVE = 1u << 0, CMD_INIT = 1u << 1, CMD_DEMO = 1u << 2, CMD_USER = 1u << 3,
    CMD_BACKUP = 1u << 4, CMD_CHECK = 1u << 5, CMD_VERSION = 1u << 6, CMD_MIGRATE = 1u << 7,
    CMD_MODULE = 1u << 8,       /* a module's command (http/module.h module_cmd): kefu bill-run … */
};

enum cli_opt {
    OPT_DB, OPT_PG, OPT_LISTEN, OPT_WEB, OPT_THREADS, OPT_TEST_CLOCK, OPT_SECURE_COOKIE, OPT_TRUST_PROXY,
    OPT_IDLE_TIMEOUT, OPT_MAX_CONN_PER_IP,
    OPT_TICK, OPT_DURABILITY, OPT_NO_GROUP_COMMIT, OPT_READ_LANES, OPT_LOOKUP, OPT_ROLE, OPT_PROJECT, OPT_NAME, OPT_PASSWORD_STDIN, OPT_FROM, OPT_TO, OPT_REBUILD_STATS, OPT_HELP, OPT_COUNT
};

typedef struct cli {
    unsigned cmd;
    const char *cmd_name;
    const char *str[OPT_COUNT];     /* value (string form) after CLI > env > default */
    int64_t num[OPT_COUNT];         /* for int and bool options */
    const char *pos[8];             /* positional arguments after the command */
    int npos;
    const struct module_cmd *mcmd;  /* CMD_MODULE: the module's command */
    const char *mopt[8];            /* CMD_MODULE: its options' values, in its table's order */
} cli;

/* The storage target of the command: "pg:CONNINFO" when --pg (or KEFU_PG) is given, else the
** --db file. */
const char *cli_target(const cli *c);
/* Parses argv; prints a message and returns false on error (exit 2). */
bool cli_parse(int argc, char **argv, cli *out);
void cli_help(const cli *c);
const char *cli_opt_name(int i);      /* the long name of option i ("lookup") */          /* general help, or the command's when c->cmd is set */
#endif
