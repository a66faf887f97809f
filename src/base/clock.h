/*
** clock.h — the one place kefu reads the time.
**
** clock_now() is real time plus an offset that only the test clock changes
** (`kefu serve --test-clock`, POST /api/v1/_test/clock). Times are epoch seconds (UTC);
** they are shown with the office's offset (+08:00 by default, clock_set_display_offset).
*/
#ifndef KEFU_CLOCK_H
#define KEFU_CLOCK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int64_t clock_now(void);
void clock_set_now(int64_t t);              /* test clock: now becomes t (and keeps running) */
void clock_advance(int64_t seconds);        /* test clock */
void clock_reset(void);                     /* back to real time */
void clock_set_display_offset(int minutes); /* default 480 (Asia/Shanghai) */
int clock_display_offset(void);

/* Formats t as 2026-11-25T09:00:00+08:00 into out (>= 32 bytes). */
void clock_iso(int64_t t, char *out, size_t n);
/* Parses ISO 8601 date-times: 2026-11-25T09:00:00+08:00, …Z, …:00.123Z, "2026-11-25 09:00:00"
** (office offset), or a date 2026-11-25 (midnight, office offset). false if invalid. */
bool clock_parse_iso(const char *s, int64_t *out);
/* Office-local calendar date of t as YYYYMMDD (for document numbers). */
void clock_ymd(int64_t t, char *out, size_t n);
/* Office-local calendar date of t as 2026-11-25 into out (>= 11 bytes). */
void clock_date(int64_t t, char *out, size_t n);
/* The office-local midnight that starts the day of t. */
int64_t clock_day_start(int64_t t);
#endif
