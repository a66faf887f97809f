/*
** tickets_slip.c — the printable work-order slip (维修任务单, SPEC R9, X4): A5 or A4, the
** project's name, the number with its QR code, the unit and contact, what to do, when, who
** goes, and boxes for the technician's, the owner's and the callback signatures.
*/
#include "tickets.h"
#include "core/printform.h"
#include <string.h>

#define SLIP_COLS "p.name, t.number, t.kind, t.category, t.paid, COALESCE(un.code, ''), t.location, t.caller, t.phone, " \
                  "t.content, t.appointment_at, ru.display_name, COALESCE(tu.display_name, ''), t.created_at, t.work_done, " \
                  "t.project_id, COALESCE(t.technician_id, 0), t.phone_archived"

static const char *when(ctx *c, int64_t t) {
    if (!t) return "";
    char iso[40];
    clock_iso(t, iso, sizeof iso);
    return arena_printf(&c->a, "%.10s %.5s", iso, iso + 11);
}

/* The slip's fields from one row of SLIP_COLS. */
static int slip_fields(ctx *c, db_stmt *st, pf_field *f) {
    const char *kind = code_label_of(TICKET_KINDS, db_col_text(st, 2)), *cat = code_label_of(REPAIR_CATEGORIES, db_col_text(st, 3));
    const char *unit = db_col_text(st, 5), *loc = db_col_text(st, 6);
    int n = 0;
    f[n++] = (pf_field){"类型", arena_printf(&c->a, "%s%s", kind ? kind : "", db_col_int(st, 4) ? "（有偿服务）" : ""), false, 0};
    f[n++] = (pf_field){"报修类别", arena_strdup(&c->a, cat ? cat : ""), false, 0};
    f[n++] = (pf_field){"房号", arena_strdup(&c->a, *unit ? unit : "—"), false, 0};
    f[n++] = (pf_field){"公共位置", arena_strdup(&c->a, *loc ? loc : "—"), false, 0};
    f[n++] = (pf_field){"联系人", arena_strdup(&c->a, db_col_text(st, 7)), false, 0};
    f[n++] = (pf_field){"联系电话", ticket_phone(c, db_col_int(st, 15), db_col_int(st, 16), arena_strdup(&c->a, db_col_text(st, 8)),
                                                db_col_int(st, 17) != 0, true),
                        false, 0};
    f[n++] = (pf_field){"登记时间", when(c, db_col_int(st, 13)), false, 0};
    f[n++] = (pf_field){"预约时间", when(c, db_col_int(st, 10)), false, 0};
    f[n++] = (pf_field){"登记人", arena_strdup(&c->a, db_col_text(st, 11)), false, 0};
    f[n++] = (pf_field){"维修人员", arena_strdup(&c->a, db_col_text(st, 12)), false, 0};
    f[n++] = (pf_field){"报修内容", arena_strdup(&c->a, db_col_text(st, 9)), true, 0};
    f[n++] = (pf_field){"处理情况", arena_strdup(&c->a, db_col_text(st, 14)), true, 4};
    f[n++] = (pf_field){"材料及收费", "", true, 2};
    return n;
}

kerr ticket_slip(ctx *c) {
    int64_t id, pid;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = ticket_row(c, id, "tickets.read", &pid))) return e;
    const char *size = q_str(c, "size");
    if (size && strcmp(size, "a4") && strcmp(size, "a5")) return ctx_fail(c, E_BAD_REQUEST, "size", "纸张应为 a4 或 a5");
    db_stmt *st = db_query(c->db, "SELECT " SLIP_COLS " FROM " TICKET_FROM " JOIN projects p ON p.id = t.project_id "
                                  "WHERE t.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, "工单不存在") : db_last_kerr(c->db); }
    pf_field f[16];
    static const char *const signs[] = {"维修人员签字", "业主签字确认", "客服回访"};
    pf_doc d = {.title = "维修任务单", .org = arena_strdup(&c->a, db_col_text(st, 0)),
                .number = arena_strdup(&c->a, db_col_text(st, 1)), .qr = true, .fields = f,
                .nfields = slip_fields(c, st, f), .signatures = signs, .nsign = 3,
                .footer = arena_printf(&c->a, "打印时间 %s · 打印人 %s", when(c, c->now), c->user->display_name),
                .a4 = size && !strcmp(size, "a4")};
    db_finish(st);
    if (pf_render_pdf(&d, &c->out) != 0) { buf_free(&c->out); buf_init(&c->out); return E_INTERNAL; }
    c->status = 200;
    c->content_type = "application/pdf";
    ctx_header(c, "Content-Disposition", arena_printf(&c->a, "inline; filename=\"%s.pdf\"", d.number));
    ctx_header(c, "Cache-Control", "no-store");
    return E_OK;
}
