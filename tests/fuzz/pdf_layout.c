/*
** pdf_layout.c — fuzz target: the one-page form renderer (core/printform.c, pango + cairo) with
** fuzzed text: titles, field labels and values, long lines, CJK, combining marks, and invalid
** UTF-8 (printed as replacement marks, never a crash).
**
** Input layout:
**   byte 0     bit 0 A4 (else A5), bit 1 a QR code of the number
**   byte 1     low 4 bits: fields (0–15); high 3 bits: signature boxes (0–7)
**   bytes 2…   one byte per field: bit 0 wide, bits 1–3 its `lines` (0–7)
**   the rest   NUL-separated texts: title, org, number, footer, then each field's label and
**              value, then each signature's label; a text past the end is NULL.
** A render that succeeds must be a PDF of exactly one page (printform.h's promise); a failure
** is allowed (too many fields or signatures for the page). Pango is slow: run with
** -max_len=4096 (scripts/fuzz.sh does), longer inputs are skipped.
*/
#include "fuzz.h"
#include "core/printform.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUT 4096

/* fontconfig keeps the pointers inside its cached patterns as offsets, which LeakSanitizer
** cannot follow; the cache is a fixed amount (tests/unit/main.c says the same). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    return 0;
}

typedef struct texts { const char *p, *end; } texts;

/* The next NUL-terminated text, NULL past the end (the input copy ends with a NUL). */
static const char *next_text(texts *t) {
    if (t->p >= t->end) return NULL;
    const char *s = t->p;
    t->p += strlen(s) + 1;
    return s;
}

/* The number after key in the object at offset off (up to its "endobj"), or -1. */
static long obj_value(const char *pdf, size_t len, long off, const char *key) {
    if (off <= 0 || (size_t)off >= len) return -1;
    const char *o = pdf + off, *end = memmem(o, len - (size_t)off, "endobj", 6);
    const char *k = end ? memmem(o, (size_t)(end - o), key, strlen(key)) : NULL;
    return k ? strtol(k + strlen(key), NULL, 10) : -1;
}

/* The page count as the PDF's own structure gives it: the last startxref → the xref table →
** the trailer's /Root → the catalog's /Pages → its /Count, each object found at the offset the
** table gives. (Counting "/Type /Page" in the file is fooled by a title of that text, which
** cairo writes uncompressed into the /Info dictionary.) -1 when the structure is not there. */
static long page_count(const buf *out) {
    const char *pdf = out->data, *sx = NULL;
    size_t len = out->len;
    for (const char *p = pdf; (p = memmem(p, len - (size_t)(p - pdf), "startxref", 9)); p++) sx = p;
    if (!sx) return -1;
    long xref = strtol(sx + 9, NULL, 10);
    if (xref <= 0 || (size_t)xref >= len) return -1;
    char *tail = strndup(pdf + xref, len - (size_t)xref);   /* xref table and trailer: text */
    long first = -1, n = -1, root = -1, count = -1;
    int head = 0;
    const char *r = tail ? strstr(tail, "/Root ") : NULL;
    if (r && sscanf(tail, "xref %ld %ld %n", &first, &n, &head) == 2 && first == 0 && sscanf(r, "/Root %ld", &root) == 1 &&
        root > 0 && root < n && strlen(tail) > (size_t)head + 20 * (size_t)n) {
        long catalog = strtol(tail + head + 20 * root, NULL, 10);
        long pages = obj_value(pdf, len, catalog, "/Pages ");
        if (pages > 0 && pages < n) count = obj_value(pdf, len, strtol(tail + head + 20 * pages, NULL, 10), "/Count ");
    }
    free(tail);
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2 || size > MAX_INPUT) return 0;
    int nf = data[1] & 15, ns = (data[1] >> 4) & 7;
    if (size < 2 + (size_t)nf) return 0;
    char *copy = malloc(size + 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    copy[size] = 0;
    texts t = {copy + 2 + nf, copy + size + 1};
    pf_field fields[16];
    const char *signs[8];
    pf_doc d = {.qr = data[0] & 2, .a4 = data[0] & 1, .fields = fields, .nfields = nf, .signatures = signs, .nsign = ns};
    d.title = next_text(&t);
    d.org = next_text(&t);
    d.number = next_text(&t);
    d.footer = next_text(&t);
    for (int i = 0; i < nf; i++) {
        fields[i].wide = data[2 + i] & 1;
        fields[i].lines = (data[2 + i] >> 1) & 7;
        fields[i].label = next_text(&t);
        fields[i].value = next_text(&t);
    }
    for (int i = 0; i < ns; i++) signs[i] = next_text(&t);
    buf out;
    buf_init(&out);
    if (pf_render_pdf(&d, &out) == 0) {
        FUZZ_CHECK(out.len > 5 && !memcmp(out.data, "%PDF-", 5));
        FUZZ_CHECK(page_count(&out) == 1);
    }
    buf_free(&out);
    free(copy);
    return 0;
}
