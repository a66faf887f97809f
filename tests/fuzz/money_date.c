/*
** money_date.c — fuzz target: the money parser (core/money.c, integer fen), the ISO 8601
** date-time parser and formatters (base/clock.c) and the month parser (kit/dates.c).
**
** The input is one text tried by every parser (and the archive's area parser, whose values
** are hundredths of a square metre like money is hundredths of a yuan). Where it parses, the value must survive a round
** trip (formatted by the matching formatter, then parsed again: the same value), and the
** formatters must give what the parsers expect (a date is 10 characters, a month 7); any
** violation traps. A parser that refuses must not have touched the value it was given.
*/
#include "fuzz.h"
#include "base/clock.h"
#include "core/money.h"
#include "kit/dates.h"
#include "modules/archive/archive.h"
#include <stdlib.h>
#include <string.h>

/* money_parse → money_format → money_parse gives the same fen. */
static void money_round_trip(const char *s) {
    int64_t fen = 0, again = -1;
    if (!money_parse(s, &fen)) return;
    char out[64];
    money_format(fen, out, sizeof out);
    FUZZ_CHECK(money_parse(out, &again));
    FUZZ_CHECK(again == fen);
    /* the format is ¥ with grouped yuan and exactly two decimals */
    const char *dot = strrchr(out, '.');
    FUZZ_CHECK(dot && strlen(dot) == 3);
}

/* clock_parse_iso → clock_iso → clock_parse_iso gives the same instant; the office date of
** the instant (clock_date) is a date the parser reads as that day's midnight. */
static void time_round_trip(const char *s) {
    int64_t t = 0, again = 0;
    if (!clock_parse_iso(s, &t)) return;
    char iso[40], day[16];
    clock_iso(t, iso, sizeof iso);
    FUZZ_CHECK(iso[0]);                       /* every parsed instant can be written back */
    FUZZ_CHECK(clock_parse_iso(iso, &again));
    FUZZ_CHECK(again == t);
    clock_date(t, day, sizeof day);
    FUZZ_CHECK(strlen(day) == 10);
    int64_t midnight = 0;
    FUZZ_CHECK(clock_parse_iso(day, &midnight));
    FUZZ_CHECK(midnight == clock_day_start(t));
    FUZZ_CHECK(midnight <= t && t - midnight < 86400);
}

/* month_parse → [start, end): month_of gives the month back at both ends of the range. */
static void month_round_trip(const char *s) {
    int64_t start = 0, end = 0;
    if (!month_parse(s, &start, &end)) return;
    char m[8];
    FUZZ_CHECK(start < end && end - start >= 28 * 86400 && end - start <= 31 * 86400);
    month_of(start, m);
    FUZZ_CHECK(strcmp(m, s) == 0);
    month_of(end - 1, m);
    FUZZ_CHECK(strcmp(m, s) == 0);
}

/* area_parse → jw_area (how lists write it) → area_parse gives the same hundredths. */
static void area_round_trip(const char *s) {
    int64_t v = 0, again = -1;
    if (!area_parse(s, &v)) return;
    FUZZ_CHECK(v >= 0);
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_area(&w, NULL, true, v);
    FUZZ_CHECK(buf_ok(&b) && area_parse(buf_cstr(&b), &again) && again == v);
    buf_free(&b);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 256) return 0;                 /* the parsers read short fields */
    char *s = malloc(size + 1);               /* a heap copy: ASan sees a read past the end */
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = 0;
    money_round_trip(s);
    time_round_trip(s);
    month_round_trip(s);
    area_round_trip(s);
    free(s);
    return 0;
}
