/*
** phone.h — Chinese phone numbers in input: a mobile (1[3-9] and 9 digits) or a landline with
** its area code (020-12345678, 0755-1234567-801).
*/
#ifndef KEFU_PHONE_H
#define KEFU_PHONE_H
#include "http/ctx.h"

bool phone_cn_ok(const char *phone);
/* "" and NULL pass; otherwise 422 on field with a message naming label. */
kerr check_phone_cn(ctx *c, const char *field, const char *label, const char *phone);
/* The masked form whoever reads it (138****5678; "****" under 8 characters; "" stays ""), in
** arena a: for the audit log, which never keeps a whole number. */
const char *phone_masked(arena *a, const char *phone);
#endif
