/*
** clock.c — real time plus a test offset; ISO 8601 formatting and parsing (see clock.h).
*/
#include "clock.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t offset_s;
static _Atomic int display_offset_min = 480;

int64_t clock_now(void) { return (int64_t)time(NULL) + atomic_load(&offset_s); }
void clock_set_now(int64_t t) { atomic_store(&offset_s, t - (int64_t)time(NULL)); }
void clock_advance(int64_t s) { atomic_fetch_add(&offset_s, s); }
void clock_reset(void) { atomic_store(&offset_s, 0); }
void clock_set_display_offset(int m) { atomic_store(&display_offset_min, m); }
int clock_display_offset(void) { return atomic_load(&display_offset_min); }

#define OFFICE_YEAR_10000 253402300800LL   /* 10000-01-01T00:00:00, seconds since 1970 */

static char *two(char *p, int v) { p[0] = (char)('0' + v / 10 % 10); p[1] = (char)('0' + v % 10); return p + 2; }

/* Written by hand: it runs for every time in every answer, and snprintf was a hot spot. */
void clock_iso(int64_t t, char *out, size_t n) {
    int off = clock_display_offset();
    time_t local = (time_t)(t + off * 60);
    struct tm tm;
    if (n < 26 || !gmtime_r(&local, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year < -1900) {
        if (n) out[0] = 0;
        return;
    }
    int a = off < 0 ? -off : off, y = tm.tm_year + 1900;
    char *p = two(two(out, y / 100), y % 100);
    *p++ = '-'; p = two(p, tm.tm_mon + 1); *p++ = '-'; p = two(p, tm.tm_mday);
    *p++ = 'T'; p = two(p, tm.tm_hour); *p++ = ':'; p = two(p, tm.tm_min); *p++ = ':'; p = two(p, tm.tm_sec);
    *p++ = off < 0 ? '-' : '+'; p = two(p, a / 60); *p++ = ':'; p = two(p, a % 60);
    *p = 0;
}

void clock_ymd(int64_t t, char *out, size_t n) {
    time_t local = (time_t)(t + clock_display_offset() * 60);
    struct tm tm;
    gmtime_r(&local, &tm);
    snprintf(out, n, "%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void clock_date(int64_t t, char *out, size_t n) {
    time_t local = (time_t)(t + clock_display_offset() * 60);
    struct tm tm;
    gmtime_r(&local, &tm);
    snprintf(out, n, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int64_t clock_day_start(int64_t t) {
    int64_t off = (int64_t)clock_display_offset() * 60, local = t + off;
    int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    return day * 86400 - off;
}

static bool digits(const char *s, int n, int *v) {
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

static bool valid_date(int y, int mo, int d) {
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1) return false;
    int md = mdays[mo - 1];
    if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) md = 29;
    return d <= md;
}

/* Parses the zone suffix at s ("Z", "+08:00", "+0800", "" = office); minutes into *off. */
static bool parse_zone(const char *s, int *off) {
    int h, m;
    if (*s == 0) { *off = clock_display_offset(); return true; }
    if ((s[0] == 'Z' || s[0] == 'z') && s[1] == 0) { *off = 0; return true; }
    if (s[0] != '+' && s[0] != '-') return false;
    if (!digits(s + 1, 2, &h)) return false;
    const char *p = s + 3;
    if (*p == ':') p++;
    if (!digits(p, 2, &m) || p[2] != 0 || h > 14 || m > 59) return false;
    *off = (h * 60 + m) * (s[0] == '-' ? -1 : 1);
    return true;
}

bool clock_parse_iso(const char *s, int64_t *out) {
    int y, mo, d, hh = 0, mi = 0, ss = 0, off;
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-') return false;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d)) return false;
    if (!valid_date(y, mo, d)) return false;
    const char *p = s + 10;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        if (strlen(p) < 6 || p[3] != ':') return false;
        if (!digits(p + 1, 2, &hh) || !digits(p + 4, 2, &mi)) return false;
        p += 6;
        if (*p == ':') {
            if (!digits(p + 1, 2, &ss)) return false;
            p += 3;
            if (*p == '.') { p++; while (*p >= '0' && *p <= '9') p++; }
        }
        if (hh > 23 || mi > 59 || ss > 60) return false;
    }
    if (!parse_zone(p, &off)) return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = hh, .tm_min = mi, .tm_sec = ss};
    int64_t t = (int64_t)timegm(&tm) - (int64_t)off * 60;
    /* In office time too the instant must fall in 1970–9999: "1970-01-01T00:00:00+14:00" is
    ** 1969 at +08:00, which clock_iso writes and this parser then refuses (found by fuzzing). */
    int64_t local = t + (int64_t)clock_display_offset() * 60;
    if (local < 0 || local >= OFFICE_YEAR_10000) return false;
    *out = t;
    return true;
}
