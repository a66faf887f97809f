/*
** sheet.h — reading a spreadsheet upload (.xlsx or .csv) into rows of text cells.
**
** The input is hostile: every size is bounded by sheet_limits, nothing is trusted from the
** file (zip sizes, XML counts), and every failure comes back as a code plus a Chinese
** message meant for the person who uploaded the file.
**
** Shape of the result:
**   - nrows counts rows up to the last row with a non-empty cell (header row included);
**     empty rows in the middle are kept (an xlsx row that is missing, or a blank CSV line,
**     has ncols 0 and cells[r] NULL).
**   - CSV: ncols is the number of fields on the line; xlsx: the column of the last non-empty
**     cell. Cells past ncols[r] are to be read as "". Empty cells share one "" string.
**   - Empty cells past max_cols are dropped silently (trailing commas, styled empty cells);
**     a non-empty one is SHEET_TOO_BIG. Likewise empty rows past max_rows.
**   - xlsx numbers: integers without ".0", reals as written ("89.5"), exponent notation
**     expanded ("1.3800138E10" → "13800138000"), float noise rounded to 15 significant
**     digits like Excel shows it ("0.30000000000000004" → "0.3"); dates stay serial numbers;
**     booleans are "TRUE"/"FALSE"; errors their text ("#N/A"); _xHHHH_ escapes decoded.
**     Only the first worksheet is read (skipping hidden ones and chart sheets; the first
**     worksheet if all are hidden; xl/worksheets/sheet1.xml if the workbook is unreadable).
**   - CSV: separator ',', RFC 4180 quoting; unquoted cells trimmed of ASCII spaces; UTF-8
**     (BOM skipped) or GB18030/GBK (converted with iconv).
** A limit field that is 0 takes the SHEET_LIMITS_DEFAULT value; max_cols is capped at 16384.
** Everything returned lives in the arena; nothing else needs freeing. On error *out is
** left empty ({0, NULL, NULL}).
*/
#ifndef KEFU_SHEET_H
#define KEFU_SHEET_H
#include <stddef.h>
#include "base/arena.h"            /* src/core/arena.h: arena_alloc (zeroed, NULL on OOM), arena_strdup, arena_strndup */

typedef struct sheet {
    int nrows;                /* rows read, header row included, trailing empty rows dropped */
    int *ncols;               /* cells in each row */
    char ***cells;            /* cells[r][c]: NUL-terminated UTF-8, "" when empty; all in the arena */
} sheet;

typedef enum sheet_err {
    SHEET_OK = 0, SHEET_EMPTY, SHEET_NOT_SPREADSHEET, SHEET_BAD_CSV, SHEET_BAD_XLSX, SHEET_TOO_BIG, SHEET_NOMEM
} sheet_err;

typedef struct sheet_limits { int max_rows; int max_cols; size_t max_cell; size_t max_unzipped; } sheet_limits;
#define SHEET_LIMITS_DEFAULT ((sheet_limits){600000, 64, 2000, 512u * 1024 * 1024})

/* Reads data (an upload). .xlsx is recognised by its zip signature, anything else is CSV.
** On error returns the code and writes a Chinese message a person understands into msg
** (e.g. "第 12 行：引号不成对（CSV 格式错误）", "不是 Excel (.xlsx) 或 CSV 文件", "文件解压后过大").
** lim NULL means SHEET_LIMITS_DEFAULT; msg may be NULL (msglen 0). */
sheet_err sheet_read(const char *data, size_t len, arena *a, const sheet_limits *lim, sheet *out, char *msg, size_t msglen);
#endif
