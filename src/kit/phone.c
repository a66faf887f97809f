/*
** phone.c — Chinese phone numbers (see phone.h).
*/
#include "phone.h"
#include <string.h>

bool phone_cn_ok(const char *p) {
    size_t n = strlen(p), digits = 0, dashes = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= '0' && p[i] <= '9') digits++;
        else if (p[i] == '-') dashes++;
        else return false;
    }
    bool mobile = n == 11 && dashes == 0 && p[0] == '1' && p[1] >= '3' && p[1] <= '9';
    return mobile || (p[0] == '0' && digits >= 10 && digits <= 16 && dashes <= 2);
}

kerr check_phone_cn(ctx *c, const char *field, const char *label, const char *p) {
    if (!p || !*p || phone_cn_ok(p)) return E_OK;
    return ctx_fail(c, E_VALIDATION, field, "%s格式不正确（手机 11 位，或 020-12345678）", label);
}

const char *phone_masked(arena *a, const char *p) {
    if (!p || !*p) return p;
    size_t n = strlen(p);
    if (n < 8) return "****";
    return arena_printf(a, "%.3s****%s", p, p + n - 4);
}
