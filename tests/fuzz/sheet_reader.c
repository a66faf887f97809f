/*
** sheet_reader.c — fuzz target: the spreadsheet reader of uploads (core/sheet.c), as the owner
** roster import calls it.
**
** The first byte chooses what the rest is (its low two bits) and the limits (bit 2):
**   0, 3  a CSV file, as uploaded;
**   1     a file as uploaded (for .xlsx seeds: zip bytes the fuzzer mutates as they are);
**   2     the parts of an .xlsx, separated by 0xFF bytes (never in UTF-8 XML): the worksheet,
**         the shared strings, the workbook, its relationships, the package relationships, then
**         any further part as "its/name.xml\n" + text. This target zips them (stored, or
**         deflated when bit 3 is set) so that mutations reach the XML readers rather than
**         breaking the zip's checksums.
** Bit 2 set: tight limits (8 rows, 4 columns, 16-byte cells, 64 KiB unzipped) to reach the
** limit checks; otherwise the import's own (SHEET_LIMITS_DEFAULT).
** What sheet_read returns is checked against sheet.h: a sheet within the limits whose cells are
** UTF-8 and whose last row has content, or an error with a message and an empty sheet.
*/
#include "fuzz.h"
#include "core/sheet.h"
#include "http/input.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static const char *const PART_NAMES[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml",
                                         "xl/_rels/workbook.xml.rels", "_rels/.rels"};
#define MAX_PARTS 8

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    return 0;
}

/* Adds one part to z; further parts carry their name on their first line. */
static void add_part(zip_t *z, int i, const char *p, size_t n, bool deflate) {
    char name[256];
    if (i < 5) snprintf(name, sizeof name, "%s", PART_NAMES[i]);
    else {
        const char *nl = memchr(p, '\n', n);
        size_t k = nl ? (size_t)(nl - p) : n;
        if (k == 0 || k >= sizeof name) return;
        memcpy(name, p, k);
        name[k] = 0;
        p += nl ? k + 1 : k, n -= nl ? k + 1 : k;
    }
    zip_source_t *s = zip_source_buffer(z, p, n, 0);
    if (!s) return;
    zip_int64_t idx = zip_file_add(z, name, s, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
    if (idx < 0) { zip_source_free(s); return; }
    zip_set_file_compression(z, (zip_uint64_t)idx, deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 1);
}

/* The parts zipped in memory; malloc'd bytes into *out, NULL when libzip refuses. */
static char *zip_parts(const char *data, size_t len, bool deflate, size_t *out) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_error_fini(&ze);
    if (!src) return NULL;
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, NULL);
    if (!z) { zip_source_free(src); return NULL; }
    size_t at = 0;
    for (int i = 0; i < MAX_PARTS && at <= len; i++) {
        const char *sep = memchr(data + at, 0xFF, len - at);
        size_t n = sep ? (size_t)(sep - (data + at)) : len - at;
        add_part(z, i, data + at, n, deflate);
        at += n + 1;
    }
    char *bytes = NULL;
    if (zip_close(z) != 0) zip_discard(z);
    else if (zip_source_open(src) == 0) {
        zip_source_seek(src, 0, SEEK_END);
        zip_int64_t n = zip_source_tell(src);
        zip_source_seek(src, 0, SEEK_SET);
        if (n > 0 && (bytes = malloc((size_t)n)) && zip_source_read(src, bytes, (zip_uint64_t)n) != n) {
            free(bytes);
            bytes = NULL;
        }
        *out = (size_t)(n > 0 ? n : 0);
        zip_source_close(src);
    }
    zip_source_free(src);
    return bytes;
}

/* sheet.h's promises about a sheet read, or an error. */
static void check_result(sheet_err e, const sheet *s, const sheet_limits *lim, const char *msg) {
    if (e != SHEET_OK) {
        FUZZ_CHECK(s->nrows == 0 && !s->cells && !s->ncols);
        FUZZ_CHECK(msg[0] && utf8_chars(msg) > 0);
        return;
    }
    FUZZ_CHECK(s->nrows >= 1 && s->nrows <= lim->max_rows);
    bool last_has_content = false;
    for (int r = 0; r < s->nrows; r++) {
        FUZZ_CHECK(s->ncols[r] >= 0 && s->ncols[r] <= lim->max_cols);
        FUZZ_CHECK(s->ncols[r] == 0 || s->cells[r]);
        for (int c = 0; c < s->ncols[r]; c++) {
            const char *v = s->cells[r][c];
            FUZZ_CHECK(v && strlen(v) <= lim->max_cell && utf8_chars(v) >= 0);
            if (r == s->nrows - 1 && *v) last_has_content = true;
        }
    }
    FUZZ_CHECK(last_has_content);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    unsigned mode = data[0] & 3;
    bool tight = data[0] & 4, deflate = data[0] & 8;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    char *zipped = NULL;
    if (mode == 2) {
        if (!(zipped = zip_parts(body, len, deflate, &len))) return 0;
        body = zipped;
    }
    sheet_limits lim = tight ? (sheet_limits){8, 4, 16, 64 * 1024} : SHEET_LIMITS_DEFAULT;
    char *copy = malloc(len ? len : 1);      /* exactly len bytes: ASan sees any read past the end */
    if (!copy) { free(zipped); return 0; }
    memcpy(copy, body, len);
    arena a;
    arena_init(&a, 0);
    sheet s;
    char msg[256];
    sheet_err e = sheet_read(copy, len, &a, &lim, &s, msg, sizeof msg);
    check_result(e, &s, &lim, msg);
    arena_free(&a);
    free(copy);
    free(zipped);
    return 0;
}
