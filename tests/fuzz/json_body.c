/*
** json_body.c — fuzz target: a request body through the server's JSON reader (in_body) and the
** field getters of http/input.c, kit/codes.c and kit/dates.c with the field rules of real
** routes, on a ctx built as the server builds it, without a database.
**
** Input: the first byte picks a route below, the rest is the body. Each route lists the fields
** its handler allows (in_only) and the getter, label, flags and bounds its handler reads each
** with, copied from the handler named in the comment (the handlers themselves also look
** things up in the database, so they cannot run here). Every getter runs on every body, not
** just up to the first refusal as in the handler, so one input reaches them all. What a getter
** accepts is checked against what it promises (trimmed, no control characters, in bounds, one
** of the codes, a date that parses…); a broken promise traps.
**
** A route that no longer exists in the registry stops the fuzzer at start (update the table).
*/
#include "fuzz.h"
#include "http/module.h"
#include "http/router.h"
#include "http/input.h"
#include "base/clock.h"
#include "kit/codes.h"
#include "kit/dates.h"
#include "kit/phone.h"
#include "modules/archive/archive.h"
#include "modules/tickets/complaints.h"
#include "modules/visits/visits.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum rule_kind {
    R_STR,      /* jv_str */
    R_INT,      /* jv_int */
    R_BOOL,     /* in_bool (top level) */
    R_CODE,     /* in_code (top level) */
    R_DATE,     /* jv_date */
    R_MONTH,    /* in_month (top level) */
    R_APPT,     /* in_appointment (top level) */
    R_TIME,     /* jv_str, then clock_parse_iso as the handler does (visited_at, week, due_at) */
    R_PHONE,    /* jv_str, then check_phone_cn */
    R_AREA,     /* in_area (top level) */
    R_IDNO,     /* check_id_no over id_type and id_no (top level) */
    R_VERSION,  /* in_version (top level) */
    R_ITEMS,    /* an array of objects, each jv_only + the nested rules, named key[i].field */
    R_OBJECT,   /* one object, jv_only + the nested rules, named key.field */
} rule_kind;

typedef struct rule {
    rule_kind kind;
    const char *key, *label;
    unsigned flags;
    int64_t min, max;                 /* R_INT bounds; R_STR / R_PHONE / R_TIME: max characters */
    const code_label *codes;          /* R_CODE */
    const struct rule *nested;        /* R_ITEMS / R_OBJECT: ends with {0} (key NULL) */
    const char *const *fields;        /* R_ITEMS / R_OBJECT: what jv_only allows */
} rule;

typedef struct route_spec {
    const char *method, *path;        /* a concrete path of the route, checked at start */
    const char *const *allowed;       /* in_only */
    const rule *rules;                /* ends with {0} */
} route_spec;

#define STR(k, l, f, n) {R_STR, k, l, f, 0, n, NULL, NULL, NULL}
#define INT(k, l, f, lo, hi) {R_INT, k, l, f, lo, hi, NULL, NULL, NULL}
#define ID(k, l, f) INT(k, l, f, 1, INT64_MAX)
#define BOOL(k, l, f) {R_BOOL, k, l, f, 0, 0, NULL, NULL, NULL}
#define CODE(k, l, f, t) {R_CODE, k, l, f, 0, 0, t, NULL, NULL}
#define DATE(k, l) {R_DATE, k, l, 0, 0, 0, NULL, NULL, NULL}
#define MONTH(k, f) {R_MONTH, k, "月份", f, 0, 0, NULL, NULL, NULL}
#define APPT(k) {R_APPT, k, "预约时间", 0, 0, 0, NULL, NULL, NULL}
#define TIME(k, l, f, n) {R_TIME, k, l, f, 0, n, NULL, NULL, NULL}
#define PHONE(k, l, n) {R_PHONE, k, l, 0, 0, n, NULL, NULL, NULL}
#define AREA(k, l) {R_AREA, k, l, 0, 0, 0, NULL, NULL, NULL}
#define IDNO {R_IDNO, "id_no", "证件号码", 0, 0, 0, NULL, NULL, NULL}
#define VERSION {R_VERSION, "version", "版本号", IN_REQUIRED, 0, 0, NULL, NULL, NULL}
#define ITEMS(k, n, r, f) {R_ITEMS, k, NULL, 0, 0, n, NULL, r, f}
#define OBJECT(k, r, f) {R_OBJECT, k, NULL, 0, 0, 0, NULL, r, f}
#define END {0}
#define ML IN_MULTILINE
#define REQ IN_REQUIRED
#define NE IN_NONEMPTY
#define FIELDS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define RULES(...) ((const rule[]){__VA_ARGS__, END})

/* read_person (archive_people.c), for a new person and inline in a resident. */
static const char *const PERSON_FIELDS[] = {"name", "phone", "phone2", "id_type", "id_no", "emergency_name",
    "emergency_phone", "company", "business_scope", "business_manager", "business_category", "remark", NULL};
#define PERSON_RULES(name_flags)                                                                          \
    STR("name", "姓名", name_flags, 40), PHONE("phone", "电话", 20), PHONE("phone2", "备用电话", 20),        \
    STR("id_type", "证件类型", 0, 10), STR("id_no", "证件号码", 0, 30), STR("emergency_name", "应急联系人", 0, 40), \
    PHONE("emergency_phone", "应急联系电话", 20), STR("company", "单位名称", 0, 100),                       \
    STR("business_scope", "经营范围", 0, 200), STR("business_manager", "经营负责人", 0, 40),                  \
    STR("business_category", "经营类别", 0, 40), STR("remark", "备注", ML, 500)

/* read_unit (archive_units.c) */
#define UNIT_RULES(room_flags)                                                                              \
    STR("entrance", "单元", 0, 8), STR("room", "房间号", room_flags, 16), INT("floor", "楼层", 0, -10, 300), \
    AREA("area_build", "建筑面积"), AREA("area_use", "使用面积"), CODE("use", "用途", 0, UNIT_USES),         \
    STR("structure", "户型结构", 0, 40), STR("holder", "产权人", 0, 100),                                   \
    CODE("status", "状态", 0, UNIT_STATUSES), STR("remark", "备注", ML, 500), STR("status_note", "状态变更说明", 0, 200)

static const route_spec ROUTES[] = {
    /* tickets.c read_ticket */
    {"POST", "/api/v1/tickets",
     FIELDS("project_id", "kind", "channel", "unit_id", "location", "caller", "phone", "content", "category", "paid",
            "appointment_at", "related_id", "reply", "complaint_type", "type", "severity", "staff_ids"),
     RULES(CODE("kind", "类型", REQ, TICKET_KINDS), CODE("channel", "来源", REQ, TICKET_CHANNELS),
           ID("unit_id", "房屋", 0), ID("project_id", "管理处", 0), STR("location", "公共位置", 0, 100),
           STR("caller", "联系人", 0, 50), PHONE("phone", "联系电话", 20), STR("content", "内容", REQ | ML, 2000),
           CODE("category", "报修类别", 0, REPAIR_CATEGORIES), BOOL("paid", "有偿服务", 0), APPT("appointment_at"),
           ID("related_id", "关联工单", 0), STR("reply", "答复", ML, 2000), STR("complaint_type", "投诉类型", 0, 30),
           STR("type", "投诉类型", 0, 30), CODE("severity", "严重程度", 0, COMPLAINT_SEVERITIES))},
    /* tickets_flow.c complete_guard, read_materials, read_confirmation */
    {"POST", "/api/v1/tickets/12/actions/complete",
     FIELDS("version", "work_done", "materials", "labour_minutes", "charge", "signature", "confirm_code", "note"),
     RULES(ID("version", "版本", 0), STR("work_done", "处理情况", REQ | ML, 2000),
           ITEMS("materials", 50, RULES(STR("name", "材料名称", REQ, 50), INT("qty", "数量", REQ, 1, 100000),
                                        STR("unit", "单位", 0, 10)), FIELDS("name", "qty", "unit")),
           INT("labour_minutes", "工时（分钟）", 0, 0, 10000), INT("charge", "收费（分）", 0, 0, 100000000),
           STR("signature", "业主签名", 0, 2000000), STR("confirm_code", "确认码", 0, 8), STR("note", "备注", ML, 500))},
    /* tickets_flow.c dispatch */
    {"POST", "/api/v1/tickets/12/actions/dispatch", FIELDS("version", "technician_id", "appointment_at", "note"),
     RULES(ID("version", "版本", 0), ID("technician_id", "维修人员", REQ), APPT("appointment_at"),
           STR("note", "备注", ML, 500))},
    /* tickets_flow.c callback, complaints_flow.c callback */
    {"POST", "/api/v1/tickets/12/actions/callback", FIELDS("version", "method", "satisfaction", "result"),
     RULES(ID("version", "版本", 0), CODE("method", "回访方式", REQ, CALLBACK_METHODS),
           CODE("satisfaction", "满意度", REQ, SATISFACTIONS), STR("result", "回访结果", ML, 500))},
    /* complaints_flow.c accept_guard */
    {"POST", "/api/v1/tickets/12/actions/accept",
     FIELDS("version", "department", "handler_id", "due_at", "deadline", "note"),
     RULES(ID("version", "版本", 0), STR("department", "责任部门", REQ, 50), ID("handler_id", "处理人", 0),
           TIME("due_at", "处理期限", 0, 40), TIME("deadline", "处理期限", 0, 40), STR("note", "备注", ML, 500))},
    /* complaints_flow.c handle_guard */
    {"POST", "/api/v1/tickets/12/actions/handle",
     FIELDS("version", "result", "cause", "corrective_action", "preventive_action", "corrective", "preventive", "valid",
            "note"),
     RULES(ID("version", "版本", 0), STR("result", "处理结果", REQ | ML, 2000), STR("cause", "原因分析", REQ | ML, 1000),
           STR("corrective_action", "整改措施", REQ | ML, 1000), STR("corrective", "整改措施", ML, 1000),
           STR("preventive_action", "预防措施", ML, 1000), BOOL("valid", "是否有效投诉", REQ),
           STR("note", "备注", ML, 500))},
    /* archive_units.c unit_create */
    {"POST", "/api/v1/units",
     FIELDS("project_id", "building_id", "entrance", "room", "floor", "area_build", "area_use", "use", "structure",
            "holder", "status", "remark", "status_note"),
     RULES(ID("project_id", "管理处", 0), ID("building_id", "楼栋", REQ), UNIT_RULES(REQ))},
    /* archive_units.c unit_update */
    {"PATCH", "/api/v1/units/17",
     FIELDS("version", "entrance", "room", "floor", "area_build", "area_use", "use", "structure", "holder", "status",
            "remark", "status_note"),
     RULES(VERSION, UNIT_RULES(NE))},
    /* archive_units.c resident_add, the inline person by read_person */
    {"POST", "/api/v1/units/17/residents", FIELDS("person_id", "person", "relation", "since", "until"),
     RULES(ID("person_id", "人员", 0), CODE("relation", "关系", REQ, RELATIONS), DATE("since", "开始日期"),
           DATE("until", "结束日期"), OBJECT("person", RULES(PERSON_RULES(REQ)), PERSON_FIELDS))},
    /* archive_units.c pet_add */
    {"POST", "/api/v1/units/17/pets", FIELDS("kind", "name", "breed", "vaccinated_on", "remark"),
     RULES(CODE("kind", "宠物种类", REQ, PET_KINDS), STR("name", "宠物名", 0, 20), STR("breed", "品种", 0, 20),
           DATE("vaccinated_on", "疫苗接种日期"), STR("remark", "备注", 0, 200))},
    /* archive_people.c person_create */
    {"POST", "/api/v1/people", PERSON_FIELDS, RULES(ID("project_id", "管理处", 0), PERSON_RULES(REQ), IDNO)},
    /* archive_buildings.c building_create */
    {"POST", "/api/v1/buildings", FIELDS("project_id", "code", "name", "floors", "entrances", "kind", "remark"),
     RULES(ID("project_id", "管理处", 0), STR("code", "楼栋号", REQ, 16), STR("name", "楼栋名称", REQ, 40),
           INT("floors", "楼层数", 0, 0, 200), INT("entrances", "单元数", 0, 0, 50),
           CODE("kind", "楼栋类型", 0, BUILDING_KINDS), STR("remark", "备注", ML, 500))},
    /* users.c read_new_user, read_role */
    {"POST", "/api/v1/users", FIELDS("username", "display_name", "phone", "password", "roles"),
     RULES(STR("username", "用户名", REQ, 32), STR("display_name", "姓名", REQ, 40), STR("phone", "电话", 0, 20),
           ITEMS("roles", 0, RULES(ID("project_id", "管理处", 0), STR("role", "角色", REQ, 32)),
                 FIELDS("project_id", "role")))},
    /* projects.c project_update, read_project */
    {"PATCH", "/api/v1/projects/3", FIELDS("version", "code", "name", "address", "phone", "active"),
     RULES(VERSION, STR("code", "管理处编码", NE, 16), STR("name", "管理处名称", NE, 60), STR("address", "地址", 0, 200),
           STR("phone", "电话", 0, 30), BOOL("active", "是否启用", 0))},
    /* visits_flow.c record, visits_record.c visit_read_record, read_request */
    {"POST", "/api/v1/visits/5/actions/record",
     FIELDS("version", "visited_at", "person_id", "met_person", "opinions", "suggestions", "summary", "requests"),
     RULES(ID("version", "版本", 0), TIME("visited_at", "拜访时间", 0, 40), ID("person_id", "会谈业主", 0),
           STR("met_person", "会谈人", 0, 50), STR("opinions", "业主意见", ML, 2000),
           STR("suggestions", "业主建议", ML, 2000), STR("summary", "会谈内容", ML, 2000),
           ITEMS("requests", 20, RULES(STR("content", "诉求内容", REQ | ML, 500), STR("answer", "答复", ML, 500)),
                 FIELDS("content", "answered", "answer")))},
    /* visits_plans.c plan_create */
    {"POST", "/api/v1/visit-plans", FIELDS("project_id", "steward_id", "month", "building_ids", "target_percent", "note"),
     RULES(ID("project_id", "管理处", 0), ID("steward_id", "管家", REQ), MONTH("month", REQ),
           INT("target_percent", "目标巡访率（%）", 0, 1, 100), STR("note", "说明", ML, 500))},
    /* visits_stats.c quota_put */
    {"PUT", "/api/v1/callback-quotas", FIELDS("project_id", "user_id", "month", "required"),
     RULES(ID("project_id", "管理处", 0), ID("user_id", "回访人", REQ), MONTH("month", REQ),
           INT("required", "应回访数", REQ, 0, 1000))},
    /* tickets_review.c review_submit, read_week */
    {"POST", "/api/v1/callback-reviews", FIELDS("project_id", "week", "note"),
     RULES(ID("project_id", "管理处", REQ), TIME("week", "周（周一日期）", REQ, 10), STR("note", "说明", ML, 500))},
    /* system.c test_clock */
    {"POST", "/api/v1/_test/clock", FIELDS("now", "advance_seconds"),
     RULES(TIME("now", "时间", 0, 40), INT("advance_seconds", "前进秒数", 0, -400LL * 86400 * 366, 400LL * 86400 * 366))},
};
#define NROUTES (sizeof ROUTES / sizeof *ROUTES)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    modules_init();
    router_set_tables(modules_route_tables(), true);
    arena a;
    arena_init(&a, 0);
    for (size_t i = 0; i < NROUTES; i++) {
        route_match m;
        router_match(&a, ROUTES[i].method, ROUTES[i].path, &m);
        if (!m.route || !m.route->method || !strcmp(m.route->method, "GET")) {
            fprintf(stderr, "json_body: no write route %s %s in the registry: update ROUTES\n", ROUTES[i].method,
                    ROUTES[i].path);
            abort();
        }
    }
    arena_free(&a);
    return 0;
}

/* The field name a getter reports: key, or path.key. */
static const char *field_of(ctx *c, const char *path, const char *key) {
    return path ? arena_printf(&c->a, "%s.%s", path, key) : key;
}

/* What jv_str promises about a text it accepted. */
static void check_text(const rule *r, const char *s) {
    if (!s) {
        FUZZ_CHECK(!(r->flags & IN_REQUIRED));
        return;
    }
    int n = utf8_chars(s);
    size_t len = strlen(s);
    FUZZ_CHECK(n >= 0 && (r->max <= 0 || n <= r->max));
    FUZZ_CHECK(len > 0 || !(r->flags & (IN_REQUIRED | IN_NONEMPTY)));
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        FUZZ_CHECK(ch != 0x7F && (ch >= 0x20 || ((r->flags & IN_MULTILINE) && (ch == '\n' || ch == '\t' || ch == '\r'))));
    }
    if (len) FUZZ_CHECK(s[0] != ' ' && s[len - 1] != ' ' && s[len - 1] != '\n');
    if (len >= 3) FUZZ_CHECK(memcmp(s, "\xe3\x80\x80", 3) && memcmp(s + len - 3, "\xe3\x80\x80", 3));
}

/* An area given as text must be read from the whole text, not a cut-off copy of it. */
static void check_area(json_t *v, const opt_int *o) {
    if (!o->present || o->null) return;
    FUZZ_CHECK(o->v >= 0);
    if (!json_is_string(v)) return;
    int64_t whole = -1;
    FUZZ_CHECK(json_string_length(v) == strlen(json_string_value(v)));
    FUZZ_CHECK(area_parse(json_string_value(v), &whole) && whole == o->v);
}

static void run_rules(ctx *c, json_t *obj, const char *path, const rule *rules);

/* R_ITEMS and R_OBJECT: each item checked against its fields, then its rules. */
static void run_nested(ctx *c, json_t *obj, const char *path, const rule *r) {
    json_t *v = json_object_get(obj, r->key);
    if (r->kind == R_OBJECT) {
        const char *p = field_of(c, path, r->key);
        if (json_is_object(v) && !jv_only(c, v, p, r->fields)) run_rules(c, v, p, r->nested);
        return;
    }
    if (!json_is_array(v) || (r->max && json_array_size(v) > (size_t)r->max)) return;
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        const char *p = arena_printf(&c->a, "%s[%zu]", field_of(c, path, r->key), i);
        if (json_is_object(item) && !jv_only(c, item, p, r->fields)) run_rules(c, item, p, r->nested);
    }
}

/* Getters that exist only for the body's top level (they read c->json). */
static void run_top(ctx *c, const rule *r) {
    const char *s = NULL;
    int64_t t = 0, end = 0;
    bool b = false, present = false;
    opt_int area;
    switch (r->kind) {
    case R_BOOL:
        if (!in_bool(c, r->key, r->label, r->flags, &b, &present)) FUZZ_CHECK(present || !(r->flags & IN_REQUIRED));
        break;
    case R_CODE:
        if (!in_code(c, r->key, r->label, r->flags, r->codes, &s)) FUZZ_CHECK(s ? code_in(r->codes, s) : !(r->flags & IN_REQUIRED));
        break;
    case R_MONTH:
        if (!in_month(c, r->key, r->flags, &s, &t, &end) && s) {
            char m[8];
            month_of(t, m);
            FUZZ_CHECK(!strcmp(m, s) && t < end);
        }
        break;
    case R_APPT:
        if (!in_appointment(c, r->key, &t)) FUZZ_CHECK(t == 0 || t >= c->now - 300);
        break;
    case R_AREA:
        if (!in_area(c, r->key, r->label, &area)) check_area(json_object_get(c->json, r->key), &area);
        break;
    case R_IDNO:
        if (!jv_str(c, c->json, "id_type", "id_type", "证件类型", 0, 10, &s)) {
            const char *no = NULL;
            if (!jv_str(c, c->json, "id_no", "id_no", "证件号码", 0, 30, &no) && !check_id_no(c, s, no) && no && *no)
                FUZZ_CHECK(id_number_ok(s, no));
        }
        break;
    case R_VERSION:
        if (!in_version(c, &t)) FUZZ_CHECK(t >= 1);
        break;
    default:
        break;
    }
}

static void run_rule(ctx *c, json_t *obj, const char *path, const rule *r) {
    const char *f = field_of(c, path, r->key), *s = NULL;
    int64_t v = 0, t = 0;
    bool present = false;
    switch (r->kind) {
    case R_STR:
        if (!jv_str(c, obj, r->key, f, r->label, r->flags, (int)r->max, &s)) check_text(r, s);
        break;
    case R_PHONE:
        if (!jv_str(c, obj, r->key, f, r->label, 0, (int)r->max, &s)) {
            check_text(r, s);
            if (!check_phone_cn(c, f, r->label, s) && s && *s) FUZZ_CHECK(phone_cn_ok(s));
        }
        break;
    case R_TIME:
        if (!jv_str(c, obj, r->key, f, r->label, r->flags, (int)r->max, &s) && s && clock_parse_iso(s, &t)) {
            char iso[40];
            int64_t again = 0;
            clock_iso(t, iso, sizeof iso);
            FUZZ_CHECK(clock_parse_iso(iso, &again) && again == t);
        }
        break;
    case R_INT:
        if (!jv_int(c, obj, r->key, f, r->label, r->flags, r->min, r->max, &v, &present)) {
            FUZZ_CHECK(!present || (v >= r->min && v <= r->max));
            FUZZ_CHECK(present || !(r->flags & IN_REQUIRED));
        }
        break;
    case R_DATE:
        if (!jv_date(c, obj, r->key, r->label, &s) && s && *s) FUZZ_CHECK(strlen(s) == 10 && clock_parse_iso(s, &t));
        break;
    case R_ITEMS:
    case R_OBJECT:
        run_nested(c, obj, path, r);
        break;
    default:
        if (!path) run_top(c, r);
        break;
    }
}

static void run_rules(ctx *c, json_t *obj, const char *path, const rule *rules) {
    for (const rule *r = rules; r->key; r++) run_rule(c, obj, path, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const route_spec *spec = &ROUTES[data[0] % NROUTES];
    ctx c = {0};
    fuzz_ctx_open(&c, spec->method, spec->path);
    fuzz_header(&c, "Content-Type", "application/json; charset=utf-8");
    buf_append(&c.body, data + 1, size - 1);
    if (!in_body(&c)) {
        FUZZ_CHECK(json_is_object(c.json));
        (void)in_only(&c, spec->allowed);
        run_rules(&c, c.json, NULL, spec->rules);
    }
    fuzz_ctx_close(&c);
    return 0;
}
