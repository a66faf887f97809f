/*
** dates.c — dates, months and agreed times in request input (see dates.h).
*/
#include "dates.h"
#include "base/clock.h"
#include <stdio.h>
#include <string.h>

kerr q_date(ctx *c, const char *name, const char *label, int64_t *t) {
    const char *s = q_str(c, name);
    *t = 0;
    if (s && (strlen(s) != 10 || !clock_parse_iso(s, t)))
        return ctx_fail(c, E_BAD_REQUEST, name, "%s格式应为 2026-11-25", label);
    return E_OK;
}

kerr jv_date(ctx *c, json_t *obj, const char *key, const char *label, const char **out) {
    kerr e = jv_str(c, obj, key, key, label, 0, 10, out);
    if (e || !*out || !**out) return e;
    int64_t t;
    if (strlen(*out) != 10 || !clock_parse_iso(*out, &t))
        return ctx_fail(c, E_VALIDATION, key, "%s格式应为 2026-11-25", label);
    return E_OK;
}

bool month_parse(const char *m, int64_t *start, int64_t *end) {
    if (!m || strlen(m) != 7 || m[4] != '-') return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (m[i] < '0' || m[i] > '9')) return false;
    int y = (m[0] - '0') * 1000 + (m[1] - '0') * 100 + (m[2] - '0') * 10 + (m[3] - '0');
    int mo = (m[5] - '0') * 10 + (m[6] - '0');
    if (y < 2000 || y > 2099 || mo < 1 || mo > 12) return false;
    char a[16], b[16];
    snprintf(a, sizeof a, "%04d-%02d-01", y, mo);
    snprintf(b, sizeof b, "%04d-%02d-01", mo == 12 ? y + 1 : y, mo == 12 ? 1 : mo + 1);
    return clock_parse_iso(a, start) && clock_parse_iso(b, end);
}

void month_of(int64_t t, char out[8]) {
    char d[16];
    clock_date(t, d, sizeof d);
    memcpy(out, d, 7);
    out[7] = 0;
}

kerr in_month(ctx *c, const char *key, unsigned flags, const char **m, int64_t *start, int64_t *end) {
    kerr e = in_str(c, key, "月份", flags, 7, m);
    if (e || !*m) return e;
    if (!month_parse(*m, start, end)) return ctx_fail(c, E_VALIDATION, key, "月份格式应为 2026-11");
    return E_OK;
}

kerr q_month(ctx *c, const char **m, int64_t *start, int64_t *end) {
    *m = q_str(c, "month");
    if (!*m) {
        char *now = arena_alloc(&c->a, 8);
        if (!now) return E_NOMEM;
        month_of(c->now, now);
        *m = now;
    }
    if (!month_parse(*m, start, end)) return ctx_fail(c, E_BAD_REQUEST, "month", "月份格式应为 2026-11");
    return E_OK;
}

kerr in_appointment(ctx *c, const char *key, int64_t *at) {
    const char *s = NULL;
    kerr e = in_str(c, key, "预约时间", 0, 40, &s);
    *at = 0;
    if (e || !s) return e;
    if (!clock_parse_iso(s, at)) return ctx_fail(c, E_VALIDATION, key, "预约时间格式应为 2026-11-25T15:00:00+08:00");
    if (*at < c->now - 300) return ctx_fail(c, E_VALIDATION, key, "预约时间不能早于现在");
    return E_OK;
}
