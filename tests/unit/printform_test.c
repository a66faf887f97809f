/*
** printform_test.c — one-page PDF forms (src/core/printform.h), checked from the outside with
** poppler (pdftotext, pdfinfo) and mupdf (mutool draw): text present, page size and count,
** no broken glyphs, long text cut, missing strings, several threads at once.
*/
#include "unit.h"
#include "core/printform.h"
#include <pthread.h>
#include <unistd.h>

/* ---- helpers ---- */

static const char CONTENT[] =
    "卫生间漏水，如需入户请提前电话联系 <b>&amp; 楼下住户反映天花板有水渍，已持续两天。"
    "卫生间地漏附近瓷砖有积水，怀疑防水层破损或下水管接口松动，钥匙可在管理处领取。";

static const pf_field FIELDS[] = {
    {"报修人", "张伟（业主）", false}, {"联系电话", "13800138000", false},
    {"房号", "3栋2单元1802", false}, {"报修时间", "2026-11-25 09:12", false},
    {"维修类别", "水电·给排水", false}, {"紧急程度", "紧急（4小时内）", false},
    {"报修内容", CONTENT, true},
    {"处理结果", "", true, 4},
    {"维修人员", "王师傅", false}, {"有偿服务", "否", false},
    {"备注", "材料费由业主承担，工时费按物业收费标准执行，凭本单结算并开具收据，"
             "收据遗失不补，如有疑问请致电管理处客服中心。", false},
};

static const char *const SIGNS[] = {"维修人员签字", "业主签字确认", "客服回访"};

static pf_doc work_order(bool a4) {
    return (pf_doc){.title = "维修任务单", .org = "碧桂园·凤凰城管理处", .number = "BX20261125-0007",
                    .qr = true, .fields = FIELDS, .nfields = sizeof FIELDS / sizeof FIELDS[0],
                    .signatures = SIGNS, .nsign = 3,
                    .footer = "打印时间 2026-11-25 14:03 · 打印人 李静", .a4 = a4};
}

/* A temporary directory with one PDF file in it. */
typedef struct tpdf {
    char dir[256], path[300];
} tpdf;

/* Renders d into t->path; fails the test unless the render succeeds and looks like a PDF. */
static void render_file(const pf_doc *d, tpdf *t) {
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/kefu-pf-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/form.pdf", t->dir);
    buf b;
    buf_init(&b);
    assert_int_equal(pf_render_pdf(d, &b), 0);
    assert_true(b.len > 4 && memcmp(b.data, "%PDF", 4) == 0);
    FILE *f = fopen(t->path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
    assert_int_equal(fclose(f), 0);
    buf_free(&b);
}

/* Output of a shell command run on t->path ("%s" in fmt), as a malloc'd string. */
static char *run(const char *fmt, const tpdf *t) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, t->path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    buf b;
    buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) buf_append(&b, chunk, n);
    pclose(p);
    return buf_detach(&b);
}

static void has(const char *text, const char *want) {
    if (!strstr(text, want)) fail_msg("\"%s\" not found in:\n%s", want, text);
}

/* mupdf draws every page without complaint (a broken glyph shows as "broken file" here). */
static void draws_clean(const tpdf *t) {
    char *out = run("mutool draw -o /dev/null -F png '%s' 2>&1", t);
    if (strcasestr(out, "broken") || strcasestr(out, "error")) fail_msg("mutool: %s", out);
    free(out);
}

/* Page count and page size in points from pdfinfo. */
static void page_info(const tpdf *t, int *pages, double *w, double *h) {
    char *out = run("pdfinfo '%s' 2>&1", t);
    const char *p = strstr(out, "Pages:"), *s = strstr(out, "Page size:");
    if (!p || !s) fail_msg("pdfinfo: %s", out);
    assert_int_equal(sscanf(p, "Pages: %d", pages), 1);
    assert_int_equal(sscanf(s, "Page size: %lf x %lf pts", w, h), 2);
    free(out);
}

static void assert_one_page(const tpdf *t, int w_pt, int h_pt) {
    int pages = 0;
    double w = 0, h = 0;
    page_info(t, &pages, &w, &h);
    assert_int_equal(pages, 1);
    assert_int_equal((int)(w + 0.5), w_pt);
    assert_int_equal((int)(h + 0.5), h_pt);
}

/* ---- tests ---- */

static void a5_work_order_text_and_glyphs(void **state) {
    (void)state;
    pf_doc d = work_order(false);
    tpdf t;
    render_file(&d, &t);
    char *text = run("pdftotext -enc UTF-8 '%s' - 2>&1", &t);
    has(text, "BX20261125-0007");
    has(text, "维修任务单");
    has(text, "碧桂园·凤凰城管理处");
    has(text, "卫生间漏水");
    has(text, "如需入户");
    has(text, "<b>&amp;");               /* plain text, not markup */
    has(text, "钥匙可在管理处领取");      /* the end of the wrapped content */
    has(text, "业主签字确认");
    has(text, "日期");
    has(text, "打印人 李静");
    free(text);
    draws_clean(&t);
    assert_one_page(&t, 420, 595);
    rm_dir(t.dir);
}

static void a4_page_size(void **state) {
    (void)state;
    pf_doc d = work_order(true);
    tpdf t;
    render_file(&d, &t);
    assert_one_page(&t, 595, 842);
    draws_clean(&t);
    rm_dir(t.dir);
}

static void huge_wide_field_is_cut_to_one_page(void **state) {
    (void)state;
    const char *unit = "漏水如何处理";            /* 6 characters */
    size_t ul = strlen(unit);
    char *big = malloc(ul * 834 + 1);              /* 5,004 characters */
    assert_non_null(big);
    for (size_t i = 0; i < 834; i++) memcpy(big + i * ul, unit, ul);
    big[ul * 834] = 0;
    pf_field f[] = {{"房号", "3栋2单元1802", false}, {"报修内容", big, true},
                    {"处理结果", big, true}, {"备注", "后面的行仍在页内", false}};
    for (int a4 = 0; a4 <= 1; a4++) {
        pf_doc d = work_order(a4);
        d.fields = f;
        d.nfields = 4;
        tpdf t;
        render_file(&d, &t);
        assert_one_page(&t, a4 ? 595 : 420, a4 ? 842 : 595);
        char *text = run("pdftotext -enc UTF-8 '%s' - 2>&1", &t);
        has(text, "…");
        has(text, "后面的行仍在页内");
        has(text, "客服回访");
        free(text);
        rm_dir(t.dir);
    }
    free(big);
}

static void null_strings_print_empty(void **state) {
    (void)state;
    pf_doc empty = {0};
    tpdf t;
    render_file(&empty, &t);
    assert_one_page(&t, 420, 595);
    rm_dir(t.dir);

    pf_field f[] = {{NULL, NULL, false}, {"联系电话", NULL, false}, {NULL, "值", true}, {"单独", "一个", false}};
    const char *sig[] = {"经办人", NULL};
    pf_doc d = {.title = "收据", .number = "SJ-1", .qr = false, .fields = f, .nfields = 4,
                .signatures = sig, .nsign = 2};
    render_file(&d, &t);
    char *text = run("pdftotext -enc UTF-8 '%s' - 2>&1", &t);
    has(text, "收据");
    has(text, "SJ-1");
    has(text, "联系电话");
    has(text, "经办人");
    free(text);
    draws_clean(&t);
    rm_dir(t.dir);
}

static void qr_with_empty_number_and_bad_utf8(void **state) {
    (void)state;
    pf_field f[] = {{"内容", "ab\xff\xfe" "cd 如", true}};
    pf_doc d = {.title = "通行证\xfe", .number = "", .qr = true, .fields = f, .nfields = 1, .a4 = true};
    tpdf t;
    render_file(&d, &t);
    char *text = run("pdftotext -enc UTF-8 '%s' - 2>&1", &t);
    has(text, "通行证");
    has(text, "cd 如");
    free(text);
    rm_dir(t.dir);
}

static void too_many_fields_or_signatures_fail(void **state) {
    (void)state;
    enum { N = 400 };
    pf_field *f = calloc(N, sizeof *f);
    assert_non_null(f);
    for (int i = 0; i < N; i++) f[i] = (pf_field){"标签", "值", false};
    pf_doc d = work_order(false);
    d.fields = f;
    d.nfields = N;
    buf b;
    buf_init(&b);
    assert_int_equal(pf_render_pdf(&d, &b), -1);
    buf_free(&b);
    free(f);

    const char *sign[40];
    for (int i = 0; i < 40; i++) sign[i] = "签字";
    d = work_order(false);
    d.signatures = sign;
    d.nsign = 40;
    buf_init(&b);
    assert_int_equal(pf_render_pdf(&d, &b), -1);
    buf_free(&b);
}

enum { THREADS = 4, PER_THREAD = 10 };

static void *render_many(void *arg) {
    int *ok = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        pf_doc d = work_order(i % 2 == 1);
        buf b;
        buf_init(&b);
        if (pf_render_pdf(&d, &b) == 0 && b.len > 1000 && memcmp(b.data, "%PDF", 4) == 0 &&
            strstr(b.data + b.len - 1000, "%%EOF"))
            (*ok)++;
        buf_free(&b);
    }
    return NULL;
}

static void threads_render_at_once(void **state) {
    (void)state;
    pthread_t th[THREADS];
    int ok[THREADS] = {0};
    for (int i = 0; i < THREADS; i++) assert_int_equal(pthread_create(&th[i], NULL, render_many, &ok[i]), 0);
    for (int i = 0; i < THREADS; i++) assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < THREADS; i++) assert_int_equal(ok[i], PER_THREAD);
}

int test_printform(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a5_work_order_text_and_glyphs),
        cmocka_unit_test(a4_page_size),
        cmocka_unit_test(huge_wide_field_is_cut_to_one_page),
        cmocka_unit_test(null_strings_print_empty),
        cmocka_unit_test(qr_with_empty_number_and_bad_utf8),
        cmocka_unit_test(too_many_fields_or_signatures_fail),
        cmocka_unit_test(threads_render_at_once),
    };
    return cmocka_run_group_tests_name("printform", tests, NULL, NULL);
}
