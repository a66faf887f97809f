/*
** sheet_test.c — reading uploaded spreadsheets (src/core/sheet.h): CSV quoting, encodings,
** xlsx written by libxlsxwriter and by hand with libzip, damaged and hostile files.
*/
#include "unit.h"
#include "core/sheet.h"
#include <iconv.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

/* ---- helpers ---- */

/* An error message is non-empty, valid UTF-8 and has Chinese in it. */
static void check_msg(const char *msg) {
    assert_non_null(msg);
    assert_true(msg[0] != 0);
    bool cjk = false;
    const unsigned char *u = (const unsigned char *)msg;
    for (size_t i = 0; u[i];) {
        if (u[i] < 0x80) { i++; continue; }
        int k = u[i] >= 0xF0 ? 3 : u[i] >= 0xE0 ? 2 : 1;
        if (u[i] >= 0xE4 && u[i] <= 0xE9) cjk = true;
        for (int j = 1; j <= k; j++) assert_int_equal(u[i + j] & 0xC0, 0x80);
        i += (size_t)k + 1;
    }
    if (!cjk) fail_msg("message has no Chinese: %s", msg);
}

typedef struct rd {
    arena a;
    sheet s;
    char msg[256];
    sheet_err e;
} rd;

static sheet_err rd_read(rd *r, const char *data, size_t len, const sheet_limits *lim) {
    arena_init(&r->a, 0);
    memset(r->msg, 'X', sizeof r->msg);
    r->msg[sizeof r->msg - 1] = 0;
    r->e = sheet_read(data, len, &r->a, lim, &r->s, r->msg, sizeof r->msg);
    if (r->e != SHEET_OK) {
        check_msg(r->msg);
        assert_int_equal(r->s.nrows, 0);
    }
    return r->e;
}

/* Reads and expects success. */
static void rd_ok(rd *r, const char *data, size_t len) {
    if (rd_read(r, data, len, NULL) != SHEET_OK) fail_msg("sheet_read failed (%d): %s", r->e, r->msg);
}

/* Reads and expects error e; the message must contain want (if not NULL). */
static void rd_err(const char *data, size_t len, const sheet_limits *lim, sheet_err e, const char *want) {
    rd r;
    sheet_err got = rd_read(&r, data, len, lim);
    if (got != e) fail_msg("expected error %d, got %d (%s)", e, got, got ? r.msg : "ok");
    if (want && !strstr(r.msg, want)) fail_msg("message \"%s\" lacks \"%s\"", r.msg, want);
    arena_free(&r.a);
}

static const char *cell(const rd *r, int row, int col) {
    assert_true(row < r->s.nrows);
    return col < r->s.ncols[row] ? r->s.cells[row][col] : "";
}

/* Row row is exactly the cells given (NULL-terminated). */
static void check_row(const rd *r, int row, ...) {
    va_list ap;
    va_start(ap, row);
    int c = 0;
    for (const char *want; (want = va_arg(ap, const char *)); c++) {
        if (c >= r->s.ncols[row]) fail_msg("row %d has %d cells, wanted more", row, r->s.ncols[row]);
        assert_string_equal(r->s.cells[row][c], want);
    }
    va_end(ap);
    assert_int_equal(r->s.ncols[row], c);
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) { free(p); p = NULL; }
    fclose(f);
    *len = (size_t)n;
    return p;
}

static void tmp_dir(char dir[256]) {
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, 256, "%s/kefu-sheet-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
}

/* An xlsx written by libxlsxwriter: fill() writes the workbook. */
static char *xlsx_make(void (*fill)(lxw_workbook *), size_t *len) {
    char dir[256], path[300];
    tmp_dir(dir);
    snprintf(path, sizeof path, "%s/t.xlsx", dir);
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    fill(wb);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    char *p = read_file(path, len);
    rm_dir(dir);
    assert_non_null(p);
    return p;
}

typedef struct zent { const char *name; const char *data; size_t len; } zent;

/* A zip of the entries (len 0 = strlen), deflated, made by libzip. */
static char *zip_make(const zent *e, int n, size_t *len) {
    char dir[256], path[300];
    tmp_dir(dir);
    snprintf(path, sizeof path, "%s/t.zip", dir);
    int err = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    for (int i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, e[i].data, e[i].len ? e[i].len : strlen(e[i].data), 0);
        assert_non_null(s);
        assert_true(zip_file_add(z, e[i].name, s, ZIP_FL_OVERWRITE) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    char *p = read_file(path, len);
    rm_dir(dir);
    assert_non_null(p);
    return p;
}

#define NS_MAIN "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
#define NS_R    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL     "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char CT[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
static const char PKG_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char WB_ONE[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook " NS_MAIN NS_R "><sheets>"
    "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char WB_RELS_ONE[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";

/* A one-sheet xlsx whose worksheet XML is sheet_xml (and shared strings sst, if any). */
static char *xlsx_raw(const char *sheet_xml, const char *sst, size_t *len) {
    zent e[] = {
        {"[Content_Types].xml", CT, 0}, {"_rels/.rels", PKG_RELS, 0}, {"xl/workbook.xml", WB_ONE, 0},
        {"xl/_rels/workbook.xml.rels", WB_RELS_ONE, 0}, {"xl/worksheets/sheet1.xml", sheet_xml, 0},
        {"xl/sharedStrings.xml", sst ? sst : "", 0},
    };
    return zip_make(e, sst ? 6 : 5, len);
}

#define SHEET_XML(rows) "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" \
    "<worksheet " NS_MAIN NS_R "><sheetData>" rows "</sheetData></worksheet>"

static uint32_t rng_state = 12345;
static uint32_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* ---- CSV ---- */

static void csv_plain(void **state) {
    (void)state;
    rd r;
    const char *t = "姓名,电话,面积\n张三,13800138000,89.5\n李四,13900139000,120\n";
    rd_ok(&r, t, strlen(t));
    assert_int_equal(r.s.nrows, 3);
    check_row(&r, 0, "姓名", "电话", "面积", NULL);
    check_row(&r, 1, "张三", "13800138000", "89.5", NULL);
    check_row(&r, 2, "李四", "13900139000", "120", NULL);
    arena_free(&r.a);
}

static void csv_bom_no_final_newline(void **state) {
    (void)state;
    rd r;
    const char *t = "\xEF\xBB\xBF房号,业主\n1-101,王五";
    rd_ok(&r, t, strlen(t));
    assert_int_equal(r.s.nrows, 2);
    check_row(&r, 0, "房号", "业主", NULL);
    check_row(&r, 1, "1-101", "王五", NULL);
    arena_free(&r.a);
}

static void csv_crlf_and_cr(void **state) {
    (void)state;
    rd r;
    const char *t = "a,b\r\n1,2\r\n3,4\r\n";
    rd_ok(&r, t, strlen(t));
    assert_int_equal(r.s.nrows, 3);
    check_row(&r, 2, "3", "4", NULL);
    arena_free(&r.a);
    t = "a,b\r1,2\r";                                   /* old Mac line ends */
    rd_ok(&r, t, strlen(t));
    assert_int_equal(r.s.nrows, 2);
    check_row(&r, 1, "1", "2", NULL);
    arena_free(&r.a);
}

static void csv_quoted(void **state) {
    (void)state;
    rd r;
    const char *t = "\"x, y\",\"第一行\r\n第二行\",\"他说\"\"你好\"\"\",  plain  , \"  kept  \" ,\"\"\n"
                    "next,\"\"\"\"\n";
    rd_ok(&r, t, strlen(t));
    assert_int_equal(r.s.nrows, 2);
    check_row(&r, 0, "x, y", "第一行\r\n第二行", "他说\"你好\"", "plain", "  kept  ", "", NULL);
    check_row(&r, 1, "next", "\"", NULL);
    arena_free(&r.a);
}

static void csv_empty_cells_and_lines(void **state) {
    (void)state;
    rd r;
    const char *t = "a,,c\n,,\n\nd,\n\n\n,,,\n  \n";
    rd_ok(&r, t, strlen(t));
    assert_int_equal(r.s.nrows, 4);                     /* trailing empty rows dropped */
    check_row(&r, 0, "a", "", "c", NULL);
    check_row(&r, 1, "", "", "", NULL);
    assert_int_equal(r.s.ncols[2], 0);
    check_row(&r, 3, "d", "", NULL);
    assert_string_equal(cell(&r, 3, 5), "");
    arena_free(&r.a);
}

static void csv_bad_quote_inside_field(void **state) {
    (void)state;
    const char *t = "a,b\nc,d\"e\nf,g\n";
    rd_err(t, strlen(t), NULL, SHEET_BAD_CSV, "第 2 行");
}

static void csv_bad_unterminated(void **state) {
    (void)state;
    const char *t = "a,b\n1,2\n\"open,3\nmore\nstill\n";
    rd_err(t, strlen(t), NULL, SHEET_BAD_CSV, "第 3 行：引号不成对");
}

static void csv_bad_after_closing_quote(void **state) {
    (void)state;
    const char *t = "a\n\"x\"y,z\n";
    rd_err(t, strlen(t), NULL, SHEET_BAD_CSV, "第 2 行");
    /* line numbers count the line breaks inside quoted fields */
    t = "\"多\n行\r\n文字\",b\r\nc,d\"\n";
    rd_err(t, strlen(t), NULL, SHEET_BAD_CSV, "第 4 行");
}

static void csv_nul_and_binary(void **state) {
    (void)state;
    rd_err("a,b\n1\0002\n", 8, NULL, SHEET_NOT_SPREADSHEET, "不是 Excel (.xlsx) 或 CSV 文件");
    char junk[4096];
    for (int round = 0; round < 20; round++) {
        size_t n = 1 + rng() % sizeof junk;
        for (size_t i = 0; i < n; i++) junk[i] = (char)(rng() | (round & 1));   /* odd rounds: no NUL */
        if (n >= 2 && junk[0] == 'P' && junk[1] == 'K') junk[0] = 'Q';
        rd r;
        sheet_err e = rd_read(&r, junk, n, NULL);
        if (n >= 64) assert_int_equal(e, SHEET_NOT_SPREADSHEET);
        arena_free(&r.a);
    }
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    rd_err(png, sizeof png - 1, NULL, SHEET_NOT_SPREADSHEET, NULL);
    static const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
    rd_err(xls, sizeof xls - 1, NULL, SHEET_NOT_SPREADSHEET, ".xls");
    rd_err("\xFF\xFE" "a\0,\0b\0", 8, NULL, SHEET_NOT_SPREADSHEET, "UTF-16");
    const char *html = "\r\n<html><body><table><tr><td>1</td></tr></table></body></html>";
    rd_err(html, strlen(html), NULL, SHEET_NOT_SPREADSHEET, NULL);
}

static void csv_gbk(void **state) {
    (void)state;
    const char *utf8 = "姓名,地址,备注\n张三,\"北京市朝阳区, 1号楼\",欠费\n";
    char gbk[256];
    iconv_t cd = iconv_open("GBK", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char *in = (char *)utf8, *o = gbk;
    size_t inl = strlen(utf8), ol = sizeof gbk;
    assert_true(iconv(cd, &in, &inl, &o, &ol) != (size_t)-1);
    iconv_close(cd);
    size_t n = sizeof gbk - ol;
    assert_true(n < strlen(utf8));                      /* really re-encoded */
    rd r;
    rd_ok(&r, gbk, n);
    assert_int_equal(r.s.nrows, 2);
    check_row(&r, 0, "姓名", "地址", "备注", NULL);
    check_row(&r, 1, "张三", "北京市朝阳区, 1号楼", "欠费", NULL);
    arena_free(&r.a);
    /* literal GBK bytes: 中文 */
    rd_ok(&r, "\xD6\xD0\xCE\xC4,x\n", 7);
    check_row(&r, 0, "中文", "x", NULL);
    arena_free(&r.a);
    /* neither UTF-8 nor GB18030 */
    rd_err("abc,\x80\x80\xFF\xFF\n", 9, NULL, SHEET_NOT_SPREADSHEET, "编码");
}

static void csv_empty(void **state) {
    (void)state;
    rd_err("", 0, NULL, SHEET_EMPTY, NULL);
    rd_err("\xEF\xBB\xBF", 3, NULL, SHEET_EMPTY, NULL);
    rd_err("\n\r\n,,\n  ,\n", 10, NULL, SHEET_EMPTY, NULL);
}

static void csv_limits(void **state) {
    (void)state;
    sheet_limits lim = {3, 4, 10, 1 << 20};
    rd_err("a,b,c,d,e\n", 10, &lim, SHEET_TOO_BIG, "第 1 行超过 4 列");
    rd_err("a\n1\n2\n3\n", 8, &lim, SHEET_TOO_BIG, "3 行");
    rd_err("a,12345678901\n", 14, &lim, SHEET_TOO_BIG, "第 1 行 B 列");
    rd r;                                               /* empty cells and rows past the limits are fine */
    assert_int_equal(rd_read(&r, "a,b,c,d,,,,,\n1\n2\n\n\n\n,,\n", 23, &lim), SHEET_OK);
    assert_int_equal(r.s.nrows, 3);
    assert_int_equal(r.s.ncols[0], 4);
    arena_free(&r.a);
    /* small messages buffer: truncated on a character boundary */
    arena a;
    arena_init(&a, 0);
    sheet s;
    char small[8];
    assert_int_equal(sheet_read("\"x", 2, &a, NULL, &s, small, sizeof small), SHEET_BAD_CSV);
    assert_true(strlen(small) < sizeof small);
    assert_string_equal(small, "第 1 ");
    assert_int_equal(sheet_read("\"x", 2, &a, NULL, &s, NULL, 0), SHEET_BAD_CSV);
    arena_free(&a);
}

/* ---- XLSX from libxlsxwriter ---- */

static void fill_basic(lxw_workbook *wb) {
    lxw_worksheet *ws = workbook_add_worksheet(wb, "业主");
    worksheet_write_string(ws, 0, 0, "房号", NULL);
    worksheet_write_string(ws, 0, 1, "姓名", NULL);
    worksheet_write_string(ws, 0, 2, "电话", NULL);
    worksheet_write_string(ws, 0, 3, "面积", NULL);
    worksheet_write_string(ws, 0, 4, "备注", NULL);
    worksheet_write_string(ws, 1, 0, "1-101", NULL);
    worksheet_write_string(ws, 1, 1, "张三", NULL);
    worksheet_write_number(ws, 1, 2, 13800138000.0, NULL);
    worksheet_write_number(ws, 1, 3, 89.5, NULL);
    worksheet_write_string(ws, 1, 4, "姓名", NULL);          /* a shared string used twice */
    worksheet_write_string(ws, 2, 0, "1-102", NULL);          /* B, C blank in the middle */
    worksheet_write_number(ws, 2, 3, 120, NULL);
    worksheet_write_boolean(ws, 2, 4, 1, NULL);
    worksheet_write_number(ws, 5, 0, -0.25, NULL);            /* rows 4, 5 missing */
    worksheet_write_number(ws, 5, 1, 45678, NULL);            /* a date serial stays a number */
    lxw_worksheet *ws2 = workbook_add_worksheet(wb, "第二页");
    worksheet_write_string(ws2, 0, 0, "不该读到", NULL);
    for (int i = 1; i < 50; i++) worksheet_write_number(ws2, (lxw_row_t)i, 0, i, NULL);
}

static void xlsx_basic(void **state) {
    (void)state;
    size_t n;
    char *x = xlsx_make(fill_basic, &n);
    rd r;
    rd_ok(&r, x, n);
    assert_int_equal(r.s.nrows, 6);
    check_row(&r, 0, "房号", "姓名", "电话", "面积", "备注", NULL);
    check_row(&r, 1, "1-101", "张三", "13800138000", "89.5", "姓名", NULL);
    check_row(&r, 2, "1-102", "", "", "120", "TRUE", NULL);
    assert_int_equal(r.s.ncols[3], 0);
    assert_int_equal(r.s.ncols[4], 0);
    check_row(&r, 5, "-0.25", "45678", NULL);
    arena_free(&r.a);
    free(x);
}

static void fill_empty(lxw_workbook *wb) {
    lxw_worksheet *ws = workbook_add_worksheet(wb, "空");
    worksheet_write_blank(ws, 3, 3, NULL);
}

static void xlsx_empty_sheet(void **state) {
    (void)state;
    size_t n;
    char *x = xlsx_make(fill_empty, &n);
    rd_err(x, n, NULL, SHEET_EMPTY, NULL);
    free(x);
}

/* ---- XLSX written by hand ---- */

static void xlsx_numbers_and_types(void **state) {
    (void)state;
    static const char sst[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst " NS_MAIN "count=\"3\" uniqueCount=\"3\">"
        "<si><t>普通</t></si>"
        "<si><r><rPr><b/></rPr><t>加</t></r><r><t xml:space=\"preserve\">粗 文字</t></r>"
        "<rPh sb=\"0\" eb=\"1\"><t>ピンイン</t></rPh><phoneticPr fontId=\"1\"/></si>"
        "<si><t>一行_x000D_\n二行 a_x005F_x0041_b &amp; &lt;</t></si></sst>";
    static const char ws[] = SHEET_XML(
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c></row>"
        "<row r=\"2\"><c r=\"A2\"><v>1.3800138E10</v></c><c r=\"B2\" t=\"n\"><v>89.5</v></c><c r=\"C2\"><v>100.0</v></c>"
        "<c r=\"D2\"><v>0.30000000000000004</v></c><c r=\"E2\"><v>1E-3</v></c><c r=\"F2\"><v>42</v></c>"
        "<c r=\"G2\"><v>-4.5E+2</v></c><c r=\"H2\"><v>1.23456789012345E+17</v></c><c r=\"I2\"><v>1E+300</v></c></row>"
        "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>内联</t></is></c><c r=\"B3\" t=\"b\"><v>0</v></c>"
        "<c r=\"C3\" t=\"e\"><v>#N/A</v></c><c r=\"D3\" t=\"str\"><f>A1&amp;\"x\"</f><v>普通x</v></c>"
        "<c r=\"E3\" s=\"1\"/><c r=\"F3\" t=\"s\"/></row>"
        "<row r=\"4\" spans=\"1:3\"><c><v>1</v></c><c><v>2</v></c><c r=\"E4\"><v>5</v></c><c><v>6</v></c></row>"
        "<row r=\"6\" s=\"2\" customFormat=\"1\"/>"
        "<row r=\"1000\"/>");
    size_t n;
    char *x = xlsx_raw(ws, sst, &n);
    rd r;
    rd_ok(&r, x, n);
    assert_int_equal(r.s.nrows, 4);
    check_row(&r, 0, "普通", "加粗 文字", "一行\r\n二行 a_x0041_b & <", NULL);
    check_row(&r, 1, "13800138000", "89.5", "100", "0.3", "0.001", "42", "-450", "123456789012345000", "1E+300", NULL);
    check_row(&r, 2, "内联", "FALSE", "#N/A", "普通x", NULL);
    check_row(&r, 3, "1", "2", "", "", "5", "6", NULL);
    arena_free(&r.a);
    free(x);
}

static void xlsx_prefixed_and_hidden_first_sheet(void **state) {
    (void)state;
    /* Open XML SDK style x: prefixes; the workbook lives elsewhere; the first sheet is hidden */
    static const char pkg[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"R1\" Type=\"" REL "officeDocument\" Target=\"/book/wb.xml\"/></Relationships>";
    static const char wb[] =
        "<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " NS_R "><x:sheets>"
        "<x:sheet name=\"图\" sheetId=\"3\" r:id=\"c1\"/>"
        "<x:sheet name=\"说明\" sheetId=\"1\" state=\"hidden\" r:id=\"h1\"/>"
        "<x:sheet name=\"数据\" sheetId=\"2\" r:id=\"d1\"/></x:sheets></x:workbook>";
    static const char rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"c1\" Type=\"" REL "chartsheet\" Target=\"charts/c.xml\"/>"
        "<Relationship Id=\"h1\" Type=\"" REL "worksheet\" Target=\"./sheets/hidden.xml\"/>"
        "<Relationship Id=\"d1\" Type=\"" REL "worksheet\" Target=\"../book/sheets/data.xml\"/>"
        "<Relationship Id=\"s1\" Type=\"" REL "sharedStrings\" Target=\"strings.xml\"/></Relationships>";
    static const char data[] =
        "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
        "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"B1\" t=\"inlineStr\"><x:is><x:t>行内</x:t></x:is></x:c></x:row>"
        "</x:sheetData></x:worksheet>";
    static const char hidden[] = SHEET_XML("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>隐藏</t></is></c></row>");
    static const char strings[] = "<sst " NS_MAIN "><si><t>数据页</t></si></sst>";
    zent e[] = {
        {"_rels/.rels", pkg, 0}, {"book/wb.xml", wb, 0}, {"book/_rels/wb.xml.rels", rels, 0},
        {"book/sheets/hidden.xml", hidden, 0}, {"book/sheets/data.xml", data, 0}, {"book/strings.xml", strings, 0},
    };
    size_t n;
    char *x = zip_make(e, 6, &n);
    rd r;
    rd_ok(&r, x, n);
    assert_int_equal(r.s.nrows, 1);
    check_row(&r, 0, "数据页", "行内", NULL);
    arena_free(&r.a);
    free(x);
}

static void xlsx_fallback_without_workbook(void **state) {
    (void)state;
    static const char ws[] = SHEET_XML("<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>只有工作表</t></is></c></row>");
    zent e[] = {{"xl/worksheets/sheet1.xml", ws, 0}};
    size_t n;
    char *x = zip_make(e, 1, &n);
    rd r;
    rd_ok(&r, x, n);
    assert_int_equal(r.s.nrows, 2);
    assert_int_equal(r.s.ncols[0], 0);
    check_row(&r, 1, "", "只有工作表", NULL);
    arena_free(&r.a);
    free(x);
}

static void xlsx_bad_content(void **state) {
    (void)state;
    size_t n;
    char *x = xlsx_raw(SHEET_XML("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"1\"></row>"), NULL, &n);
    rd_err(x, n, NULL, SHEET_BAD_XLSX, NULL);
    free(x);
    x = xlsx_raw(SHEET_XML("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>"), NULL, &n);
    rd_err(x, n, NULL, SHEET_BAD_XLSX, "第 1 行 A 列");
    free(x);
    x = xlsx_raw(SHEET_XML("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>"), NULL, &n);
    rd_err(x, n, NULL, SHEET_BAD_XLSX, NULL);
    free(x);
    x = xlsx_raw("<worksheet><sheetData><row><c><v>1</v></row></sheetData></worksheet>", NULL, &n);
    rd_err(x, n, NULL, SHEET_BAD_XLSX, "格式错误");
    free(x);
    /* billion laughs: any DTD is refused */
    x = xlsx_raw("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                 "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                 "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
                 "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>",
                 NULL, &n);
    rd_err(x, n, NULL, SHEET_BAD_XLSX, "DTD");
    free(x);
    /* deep nesting */
    size_t deep = 100000;
    char *d = malloc(11 + deep * 3 + 1);
    memcpy(d, "<worksheet>", 11);
    for (size_t i = 0; i < deep; i++) memcpy(d + 11 + i * 3, "<a>", 3);
    d[11 + deep * 3] = 0;
    x = xlsx_raw(d, NULL, &n);
    free(d);
    rd_err(x, n, NULL, SHEET_BAD_XLSX, "嵌套过深");
    free(x);
}

static void xlsx_limits(void **state) {
    (void)state;
    sheet_limits lim = {3, 4, 10, 1 << 20};
    size_t n;
    char *x = xlsx_raw(SHEET_XML("<row r=\"1\"><c r=\"E1\"><v>1</v></c></row>"), NULL, &n);
    rd_err(x, n, &lim, SHEET_TOO_BIG, "超过 4 列");
    free(x);
    x = xlsx_raw(SHEET_XML("<row r=\"4\"><c r=\"A4\"><v>1</v></c></row>"), NULL, &n);
    rd_err(x, n, &lim, SHEET_TOO_BIG, "超过 3 行");
    free(x);
    x = xlsx_raw(SHEET_XML("<row r=\"2\"><c r=\"C2\" t=\"inlineStr\"><is><t>01234567890</t></is></c></row>"), NULL, &n);
    rd_err(x, n, &lim, SHEET_TOO_BIG, "第 2 行 C 列");
    free(x);
    x = xlsx_raw(SHEET_XML("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>"),
                 "<sst " NS_MAIN "><si><t>短</t></si><si><t>很长很长很长很长</t></si></sst>", &n);
    rd_err(x, n, &lim, SHEET_TOO_BIG, "第 1 行 A 列");
    free(x);
    /* a long shared string nobody uses, empty styled cells and rows past the limits: fine */
    x = xlsx_raw(SHEET_XML("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"Z1\" s=\"3\"/></row><row r=\"99\" s=\"1\"/>"),
                 "<sst " NS_MAIN "><si><t>短</t></si><si><t>很长很长很长很长</t></si></sst>", &n);
    rd r;
    assert_int_equal(rd_read(&r, x, n, &lim), SHEET_OK);
    check_row(&r, 0, "短", NULL);
    arena_free(&r.a);
    free(x);
}

static void xlsx_truncated_and_corrupted(void **state) {
    (void)state;
    size_t n;
    char *x = xlsx_make(fill_basic, &n);
    for (int k = 1; k < 32; k++) {                      /* cut anywhere: an error, never a crash */
        size_t cut = n * (size_t)k / 32;
        rd r;
        sheet_err e = rd_read(&r, x, cut, NULL);
        if (e != SHEET_BAD_XLSX && e != SHEET_NOT_SPREADSHEET) fail_msg("cut at %zu: %d %s", cut, e, r.msg);
        arena_free(&r.a);
    }
    char *m = malloc(n);
    for (int round = 0; round < 300; round++) {         /* flipped bytes: any answer, never a crash */
        memcpy(m, x, n);
        int flips = 1 + (int)(rng() % 8);
        for (int f = 0; f < flips; f++) m[rng() % n] = (char)rng();
        rd r;
        rd_read(&r, m, n, NULL);
        arena_free(&r.a);
    }
    free(m);
    free(x);
}

static void xlsx_not_a_workbook(void **state) {
    (void)state;
    zent e[] = {{"readme.txt", "这不是表格", 0}, {"word/document.xml", "<w:document/>", 0}};
    size_t n;
    char *x = zip_make(e, 2, &n);
    rd_err(x, n, NULL, SHEET_BAD_XLSX, "没有找到工作表");
    free(x);
    char junk[2048];                                    /* zip signature, then noise */
    for (int round = 0; round < 20; round++) {
        memcpy(junk, "PK\3\4", 4);
        for (size_t i = 4; i < sizeof junk; i++) junk[i] = (char)rng();
        rd_err(junk, sizeof junk, NULL, SHEET_BAD_XLSX, NULL);
    }
}

static void xlsx_zip_bomb(void **state) {
    (void)state;
    size_t big = 8u << 20;                              /* 8 MB worksheet, compresses to ~8 KB */
    char *ws = malloc(big + 1);
    static const char head[] = "<worksheet><sheetData>";
    memcpy(ws, head, sizeof head - 1);
    memset(ws + sizeof head - 1, ' ', big - (sizeof head - 1));
    ws[big] = 0;
    zent e[] = {{"xl/worksheets/sheet1.xml", ws, big}};
    size_t n;
    char *x = zip_make(e, 1, &n);
    free(ws);
    assert_true(n < big / 100);
    sheet_limits lim = {1000, 64, 2000, 4u << 20};
    rd_err(x, n, &lim, SHEET_TOO_BIG, "文件解压后过大");
    /* the declared size lies (patched to 100 bytes): the bytes actually inflated still count */
    assert_true(memcmp(x, "PK\3\4", 4) == 0);
    uint32_t small = 100;
    memcpy(x + 22, &small, 4);                          /* local header: uncompressed size */
    char *cd = NULL;
    for (size_t i = n - 22; i-- > 0;)
        if (memcmp(x + i, "PK\1\2", 4) == 0) { cd = x + i; break; }
    assert_non_null(cd);
    memcpy(cd + 24, &small, 4);                         /* central directory: uncompressed size */
    rd r;
    sheet_err got = rd_read(&r, x, n, &lim);
    if (got != SHEET_TOO_BIG && got != SHEET_BAD_XLSX) fail_msg("lying zip: %d %s", got, r.msg);
    arena_free(&r.a);
    free(x);
}

int test_sheet(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_plain),
        cmocka_unit_test(csv_bom_no_final_newline),
        cmocka_unit_test(csv_crlf_and_cr),
        cmocka_unit_test(csv_quoted),
        cmocka_unit_test(csv_empty_cells_and_lines),
        cmocka_unit_test(csv_bad_quote_inside_field),
        cmocka_unit_test(csv_bad_unterminated),
        cmocka_unit_test(csv_bad_after_closing_quote),
        cmocka_unit_test(csv_nul_and_binary),
        cmocka_unit_test(csv_gbk),
        cmocka_unit_test(csv_empty),
        cmocka_unit_test(csv_limits),
        cmocka_unit_test(xlsx_basic),
        cmocka_unit_test(xlsx_empty_sheet),
        cmocka_unit_test(xlsx_numbers_and_types),
        cmocka_unit_test(xlsx_prefixed_and_hidden_first_sheet),
        cmocka_unit_test(xlsx_fallback_without_workbook),
        cmocka_unit_test(xlsx_bad_content),
        cmocka_unit_test(xlsx_limits),
        cmocka_unit_test(xlsx_truncated_and_corrupted),
        cmocka_unit_test(xlsx_not_a_workbook),
        cmocka_unit_test(xlsx_zip_bomb),
    };
    return cmocka_run_group_tests_name("sheet", tests, NULL, NULL);
}
