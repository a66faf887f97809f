/*
** buf.h — a growable, length-carrying byte buffer for JSON, CSV and text output.
**
** A buf owns its heap memory (buf_free). Appends never fail silently: on OOM the buffer
** sets `oom` and further appends are ignored; the caller checks buf_ok() once at the end.
** The content is always NUL-terminated when len > 0 or after buf_cstr().
*/
#ifndef KEFU_BUF_H
#define KEFU_BUF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct buf {
    char *data;
    size_t len, cap;
    bool oom;
} buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reset(buf *b);                      /* len = 0, keeps memory */
bool buf_ok(const buf *b);
const char *buf_cstr(buf *b);                /* "" when empty */
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_int(buf *b, int64_t v);
char *buf_detach(buf *b);                    /* caller frees; buf is reset */

/* JSON string escaping: writes a quoted JSON string. Invalid UTF-8 is replaced by U+FFFD;
** control characters and <, >, & are escaped so the output is safe inside HTML too. */
void buf_json_str(buf *b, const char *s);
void buf_json_strn(buf *b, const char *s, size_t n);
#endif
