/*
** arena.c — bump allocator in a chain of chunks (see arena.h).
*/
#include "arena.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
    arena_chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void arena_init(arena *a, size_t chunk_size) {
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 8192;
    a->total = 0;
}

static arena_chunk *chunk_new(size_t size) {
    if (size > SIZE_MAX - sizeof(arena_chunk)) return NULL;
    arena_chunk *c = malloc(sizeof *c + size);
    if (!c) return NULL;
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

/* n bytes, not zeroed: for the copies below, which write every byte themselves. */
static void *alloc_raw(arena *a, size_t n) {
    size_t need = (n + 15u) & ~(size_t)15u;
    if (need < n) return NULL;                       /* overflow */
    arena_chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        size_t size = need > a->chunk_size ? need : a->chunk_size;
        c = chunk_new(size);
        if (!c) return NULL;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->total += need;
    return p;
}

void *arena_alloc(arena *a, size_t n) {
    void *p = alloc_raw(a, n);
    if (p) memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n) {
    if (!s) return NULL;
    char *p = alloc_raw(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(arena *a, const char *s) {
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

/* Printed straight into the free end of the newest chunk when it fits (one pass), else
** measured and printed into a new allocation (glibc's measuring pass alone costs as much as
** printing: the counter lookup's SQL went through it twice). */
char *arena_printf(arena *a, const char *fmt, ...) {
    arena_chunk *c = a->head;
    size_t room = c ? c->size - c->used : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? (char *)c->data + c->used : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    if ((((size_t)n + 16u) & ~(size_t)15u) <= room) return alloc_raw(a, (size_t)n + 1);   /* the bytes just printed */
    char *p = alloc_raw(a, (size_t)n + 1);
    if (!p) return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(arena *a) {
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
    a->total = 0;
}
