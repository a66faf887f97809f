/*
** archive_public.h — what other modules may use of the archive module: an owner's phone as
** the user may see it (masked without people.reveal, SPEC A6).
*/
#ifndef KEFU_ARCHIVE_PUBLIC_H
#define KEFU_ARCHIVE_PUBLIC_H
#include "http/ctx.h"

/* The phone as the user may see it in project_id: whole, or 138****0001. */
const char *mask_phone(ctx *c, int64_t project_id, const char *phone);
#endif
