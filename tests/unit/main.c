/*
** main.c — runs every unit-test group; exit status is nonzero if any group failed.
*/
#include "unit.h"

int main(void) {
    if (!crypto_setup()) { fprintf(stderr, "crypto_setup failed\n"); return 2; }
    crypto_set_fast_hash(true);
    int (*const groups[])(void) = {
        test_arena, test_json, test_router, test_money, test_clock, test_perm, test_qb,
        test_db, test_audit, test_seq, test_deadline, test_workflow, test_sheet,
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (groups[i]() != 0) failed++;
    return failed ? 1 : 0;
}
