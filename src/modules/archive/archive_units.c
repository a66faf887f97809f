/*
** archive_units.c — 房屋: units, their status over time, who lives there (residents), their
** vehicles and pets. Every change is audited on the unit, which is the unit's history (A5).
*/
#include "archive.h"
#include "kit/list.h"
#include "base/clock.h"
#include "http/export.h"
#include "http/input.h"
#include <string.h>

void owner_rec_read(db_stmt *st, owner_rec *o) {
    *o = (owner_rec){db_col_int(st, 0), db_col_int(st, 1), db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4)};
}

void owner_rec_json(ctx *c, const owner_rec *o, int64_t pid, jw *w) {
    jw_int(w, "person_id", o->person_id);
    jw_str(w, "name", o->name);
    jw_str(w, "phone", mask_phone(c, pid, o->phone));
    jw_str(w, "relation", o->relation);
}

/* One owner: an OWNERS_SQL row. */
static void owner_child(ctx *c, db_stmt *st, jw *w, int64_t pid) {
    owner_rec o;
    owner_rec_read(st, &o);
    owner_rec_json(c, &o, pid, w);
}

/* Writes the rows of a section's query (bound, not stepped) as the array `key`, each by row();
** returns how the rows ended (E_OK, or the database's error). */

/* A section of the unit page whose rows are written knowing the unit's project (masking). */
typedef struct pid_row { void (*row)(ctx *c, db_stmt *st, jw *w, int64_t pid); int64_t pid; } pid_row;
static void with_pid(ctx *c, db_stmt *st, jw *w, void *arg) {
    const pid_row *p = arg;
    p->row(c, st, w, p->pid);
}
static kerr section_rows(ctx *c, db_stmt *st, const char *key, int64_t pid, jw *w,
                         void (*row)(ctx *c, db_stmt *st, jw *w, int64_t pid)) {
    return json_rows(c, st, w, key, with_pid, &(pid_row){row, pid});
}

/* The current owners (业主/共有人) of one unit, as "owners". */
static kerr unit_owners(ctx *c, int64_t uid, int64_t pid, jw *w) {
    return section_rows(c, db_query(c->db, OWNERS_SQL " WHERE r.unit_id = ? AND " OWNERS_FILTER " ORDER BY r.id", DI(uid)),
                        "owners", pid, w, owner_child);
}

void unit_rec_read(db_stmt *st, unit_rec *r) {
    *r = (unit_rec){
        .id = db_col_int(st, 0), .project_id = db_col_int(st, 1), .building_id = db_col_int(st, 2),
        .bcode = db_col_text(st, 3), .bname = db_col_text(st, 4), .entrance = db_col_text(st, 5),
        .room = db_col_text(st, 6), .code = db_col_text(st, 7),
        .has_floor = !db_col_is_null(st, 8), .floor = db_col_int(st, 8),
        .has_area_build = !db_col_is_null(st, 9), .area_build = db_col_int(st, 9),
        .has_area_use = !db_col_is_null(st, 10), .area_use = db_col_int(st, 10),
        .use = db_col_text(st, 11), .structure = db_col_text(st, 12), .holder = db_col_text(st, 13),
        .status = db_col_text(st, 14), .remark = db_col_text(st, 15), .version = db_col_int(st, 16),
        .created_at = db_col_int(st, 17), .updated_at = db_col_int(st, 18),
        .complete = db_col_int(st, 19) != 0, .has_owner = db_col_int(st, 20) != 0,
    };
}

void unit_rec_json(const unit_rec *r, jw *w) {
    jw_int(w, "id", r->id);
    jw_int(w, "project_id", r->project_id);
    jw_int(w, "building_id", r->building_id);
    jw_str(w, "building_code", r->bcode);
    jw_str(w, "building_name", r->bname);
    jw_str(w, "entrance", r->entrance);
    jw_str(w, "room", r->room);
    jw_str(w, "code", r->code);
    if (r->has_floor) jw_int(w, "floor", r->floor); else jw_null(w, "floor");
    jw_area(w, "area_build", r->has_area_build, r->area_build);
    jw_area(w, "area_use", r->has_area_use, r->area_use);
    jw_str(w, "use", r->use);
    jw_str(w, "structure", r->structure);
    jw_str(w, "holder", r->holder);
    jw_str(w, "status", r->status);
    jw_str(w, "remark", r->remark);
    jw_int(w, "version", r->version);
    jw_time(w, "created_at", r->created_at);
    jw_time(w, "updated_at", r->updated_at);
    jw_bool(w, "complete", r->complete);
    jw_arr(w, "missing");
    if (!r->complete) {
        if (!r->has_area_build) jw_str(w, NULL, "area_build");
        if (!r->holder || !*r->holder) jw_str(w, NULL, "holder");
        if (strcmp(r->status, "未交房") && strcmp(r->status, "空置")) jw_str(w, NULL, r->has_owner ? "owner_phone" : "owner");
    }
    jw_end(w);
}

/* Writes the unit fields of a UNIT_COLS row (no braces). */
void unit_fields(ctx *c, db_stmt *st, jw *w) {
    (void)c;
    unit_rec r;
    unit_rec_read(st, &r);
    unit_rec_json(&r, w);
}

/* Unit rows (UNIT_COLS) with their owners, written as a JSON array's items. */
kerr units_json_rows(ctx *c, db_stmt *st, jw *w, int (*next)(void *), void *arg) {
    static const child_batch owners = {
        unit_fields, "owners", OWNERS_SQL, "r.unit_id IN ?*", OWNERS_FILTER, "ORDER BY r.unit_id, r.id", owner_child,
    };
    return json_rows_with_children(c, st, w, next, arg, &owners);
}

static kerr units_filter(ctx *c, list_q *f) {
    qb *b = &f->b;
    int64_t incomplete = 0;
    const char *status = q_str(c, "status"), *use = q_str(c, "use"), *q = q_str(c, "q");
    kerr e = q_int(c, "incomplete", "未完整", 0, 1, 0, &incomplete);
    if (e) return e;
    if (status) qb_and(b, "u.status = ?", DT(status));
    if (use) qb_and(b, "u.use_type = ?", DT(use));
    if (incomplete) qb_and(b, "NOT " UNIT_COMPLETE_SQL);
    if (q) {
        const char *like = qb_like(&c->a, q);
        qb_and(b, "u.code LIKE ? ESCAPE '\\' OR u.room = ? OR u.holder LIKE ? ESCAPE '\\'", DT(like), DT(q), DT(like));
    }
    return E_OK;
}

/* Owners are read batch by batch on the same connection while the list is read: both
** backends allow it (SQLite steps statements side by side; libpq holds whole results). */
static kerr units_page(ctx *c, listq *lq, jw *w, void *arg) {
    (void)arg;
    return units_json_rows(c, lq->st, w, list_step, lq);
}

static const list_def UNITS = {
    .perm = "archive.read", .project_col = "u.project_id",
    .ids = (const id_filter[]){{"building_id", "楼栋", "u.building_id = ?"}, {NULL, NULL, NULL}},
    .filter = units_filter,
    .sorts = (const list_sort[]){
        {"code", "ORDER BY u.project_id, LENGTH(b.code), b.code, LENGTH(u.entrance), u.entrance, u.floor, LENGTH(u.room), u.room"},
        {"-id", "ORDER BY u.id DESC"}, {NULL, NULL}},
    .spec = {.cols = UNIT_COLS, .from = UNIT_FROM},
    .rows = units_page,
};
static kerr units_list(ctx *c) { return list_run(c, &UNITS, NULL); }

static void resident_row(ctx *c, db_stmt *st, jw *w, int64_t pid) {
    jw_int(w, "id", db_col_int(st, 0));
    jw_int(w, "person_id", db_col_int(st, 1));
    jw_str(w, "name", db_col_text(st, 2));
    jw_str(w, "phone", mask_phone(c, pid, db_col_text(st, 3)));
    jw_str(w, "relation", db_col_text(st, 4));
    jw_str(w, "since", db_col_text(st, 5));
    jw_str(w, "until", db_col_text(st, 6));
    jw_bool(w, "active", db_col_int(st, 7) != 0);
}

static kerr residents_json(ctx *c, int64_t uid, int64_t pid, jw *w) {
    return section_rows(c, db_query(c->db, "SELECT r.id, r.person_id, p.name, p.phone, r.relation, r.since, r.until, r.active "
                                           "FROM residents r JOIN people p ON p.id = r.person_id WHERE r.unit_id = ? "
                                           "ORDER BY r.active DESC, r.id", DI(uid)),
                        "residents", pid, w, resident_row);
}

static void vehicle_row(ctx *c, db_stmt *st, jw *w, int64_t pid) {
    (void)c, (void)pid;
    jw_int(w, "id", db_col_int(st, 0));
    jw_str(w, "plate", db_col_text(st, 1));
    jw_str(w, "model", db_col_text(st, 2));
    jw_str(w, "color", db_col_text(st, 3));
    jw_str(w, "space", db_col_text(st, 4));
    if (db_col_is_null(st, 5)) jw_null(w, "person_id"); else jw_int(w, "person_id", db_col_int(st, 5));
    jw_str(w, "owner", db_col_text(st, 6));
    jw_str(w, "remark", db_col_text(st, 7));
    jw_int(w, "version", db_col_int(st, 8));
}

static kerr vehicles_json(ctx *c, int64_t uid, jw *w) {
    return section_rows(c, db_query(c->db, "SELECT v.id, v.plate, v.model, v.color, v.space, v.person_id, p.name, v.remark, "
                                           "v.version FROM vehicles v LEFT JOIN people p ON p.id = v.person_id "
                                           "WHERE v.unit_id = ? AND v.active = 1 ORDER BY v.id", DI(uid)),
                        "vehicles", 0, w, vehicle_row);
}

static void pet_row(ctx *c, db_stmt *st, jw *w, int64_t pid) {
    (void)c, (void)pid;
    jw_int(w, "id", db_col_int(st, 0));
    jw_str(w, "kind", db_col_text(st, 1));
    jw_str(w, "name", db_col_text(st, 2));
    jw_str(w, "breed", db_col_text(st, 3));
    jw_str(w, "vaccinated_on", db_col_text(st, 4));
    jw_str(w, "remark", db_col_text(st, 5));
    jw_int(w, "version", db_col_int(st, 6));
}

static kerr pets_json(ctx *c, int64_t uid, jw *w) {
    return section_rows(c, db_query(c->db, "SELECT id, kind, name, breed, vaccinated_on, remark, version FROM pets "
                                           "WHERE unit_id = ? AND active = 1 ORDER BY id", DI(uid)),
                        "pets", 0, w, pet_row);
}

static void status_row(ctx *c, db_stmt *st, jw *w, int64_t pid) {
    (void)c, (void)pid;
    jw_str(w, "from", db_col_text(st, 0));
    jw_str(w, "to", db_col_text(st, 1));
    jw_time(w, "at", db_col_int(st, 2));
    jw_str(w, "actor_name", db_col_text(st, 3));
    jw_str(w, "note", db_col_text(st, 4));
}

static kerr status_history_json(ctx *c, int64_t uid, jw *w) {
    return section_rows(c, db_query(c->db, "SELECT h.from_status, h.to_status, h.at, COALESCE(u.display_name, '系统'), h.note "
                                           "FROM unit_status_history h LEFT JOIN users u ON u.id = h.actor_id "
                                           "WHERE h.unit_id = ? ORDER BY h.id DESC", DI(uid)),
                        "status_history", 0, w, status_row);
}

/* The whole unit page: fields, owners, residents, vehicles, pets, status history, history. */
static kerr answer_unit(ctx *c, int status, int64_t id) {
    db_stmt *st = db_query(c->db, "SELECT " UNIT_COLS " FROM " UNIT_FROM " WHERE u.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, NULL) : db_last_kerr(c->db); }
    unit_rec u;
    unit_rec_read(st, &u);
    int64_t pid = u.project_id;
    jw *w = ctx_json(c, status);
    jw_obj(w, NULL);
    unit_rec_json(&u, w);
    db_finish(st);
    kerr e;
    if ((e = unit_owners(c, id, pid, w)) || (e = residents_json(c, id, pid, w)) || (e = vehicles_json(c, id, w)) ||
        (e = pets_json(c, id, w)) || (e = status_history_json(c, id, w)) || (e = history_json(c, "unit", id, w)))
        return e;
    jw_end(w);
    return E_OK;
}

static kerr unit_get(ctx *c) {
    int64_t id, pid;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = archive_row(c, "units", id, "archive.read", &pid))) return e;
    return answer_unit(c, 200, id);
}

typedef struct unit_in {
    const char *entrance, *room, *use, *structure, *holder, *status, *remark, *status_note;
    int64_t floor;
    bool has_floor;
    opt_int area_build, area_use;
} unit_in;

static kerr read_unit(ctx *c, unit_in *in, bool create) {
    kerr e;
    if ((e = in_str(c, "entrance", "单元", 0, 8, &in->entrance)) ||
        (e = in_str(c, "room", "房间号", create ? IN_REQUIRED : IN_NONEMPTY, 16, &in->room)) ||
        (e = in_int(c, "floor", "楼层", 0, -10, 300, &in->floor, &in->has_floor)) ||
        (e = in_area(c, "area_build", "建筑面积", &in->area_build)) ||
        (e = in_area(c, "area_use", "使用面积", &in->area_use)) ||
        (e = in_code(c, "use", "用途", 0, UNIT_USES, &in->use)) ||
        (e = in_str(c, "structure", "户型结构", 0, 40, &in->structure)) ||
        (e = in_str(c, "holder", "产权人", 0, 100, &in->holder)) ||
        (e = in_code(c, "status", "状态", 0, UNIT_STATUSES, &in->status)) ||
        (e = in_str(c, "remark", "备注", IN_MULTILINE, 500, &in->remark)) ||
        (e = in_str(c, "status_note", "状态变更说明", 0, 200, &in->status_note)))
        return e;
    for (const char *p = in->room ? in->room : ""; *p; p++)
        if (*p == '-' || *p == ' ') return ctx_fail(c, E_VALIDATION, "room", "房间号不能包含 - 或空格");
    for (const char *p = in->entrance ? in->entrance : ""; *p; p++)
        if (*p == '-' || *p == ' ') return ctx_fail(c, E_VALIDATION, "entrance", "单元不能包含 - 或空格");
    if (in->area_use.present && !in->area_use.null && in->area_build.present && !in->area_build.null &&
        in->area_use.v > in->area_build.v)
        return ctx_fail(c, E_VALIDATION, "area_use", "使用面积不能大于建筑面积");
    return E_OK;
}

static kerr status_changed(ctx *c, int64_t pid, int64_t uid, const char *from, const char *to, const char *note) {
    return db_exec(c->db, "INSERT INTO unit_status_history(project_id, unit_id, from_status, to_status, actor_id, note, at) "
                          "VALUES (?,?,?,?,?,?,?)", DI(pid), DI(uid), DT(from), DT(to), DI(c->user->id),
                   DT(note ? note : ""), DI(c->now));
}

typedef struct unit_old { char *entrance, *room, *bcode, *use, *structure, *holder, *status, *remark; int64_t floor, ab, au; bool hf, hab, hau; } unit_old;

static kerr load_unit(ctx *c, int64_t id, unit_old *o) {
    db_stmt *st = db_query(c->db, "SELECT u.entrance, u.room, b.code, u.use_type, u.structure, u.holder, u.status, u.remark, "
                                  "u.floor, u.area_build, u.area_use FROM " UNIT_FROM " WHERE u.id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, NULL) : db_last_kerr(c->db); }
    char **s[] = {&o->entrance, &o->room, &o->bcode, &o->use, &o->structure, &o->holder, &o->status, &o->remark};
    for (int i = 0; i < 8; i++) *s[i] = arena_strdup(&c->a, db_col_text(st, i));
    o->hf = !db_col_is_null(st, 8), o->floor = db_col_int(st, 8);
    o->hab = !db_col_is_null(st, 9), o->ab = db_col_int(st, 9);
    o->hau = !db_col_is_null(st, 10), o->au = db_col_int(st, 10);
    db_finish(st);
    return E_OK;
}

/* An area change in m² as the user wrote it ("89.50"), not in stored hundredths. */
static void change_area(ctx *c, jw *w, const char *field, bool had, int64_t from, const opt_int *to) {
    if (!to->present || (had && !to->null && from == to->v) || (!had && to->null)) return;
    jw_obj(w, field);
    jw_raw(w, "from", had ? arena_printf(&c->a, "%lld.%02lld", (long long)(from / 100), (long long)(from % 100)) : "null");
    jw_raw(w, "to", to->null ? "null" : arena_printf(&c->a, "%lld.%02lld", (long long)(to->v / 100), (long long)(to->v % 100)));
    jw_end(w);
}

/* {"field":{"from","to"}} of a unit PATCH. */
static const char *unit_changes(ctx *c, const unit_old *o, const unit_in *in) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    audit_change_str(&w, "entrance", o->entrance, in->entrance);
    audit_change_str(&w, "room", o->room, in->room);
    audit_change_int(&w, "floor", o->hf, o->floor, in->has_floor, in->floor);
    change_area(c, &w, "area_build", o->hab, o->ab, &in->area_build);
    change_area(c, &w, "area_use", o->hau, o->au, &in->area_use);
    audit_change_str(&w, "use", o->use, in->use);
    audit_change_str(&w, "structure", o->structure, in->structure);
    audit_change_str(&w, "holder", o->holder, in->holder);
    audit_change_str(&w, "status", o->status, in->status);
    audit_change_str(&w, "remark", o->remark, in->remark);
    jw_end(&w);
    const char *r = arena_strdup(&c->a, buf_cstr(&b));
    buf_free(&b);
    return r;
}

static kerr unit_create(ctx *c) {
    static const char *const fields[] = {"project_id", "building_id", "entrance", "room", "floor", "area_build",
                                         "area_use", "use", "structure", "holder", "status", "remark", "status_note", NULL};
    unit_in in = {0};
    int64_t pid, bid = 0, bpid = 0, id = 0;
    kerr e;
    if ((e = in_only(c, fields)) || (e = body_project(c, "archive.write", &pid)) ||
        (e = in_int(c, "building_id", "楼栋", IN_REQUIRED, 1, INT64_MAX, &bid, NULL)) || (e = read_unit(c, &in, true)))
        return e;
    char *bcode = db_text(c->db, &c->a, "SELECT code FROM buildings WHERE id = ?", DI(bid));
    int64_t entrances = 0;
    db_int(c->db, &bpid, "SELECT project_id FROM buildings WHERE id = ?", DI(bid));
    db_int(c->db, &entrances, "SELECT entrances FROM buildings WHERE id = ?", DI(bid));
    if (!bcode || bpid != pid) return ctx_fail(c, E_VALIDATION, "building_id", "楼栋不存在或不属于该管理处");
    if (entrances > 0 && (!in.entrance || !*in.entrance))
        return ctx_fail(c, E_VALIDATION, "entrance", "该楼栋分 %lld 个单元，请填写单元", (long long)entrances);
    const char *code = in.entrance && *in.entrance ? arena_printf(&c->a, "%s-%s-%s", bcode, in.entrance, in.room)
                                                    : arena_printf(&c->a, "%s-%s", bcode, in.room);
    const char *status = in.status ? in.status : "未交房";
    if (db_insert(c->db, &id, "INSERT INTO units(project_id, building_id, entrance, room, code, floor, area_build, area_use, "
                            "use_type, structure, holder, status, remark, created_at, updated_at) "
                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                DI(pid), DI(bid), DT(in.entrance ? in.entrance : ""), DT(in.room), DT(code),
                in.has_floor ? DI(in.floor) : DN, in.area_build.present && !in.area_build.null ? DI(in.area_build.v) : DN,
                in.area_use.present && !in.area_use.null ? DI(in.area_use.v) : DN, DT(in.use ? in.use : "住宅"),
                DT(in.structure ? in.structure : ""), DT(in.holder ? in.holder : ""), DT(status),
                DT(in.remark ? in.remark : ""), DI(c->now), DI(c->now))) {
        e = db_last_kerr(c->db);
        return e == E_DUPLICATE ? ctx_fail(c, e, "room", "房号「%s」已存在", code) : e;
    }
    unit_old none = {.entrance = "", .room = "", .use = "", .structure = "", .holder = "", .status = "", .remark = ""};
    in.entrance = in.entrance ? in.entrance : "";
    in.status = status;
    if ((e = status_changed(c, pid, id, NULL, status, in.status_note)) ||
        (e = archive_audit(c, pid, "unit", id, "create", unit_changes(c, &none, &in))))
        return e;
    return answer_unit(c, 201, id);
}

static kerr unit_patch(ctx *c) {
    static const char *const fields[] = {"version", "entrance", "room", "floor", "area_build", "area_use", "use",
                                         "structure", "holder", "status", "remark", "status_note", NULL};
    unit_in in = {0};
    unit_old o = {0};
    int64_t id, pid, version;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = archive_row(c, "units", id, "archive.write", &pid)) ||
        (e = in_only(c, fields)) || (e = in_version(c, &version)) || (e = read_unit(c, &in, false)) ||
        (e = load_unit(c, id, &o)))
        return e;
    const char *ent = in.entrance ? in.entrance : o.entrance, *room = in.room ? in.room : o.room;
    const char *code = *ent ? arena_printf(&c->a, "%s-%s-%s", o.bcode, ent, room) : arena_printf(&c->a, "%s-%s", o.bcode, room);
    e = db_exec(c->db, "UPDATE units SET entrance = ?, room = ?, code = ?, floor = CASE WHEN ? = 1 THEN ? ELSE floor END, "
                       "area_build = CASE WHEN ? = 1 THEN ? ELSE area_build END, area_use = CASE WHEN ? = 1 THEN ? ELSE area_use END, "
                       "use_type = COALESCE(?, use_type), structure = COALESCE(?, structure), holder = COALESCE(?, holder), "
                       "status = COALESCE(?, status), remark = COALESCE(?, remark), version = version + 1, updated_at = ? "
                       "WHERE id = ? AND version = ?",
                DT(ent), DT(room), DT(code), DI(in.has_floor), in.has_floor ? DI(in.floor) : DN,
                DI(in.area_build.present), in.area_build.present && !in.area_build.null ? DI(in.area_build.v) : DN,
                DI(in.area_use.present), in.area_use.present && !in.area_use.null ? DI(in.area_use.v) : DN,
                DT(in.use), DT(in.structure), DT(in.holder), DT(in.status), DT(in.remark), DI(c->now), DI(id), DI(version));
    if (e == E_DUPLICATE) return ctx_fail(c, e, "room", "房号「%s」已存在", code);
    if (e) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
    if (in.status && strcmp(in.status, o.status) && (e = status_changed(c, pid, id, o.status, in.status, in.status_note)))
        return e;
    if ((e = archive_audit(c, pid, "unit", id, "update", unit_changes(c, &o, &in)))) return e;
    return answer_unit(c, 200, id);
}

/* ---- residents ---- */

/* Audits a change of who lives in the unit: {"resident":{"from","to"},"person_id"}. */
static kerr audit_resident(ctx *c, int64_t pid, int64_t uid, const char *action, const char *from, const char *to,
                           int64_t person) {
    buf b;
    buf_init(&b);
    jw w;
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_obj(&w, "resident");
    jw_str(&w, "from", from);
    jw_str(&w, "to", to);
    jw_end(&w);
    jw_int(&w, "person_id", person);
    jw_end(&w);
    kerr e = archive_audit(c, pid, "unit", uid, action, buf_cstr(&b));
    buf_free(&b);
    return e;
}

kerr person_create_from(ctx *c, json_t *obj, const char *path, int64_t pid, int64_t *id);   /* archive_people.c */

static kerr resident_add(ctx *c) {
    static const char *const fields[] = {"person_id", "person", "relation", "since", "until", NULL};
    int64_t uid, pid, person = 0, rid = 0, ppid = 0;
    const char *relation, *since, *until;
    kerr e;
    if ((e = ctx_param_id(c, "id", &uid)) || (e = archive_row(c, "units", uid, "archive.write", &pid)) ||
        (e = in_only(c, fields)) || (e = in_int(c, "person_id", "人员", 0, 1, INT64_MAX, &person, NULL)) ||
        (e = in_code(c, "relation", "关系", IN_REQUIRED, RELATIONS, &relation)) ||
        (e = jv_date(c, c->json, "since", "开始日期", &since)) || (e = jv_date(c, c->json, "until", "结束日期", &until)))
        return e;
    json_t *np = json_object_get(c->json, "person");
    if (since && *since && until && *until && strcmp(until, since) < 0)
        return ctx_fail(c, E_VALIDATION, "until", "结束日期不能早于开始日期");
    if (!person && (!np || json_is_null(np))) return ctx_fail(c, E_VALIDATION, "person_id", "请选择人员或填写新人员");
    if (person && np && !json_is_null(np)) return ctx_fail(c, E_VALIDATION, "person", "person_id 与 person 只能二选一");
    if (person) {
        if (!db_int(c->db, &ppid, "SELECT project_id FROM people WHERE id = ?", DI(person)) || ppid != pid)
            return ctx_fail(c, E_VALIDATION, "person_id", "人员不存在或不属于该管理处");
        if (db_exists(c->db, "SELECT 1 FROM residents WHERE unit_id = ? AND person_id = ? AND relation = ? AND active = 1",
                      DI(uid), DI(person), DT(relation)))
            return ctx_fail(c, E_DUPLICATE, "person_id", "该人员已是此房屋的%s", relation);
    } else if ((e = person_create_from(c, np, "person", pid, &person))) {
        return e;
    }
    char today[16];
    clock_iso(c->now, today, sizeof today);
    today[10] = 0;
    if (db_insert(c->db, &rid, "INSERT INTO residents(project_id, unit_id, person_id, relation, since, until, created_at, updated_at) "
                             "VALUES (?,?,?,?,?,?,?,?)", DI(pid), DI(uid), DI(person), DT(relation),
                DT(since && *since ? since : today), DT(until && *until ? until : NULL), DI(c->now), DI(c->now)))
        return db_last_kerr(c->db);
    char *name = db_text(c->db, &c->a, "SELECT name FROM people WHERE id = ?", DI(person));
    if ((e = audit_resident(c, pid, uid, "add_resident", NULL, arena_printf(&c->a, "%s（%s）", name ? name : "", relation),
                            person)))
        return e;
    jw *w = ctx_json(c, 201);
    jw_obj(w, NULL);
    jw_int(w, "id", rid);
    jw_int(w, "unit_id", uid);
    jw_int(w, "person_id", person);
    jw_str(w, "name", name);
    jw_str(w, "relation", relation);
    jw_str(w, "since", since && *since ? since : today);
    jw_str(w, "until", until && *until ? until : NULL);
    jw_bool(w, "active", true);
    jw_end(w);
    return E_OK;
}

static kerr resident_end(ctx *c) {
    static const char *const fields[] = {"until", NULL};
    int64_t uid, rid, pid, person = 0;
    const char *until;
    kerr e;
    if ((e = ctx_param_id(c, "id", &uid)) || (e = ctx_param_id(c, "rid", &rid)) ||
        (e = archive_row(c, "units", uid, "archive.write", &pid)) || (e = in_only(c, fields)) ||
        (e = jv_date(c, c->json, "until", "结束日期", &until)))
        return e;
    char today[16];
    clock_iso(c->now, today, sizeof today);
    today[10] = 0;
    if (!db_int(c->db, &person, "SELECT person_id FROM residents WHERE id = ? AND unit_id = ?", DI(rid), DI(uid)))
        return ctx_fail(c, E_NOT_FOUND, NULL, NULL);
    char *since = db_text(c->db, &c->a, "SELECT since FROM residents WHERE id = ?", DI(rid));
    if (until && *until && since && strcmp(until, since) < 0)
        return ctx_fail(c, E_VALIDATION, "until", "结束日期不能早于开始日期（%s）", since);
    e = db_exec(c->db, "UPDATE residents SET active = 0, until = ?, updated_at = ? WHERE id = ? AND active = 1",
                DT(until && *until ? until : today), DI(c->now), DI(rid));
    if (e) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_STATE, NULL, "该住户关系已结束");
    char *label = db_text(c->db, &c->a, "SELECT p.name || '（' || r.relation || '）' FROM residents r JOIN people p "
                                        "ON p.id = r.person_id WHERE r.id = ?", DI(rid));
    if ((e = audit_resident(c, pid, uid, "end_resident", label, NULL, person))) return e;
    return answer_unit(c, 200, uid);
}

/* ---- vehicles and pets: small records under a unit ---- */

/* The vehicle or pet record (201 on create, 200 on edit and remove). */
static kerr answer_small(ctx *c, int status, const char *table, int64_t id) {
    bool veh = !strcmp(table, "vehicles");
    db_stmt *st = veh ? db_query(c->db, "SELECT v.id, v.unit_id, v.plate, v.model, v.color, v.space, v.person_id, p.name, "
                                        "v.remark, v.version, v.active FROM vehicles v LEFT JOIN people p ON p.id = v.person_id "
                                        "WHERE v.id = ?", DI(id))
                      : db_query(c->db, "SELECT id, unit_id, kind, name, breed, vaccinated_on, remark, version, active "
                                        "FROM pets WHERE id = ?", DI(id));
    if (!st) return db_last_kerr(c->db);
    int rc = db_step(st);
    if (rc != DB_ROW) { db_finish(st); return rc == DB_DONE ? ctx_fail(c, E_NOT_FOUND, NULL, NULL) : db_last_kerr(c->db); }
    jw *w = ctx_json(c, status);
    jw_obj(w, NULL);
    jw_int(w, "id", db_col_int(st, 0));
    jw_int(w, "unit_id", db_col_int(st, 1));
    if (veh) {
        jw_str(w, "plate", db_col_text(st, 2));
        jw_str(w, "model", db_col_text(st, 3));
        jw_str(w, "color", db_col_text(st, 4));
        jw_str(w, "space", db_col_text(st, 5));
        if (db_col_is_null(st, 6)) jw_null(w, "person_id"); else jw_int(w, "person_id", db_col_int(st, 6));
        jw_str(w, "owner", db_col_text(st, 7));
        jw_str(w, "remark", db_col_text(st, 8));
        jw_int(w, "version", db_col_int(st, 9));
        jw_bool(w, "active", db_col_int(st, 10) != 0);
    } else {
        jw_str(w, "kind", db_col_text(st, 2));
        jw_str(w, "name", db_col_text(st, 3));
        jw_str(w, "breed", db_col_text(st, 4));
        jw_str(w, "vaccinated_on", db_col_text(st, 5));
        jw_str(w, "remark", db_col_text(st, 6));
        jw_int(w, "version", db_col_int(st, 7));
        jw_bool(w, "active", db_col_int(st, 8) != 0);
    }
    jw_end(w);
    db_finish(st);
    return E_OK;
}

typedef struct vehicle_in { const char *plate, *model, *color, *space, *remark; int64_t person; bool has_person; } vehicle_in;

static kerr read_vehicle(ctx *c, vehicle_in *v, bool create, int64_t pid) {
    kerr e;
    if ((e = in_str(c, "plate", "车牌号", create ? IN_REQUIRED : IN_NONEMPTY, 12, &v->plate)) ||
        (e = in_str(c, "model", "车型", 0, 40, &v->model)) || (e = in_str(c, "color", "颜色", 0, 10, &v->color)) ||
        (e = in_str(c, "space", "车位", 0, 20, &v->space)) || (e = in_str(c, "remark", "备注", 0, 200, &v->remark)) ||
        (e = in_int(c, "person_id", "车主", 0, 1, INT64_MAX, &v->person, &v->has_person)))
        return e;
    if (v->plate) {
        char *up = arena_strdup(&c->a, v->plate);
        for (char *p = up; *p; p++) if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
        if (utf8_chars(up) < 5 || strchr(up, ' ')) return ctx_fail(c, E_VALIDATION, "plate", "车牌号格式不正确（如 粤A12345）");
        v->plate = up;
    }
    int64_t ppid = 0;
    if (v->has_person && (!db_int(c->db, &ppid, "SELECT project_id FROM people WHERE id = ?", DI(v->person)) || ppid != pid))
        return ctx_fail(c, E_VALIDATION, "person_id", "车主不存在或不属于该管理处");
    return E_OK;
}

static kerr vehicle_add(ctx *c) {
    static const char *const fields[] = {"plate", "model", "color", "space", "remark", "person_id", NULL};
    int64_t uid, pid, id = 0;
    vehicle_in v = {0};
    kerr e;
    if ((e = ctx_param_id(c, "id", &uid)) || (e = archive_row(c, "units", uid, "archive.write", &pid)) ||
        (e = in_only(c, fields)) || (e = read_vehicle(c, &v, true, pid)))
        return e;
    if (db_exists(c->db, "SELECT 1 FROM vehicles WHERE project_id = ? AND plate = ? AND active = 1", DI(pid), DT(v.plate)))
        return ctx_fail(c, E_DUPLICATE, "plate", "车牌号「%s」已登记", v.plate);
    if (db_insert(c->db, &id, "INSERT INTO vehicles(project_id, unit_id, person_id, plate, model, color, space, remark, "
                            "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                DI(pid), DI(uid), v.has_person ? DI(v.person) : DN, DT(v.plate), DT(v.model ? v.model : ""),
                DT(v.color ? v.color : ""), DT(v.space ? v.space : ""), DT(v.remark ? v.remark : ""), DI(c->now), DI(c->now)))
        return db_last_kerr(c->db);
    const char *plates[] = {v.plate};
    if ((e = grams_set(c->db, pid, 'v', id, plates, 1)) ||
        (e = archive_audit(c, pid, "unit", uid, "add_vehicle", jv_dump(c, c->json))))
        return e;
    return answer_small(c, 201, "vehicles", id);
}

static kerr vehicle_patch(ctx *c) {
    static const char *const fields[] = {"version", "plate", "model", "color", "space", "remark", "person_id", NULL};
    int64_t id, pid, uid = 0, version;
    vehicle_in v = {0};
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = archive_row(c, "vehicles", id, "archive.write", &pid)) ||
        (e = in_only(c, fields)) || (e = in_version(c, &version)) || (e = read_vehicle(c, &v, false, pid)))
        return e;
    db_int(c->db, &uid, "SELECT unit_id FROM vehicles WHERE id = ?", DI(id));
    e = db_exec(c->db, "UPDATE vehicles SET plate = COALESCE(?, plate), model = COALESCE(?, model), color = COALESCE(?, color), "
                       "space = COALESCE(?, space), remark = COALESCE(?, remark), person_id = CASE WHEN ? = 1 THEN ? ELSE person_id END, "
                       "version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND active = 1",
                DT(v.plate), DT(v.model), DT(v.color), DT(v.space), DT(v.remark), DI(v.has_person),
                v.has_person ? DI(v.person) : DN, DI(c->now), DI(id), DI(version));
    if (e) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
    const char *plates[] = {db_text(c->db, &c->a, "SELECT plate FROM vehicles WHERE id = ?", DI(id))};
    if ((e = grams_set(c->db, pid, 'v', id, plates, 1)) ||
        (e = archive_audit(c, pid, "unit", uid, "update_vehicle", jv_dump(c, c->json))))
        return e;
    return answer_small(c, 200, "vehicles", id);
}

static kerr pet_write(ctx *c, int64_t uid, int64_t pid, int64_t id, int64_t version) {
    const char *kind, *name, *breed, *vacc, *remark;
    kerr e;
    if ((e = in_code(c, "kind", "宠物种类", id ? 0 : IN_REQUIRED, PET_KINDS, &kind)) ||
        (e = in_str(c, "name", "宠物名", 0, 20, &name)) || (e = in_str(c, "breed", "品种", 0, 20, &breed)) ||
        (e = jv_date(c, c->json, "vaccinated_on", "疫苗接种日期", &vacc)) || (e = in_str(c, "remark", "备注", 0, 200, &remark)))
        return e;
    bool created = !id;
    if (created) {
        if (db_insert(c->db, &id, "INSERT INTO pets(project_id, unit_id, kind, name, breed, vaccinated_on, remark, created_at, "
                                "updated_at) VALUES (?,?,?,?,?,?,?,?,?)", DI(pid), DI(uid), DT(kind),
                    DT(name ? name : ""), DT(breed ? breed : ""), DT(vacc ? vacc : ""), DT(remark ? remark : ""),
                    DI(c->now), DI(c->now)))
            return db_last_kerr(c->db);
    } else {
        e = db_exec(c->db, "UPDATE pets SET kind = COALESCE(?, kind), name = COALESCE(?, name), breed = COALESCE(?, breed), "
                           "vaccinated_on = COALESCE(?, vaccinated_on), remark = COALESCE(?, remark), version = version + 1, "
                           "updated_at = ? WHERE id = ? AND version = ? AND active = 1",
                    DT(kind), DT(name), DT(breed), DT(vacc), DT(remark), DI(c->now), DI(id), DI(version));
        if (!e && db_changes(c->db) != 1) return ctx_fail(c, E_CONFLICT, "version", NULL);
    }
    if (e || (e = archive_audit(c, pid, "unit", uid, created ? "add_pet" : "update_pet", jv_dump(c, c->json)))) return e;
    return answer_small(c, created ? 201 : 200, "pets", id);
}

static kerr pet_add(ctx *c) {
    static const char *const fields[] = {"kind", "name", "breed", "vaccinated_on", "remark", NULL};
    int64_t uid, pid;
    kerr e;
    if ((e = ctx_param_id(c, "id", &uid)) || (e = archive_row(c, "units", uid, "archive.write", &pid)) ||
        (e = in_only(c, fields)))
        return e;
    return pet_write(c, uid, pid, 0, 0);
}

static kerr pet_patch(ctx *c) {
    static const char *const fields[] = {"version", "kind", "name", "breed", "vaccinated_on", "remark", NULL};
    int64_t id, pid, uid = 0, version;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = archive_row(c, "pets", id, "archive.write", &pid)) ||
        (e = in_only(c, fields)) || (e = in_version(c, &version)))
        return e;
    db_int(c->db, &uid, "SELECT unit_id FROM pets WHERE id = ?", DI(id));
    return pet_write(c, uid, pid, id, version);
}

/* POST /vehicles/{id}/actions/remove and /pets/{id}/actions/remove: the row stays, inactive. */
static kerr small_remove(ctx *c, const char *table, const char *action) {
    static const char *const none[] = {NULL};
    int64_t id, pid, uid = 0;
    kerr e;
    if ((e = ctx_param_id(c, "id", &id)) || (e = archive_row(c, table, id, "archive.write", &pid)) || (e = in_only(c, none)))
        return e;
    char *sql = arena_printf(&c->a, "UPDATE %s SET active = 0, version = version + 1, updated_at = ? WHERE id = ? AND active = 1", table);
    if ((e = db_exec(c->db, sql, DI(c->now), DI(id)))) return e;
    if (db_changes(c->db) != 1) return ctx_fail(c, E_STATE, NULL, "该记录已移除");
    db_int(c->db, &uid, arena_printf(&c->a, "SELECT unit_id FROM %s WHERE id = ?", table), DI(id));
    if (!strcmp(table, "vehicles") && (e = grams_set(c->db, pid, 'v', id, NULL, 0))) return e;
    if ((e = archive_audit(c, pid, "unit", uid, action, arena_printf(&c->a, "{\"id\":%lld}", (long long)id)))) return e;
    return answer_small(c, 200, table, id);
}

static kerr small_action(ctx *c, const char *table, const char *removed) {
    if (strcmp(ctx_param(c, "action"), "remove") != 0)
        return ctx_fail(c, E_ROUTE_NOT_FOUND, NULL, "不支持的操作：%s", ctx_param(c, "action"));
    return small_remove(c, table, removed);
}
static kerr vehicle_action(ctx *c) { return small_action(c, "vehicles", "remove_vehicle"); }
static kerr pet_action(ctx *c) { return small_action(c, "pets", "remove_pet"); }

static kerr resident_action(ctx *c) {
    if (strcmp(ctx_param(c, "action"), "end") != 0)
        return ctx_fail(c, E_ROUTE_NOT_FOUND, NULL, "不支持的操作：%s", ctx_param(c, "action"));
    return resident_end(c);
}

static const char *owners_text(arena *a, json_t *item) {
    buf b;
    buf_init(&b);
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(item, "owners"), i, o)
        buf_printf(&b, "%s%s %s", i ? "、" : "", json_string_value(json_object_get(o, "name")),
                   json_string_value(json_object_get(o, "phone")));
    const char *t = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return t;
}

static const char *missing_text(arena *a, json_t *item) {
    static const struct { const char *k, *v; } names[] = {{"area_build", "建筑面积"}, {"holder", "产权人"},
                                                         {"owner", "业主"}, {"owner_phone", "业主电话"}};
    buf b;
    buf_init(&b);
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(item, "missing"), i, m)
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (!strcmp(names[k].k, json_string_value(m))) buf_printf(&b, "%s%s", b.len ? "、" : "", names[k].v);
    const char *t = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return t;
}

static const export_col unit_cols[] = {
    {"code", "房号", EX_TEXT, NULL},          {"building_name", "楼栋", EX_TEXT, NULL},
    {"entrance", "单元", EX_TEXT, NULL},      {"room", "房间", EX_TEXT, NULL},
    {"floor", "楼层", EX_INT, NULL},          {"area_build", "建筑面积(㎡)", EX_AREA, NULL},
    {"area_use", "使用面积(㎡)", EX_AREA, NULL}, {"use", "用途", EX_TEXT, NULL},
    {"structure", "户型结构", EX_TEXT, NULL}, {"holder", "产权人", EX_TEXT, NULL},
    {"status", "状态", EX_TEXT, NULL},        {"owners", "业主", EX_TEXT, owners_text},
    {"missing", "建档缺项", EX_TEXT, missing_text}, {NULL, NULL, 0, NULL},
};
static const export_spec unit_export = {"房屋列表", unit_cols};

const route units_routes[] = {
    {"GET",   "/api/v1/units",                                   "archive.read",  0, 0, units_list, &unit_export},
    {"POST",  "/api/v1/units",                                   "archive.write", 0, 16384, unit_create, NULL},
    {"GET",   "/api/v1/units/{id}",                              "archive.read",  0, 0, unit_get, NULL},
    {"PATCH", "/api/v1/units/{id}",                              "archive.write", 0, 16384, unit_patch, NULL},
    {"POST",  "/api/v1/units/{id}/residents",                    "archive.write", 0, 16384, resident_add, NULL},
    {"POST",  "/api/v1/units/{id}/residents/{rid}/actions/{action}", "archive.write", 0, 4096, resident_action, NULL},
    {"POST",  "/api/v1/units/{id}/vehicles",                     "archive.write", 0, 4096, vehicle_add, NULL},
    {"PATCH", "/api/v1/vehicles/{id}",                           "archive.write", 0, 4096, vehicle_patch, NULL},
    {"POST",  "/api/v1/vehicles/{id}/actions/{action}",          "archive.write", 0, 4096, vehicle_action, NULL},
    {"POST",  "/api/v1/units/{id}/pets",                         "archive.write", 0, 4096, pet_add, NULL},
    {"PATCH", "/api/v1/pets/{id}",                               "archive.write", 0, 4096, pet_patch, NULL},
    {"POST",  "/api/v1/pets/{id}/actions/{action}",              "archive.write", 0, 4096, pet_action, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL},
};
