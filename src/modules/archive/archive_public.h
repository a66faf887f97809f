/*
** archive_public.h — what other modules may use of the archive module: an owner's phone as
** the user may see it (masked without people.reveal, SPEC A6), and a person of a unit for a
** record registered for them (a ticket's caller, issue 20).
*/
#ifndef KEFU_ARCHIVE_PUBLIC_H
#define KEFU_ARCHIVE_PUBLIC_H
#include "http/ctx.h"
#include "core/code_label.h"

/* The phone as the user may see it in project_id: whole, or 138****0001. */
const char *mask_phone(ctx *c, int64_t project_id, const char *phone);

/* A person as the archive holds them: the name and the whole numbers, for the server's own use
** (what is answered goes through mask_phone). */
typedef struct unit_person { const char *name, *phone, *phone2; } unit_person;
/* *out when person_id relates now (an active resident row) to unit_id of project_id: E_OK;
** E_NOT_FOUND when not; the database's error otherwise. Text in c's arena. */
kerr archive_unit_person(ctx *c, int64_t project_id, int64_t unit_id, int64_t person_id, unit_person *out);

/* A unit's uses (units.use_type): 住宅、商铺、办公、车位 (a fee item applies to some of them). */
extern const code_label UNIT_USES[];
#endif
