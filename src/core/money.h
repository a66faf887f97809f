/*
** money.h — money is integer fen (分) everywhere. Formatting and parsing without floats.
*/
#ifndef KEFU_MONEY_H
#define KEFU_MONEY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ¥1,234.50 / -¥0.05 into out (>= 32 bytes). */
void money_format(int64_t fen, char *out, size_t n);
/* "1234.5", "1,234.50", "¥12", "-3.07" → fen. Rejects more than 2 decimals, junk, overflow. */
bool money_parse(const char *s, int64_t *fen);
#endif
