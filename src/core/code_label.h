/*
** code_label.h — a code and its Chinese label ("water" → "给排水"): the fixed choices of a field
** (kit/codes.h) and the words of the audit log (http/module.h) are tables of these, ending with
** {NULL}. A label NULL means the code is its own label.
*/
#ifndef KEFU_CODE_LABEL_H
#define KEFU_CODE_LABEL_H
typedef struct code_label { const char *code, *label; } code_label;
#endif
