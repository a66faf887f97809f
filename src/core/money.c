/*
** money.c — fen formatting and parsing (see money.h).
*/
#include "money.h"
#include <stdio.h>
#include <string.h>

void money_format(int64_t fen, char *out, size_t n) {
    char digits[32], grouped[48];
    /* magnitude as unsigned so INT64_MIN is safe */
    uint64_t m = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)(m / 100));
    size_t len = strlen(digits), g = 0;
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0) grouped[g++] = ',';
        grouped[g++] = digits[i];
    }
    grouped[g] = 0;
    snprintf(out, n, "%s¥%s.%02u", fen < 0 ? "-" : "", grouped, (unsigned)(m % 100));
}

bool money_parse(const char *s, int64_t *fen) {
    if (!s) return false;
    bool neg = false;
    if (*s == '-') { neg = true; s++; }
    if (strncmp(s, "¥", strlen("¥")) == 0) s += strlen("¥");
    uint64_t yuan = 0;
    int ndig = 0, since_comma = -1;   /* digits after the last comma; -1 = no comma yet */
    for (; *s && *s != '.'; s++) {
        if (*s == ',') {
            /* grouping must be exact: 1,234,567 — never ",5" or "1,23" */
            if (ndig == 0 || (since_comma >= 0 && since_comma != 3) || (since_comma < 0 && ndig > 3)) return false;
            since_comma = 0;
            continue;
        }
        if (*s < '0' || *s > '9') return false;
        yuan = yuan * 10 + (uint64_t)(*s - '0');
        if (yuan > 90000000000000000ULL) return false;
        ndig++;
        if (since_comma >= 0) since_comma++;
    }
    if (since_comma >= 0 && since_comma != 3) return false;
    int cents = 0, nd = 0;
    if (*s == '.') {
        for (s++; *s; s++, nd++) {
            if (*s < '0' || *s > '9' || nd >= 2) return false;
            cents = cents * 10 + (*s - '0');
        }
        if (nd == 0) return false;
        if (nd == 1) cents *= 10;
    }
    if (ndig == 0 && nd == 0) return false;
    int64_t v = (int64_t)(yuan * 100 + (uint64_t)cents);
    *fen = neg ? -v : v;
    return true;
}
