/*
** arena_test.c — the bump allocator (src/core/arena.h).
*/
#include "unit.h"
#include <sys/wait.h>
#include <unistd.h>

static bool all_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

static void alloc_is_16_aligned(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 256);
    static const size_t sizes[] = {1, 3, 7, 15, 16, 17, 31, 33, 100, 1};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        void *p = arena_alloc(&a, sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
    }
    arena_free(&a);
}

static void alloc_is_zero_filled_after_reuse(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 1024);
    unsigned char *p = arena_alloc(&a, 500);
    assert_non_null(p);
    assert_true(all_zero(p, 500));
    memset(p, 0xAB, 500);
    arena_free(&a);
    /* reuse after free: fresh memory, zeroed again */
    unsigned char *q = arena_alloc(&a, 500);
    assert_non_null(q);
    assert_true(all_zero(q, 500));
    arena_free(&a);
}

static void many_allocations_span_chunks_and_stay_distinct(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 128);
    enum { N = 1000 };
    unsigned char *ptrs[N];
    for (int i = 0; i < N; i++) {
        ptrs[i] = arena_alloc(&a, 24);
        assert_non_null(ptrs[i]);
        assert_true(all_zero(ptrs[i], 24));
        memset(ptrs[i], i & 0xFF, 24);
    }
    /* no allocation overwrote another */
    for (int i = 0; i < N; i++)
        for (int k = 0; k < 24; k++) assert_int_equal(ptrs[i][k], i & 0xFF);
    assert_int_equal(a.total, (size_t)N * 32);   /* 24 rounds up to 32 */
    arena_free(&a);
    assert_int_equal(a.total, 0);
    assert_null(a.head);
}

static void allocation_bigger_than_chunk(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 64);
    unsigned char *small = arena_alloc(&a, 16);
    unsigned char *big = arena_alloc(&a, 10000);
    assert_non_null(small);
    assert_non_null(big);
    assert_int_equal((uintptr_t)big % 16, 0);
    assert_true(all_zero(big, 10000));
    memset(big, 0x5A, 10000);               /* ASan checks the whole block is ours */
    unsigned char *after = arena_alloc(&a, 16);
    assert_non_null(after);
    assert_true(all_zero(after, 16));
    assert_int_equal(big[9999], 0x5A);
    assert_int_equal(a.total, 16 + 10000 + 16);
    arena_free(&a);
}

static void default_chunk_size_when_zero(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    assert_true(a.chunk_size > 0);
    assert_non_null(arena_alloc(&a, 10));
    arena_free(&a);
}

static void strdup_and_strndup_copy(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 64);
    char src[] = "物业客服";
    char *d = arena_strdup(&a, src);
    assert_non_null(d);
    assert_ptr_not_equal(d, src);
    assert_string_equal(d, "物业客服");
    src[0] = 'x';
    assert_string_equal(d, "物业客服");
    char *n = arena_strndup(&a, "hello world", 5);
    assert_string_equal(n, "hello");
    assert_string_equal(arena_strndup(&a, "abc", 0), "");
    assert_null(arena_strdup(&a, NULL));
    assert_null(arena_strndup(&a, NULL, 3));
    arena_free(&a);
}

static void printf_formats_long_strings(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 32);
    char *s = arena_printf(&a, "%s-%04d-%lld", "BX", 7, (long long)-12);
    assert_string_equal(s, "BX-0007--12");
    char *big = arena_printf(&a, "%0500d", 1);   /* longer than the chunk */
    assert_non_null(big);
    assert_int_equal(strlen(big), 500);
    assert_int_equal(big[499], '1');
    assert_int_equal(big[0], '0');
    arena_free(&a);
}

/* arena_printf prints into the free end of the newest chunk when the text fits: at every
** length around the chunk's end (odd chunk sizes too) the text is whole, later allocations
** do not overlap it, and the free end it did not keep is handed out next. */
static void printf_fits_at_every_boundary(void **state) {
    (void)state;
    static const size_t chunks[] = {64, 100, 37};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++)
        for (int pre = 0; pre <= 48; pre += 16)
            for (int len = 0; len <= 120; len++) {
                arena a;
                arena_init(&a, chunks[k]);
                if (pre) memset(arena_alloc(&a, (size_t)pre), 0x11, (size_t)pre);
                char *s = arena_printf(&a, "%0*d", len, 0);
                assert_non_null(s);
                if (!len) s = arena_printf(&a, "%s", "");
                assert_int_equal(strlen(s), (size_t)len);
                unsigned char *next = arena_alloc(&a, 16);
                assert_non_null(next);
                assert_true(all_zero(next, 16));
                assert_true(next >= (unsigned char *)s + len + 1 || next + 16 <= (unsigned char *)s);
                for (int i = 0; i < len; i++) assert_int_equal(s[i], '0');
                arena_free(&a);
            }
}

static void total_counts_aligned_bytes(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 4096);
    assert_int_equal(a.total, 0);
    arena_alloc(&a, 32);
    arena_alloc(&a, 64);
    assert_int_equal(a.total, 96);
    arena_alloc(&a, 1);
    assert_true(a.total >= 97 && a.total <= 112);
    arena_free(&a);
    assert_int_equal(a.total, 0);
    arena_alloc(&a, 48);
    assert_int_equal(a.total, 48);
    arena_free(&a);
}

static void huge_alloc_returns_null(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 64);
    assert_null(arena_alloc(&a, SIZE_MAX));        /* rounding up to 16 overflows */
    assert_null(arena_alloc(&a, SIZE_MAX - 8));
    assert_int_equal(a.total, 0);
    arena_free(&a);
}

/* A size that survives the rounding but not the chunk header: chunk_new's
** malloc(sizeof header + size) wraps around. Run in a child so an ASan abort fails
** this test only. The child exits 0 when arena_alloc answered NULL. */
static void near_max_alloc_returns_null(void **state) {
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        arena a;
        arena_init(&a, 64);
        void *p = arena_alloc(&a, SIZE_MAX - 16);
        _exit(p == NULL ? 0 : 3);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("arena_alloc(SIZE_MAX - 16) did not return NULL (child %s %d): "
                 "chunk_new computes malloc(sizeof *c + size), which wraps to a 16-byte block",
                 WIFEXITED(status) ? "exit" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

int test_arena(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alloc_is_16_aligned),
        cmocka_unit_test(alloc_is_zero_filled_after_reuse),
        cmocka_unit_test(many_allocations_span_chunks_and_stay_distinct),
        cmocka_unit_test(allocation_bigger_than_chunk),
        cmocka_unit_test(default_chunk_size_when_zero),
        cmocka_unit_test(strdup_and_strndup_copy),
        cmocka_unit_test(printf_formats_long_strings),
        cmocka_unit_test(printf_fits_at_every_boundary),
        cmocka_unit_test(total_counts_aligned_bytes),
        cmocka_unit_test(huge_alloc_returns_null),
        cmocka_unit_test(near_max_alloc_returns_null),
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
