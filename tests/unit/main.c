/*
** main.c — runs every unit-test group; exit status is nonzero if any group failed.
*/
#include "unit.h"
#include "http/module.h"

int test_printform(void);   /* printform_test.c */

/* LeakSanitizer reads these at start-up, however the binary is run (make unit, scripts/test.sh).
** fontconfig keeps the pointers inside its patterns as offsets from the pattern, which the
** leak checker cannot follow, so the patterns cached by pango and cairo (a fixed amount that
** does not grow with the number of forms rendered) would be reported as leaks. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

int main(void) {
    if (!crypto_setup()) { fprintf(stderr, "crypto_setup failed\n"); return 2; }
    crypto_set_fast_hash(true);
    modules_init();   /* the modules' permissions, as kefu registers them at start */
    int (*const groups[])(void) = {
        test_arena, test_json, test_router, test_money, test_clock, test_perm, test_qb,
        test_db, test_audit, test_seq, test_deadline, test_workflow, test_sheet,
        test_printform, test_module, test_fees_calc,
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (groups[i]() != 0) failed++;
    return failed ? 1 : 0;
}
