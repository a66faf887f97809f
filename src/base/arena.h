/*
** arena.h — a per-request bump allocator.
**
** Everything a request allocates comes from its arena and is freed in one go when the
** request ends (arena_free). Allocation failure is reported as NULL; callers map it to
** E_INTERNAL. Memory is 16-byte aligned and zero-filled.
*/
#ifndef KEFU_ARENA_H
#define KEFU_ARENA_H
#include <stddef.h>

typedef struct arena_chunk arena_chunk;
typedef struct arena {
    arena_chunk *head;      /* newest chunk first */
    size_t chunk_size;      /* default size of a new chunk */
    size_t total;           /* bytes handed out, for tests and limits */
} arena;

void  arena_init(arena *a, size_t chunk_size);
void *arena_alloc(arena *a, size_t n);                 /* zeroed, NULL on OOM */
char *arena_strdup(arena *a, const char *s);           /* NULL in → NULL out */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void  arena_free(arena *a);                            /* frees all chunks; a is reusable */
#endif
