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

/* Pages in the PDF: cairo writes one "/Type /Page" object per page besides "/Type /Pages". */
static int page_count(const buf *out) {
    int n = 0;
    const char *p = out->data, *end = out->data + out->len;
    while ((p = memmem(p, (size_t)(end - p), "/Type /Page", 11))) {
        p += 11;
        if (p < end && *p != 's') n++;
    }
    return n;
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
