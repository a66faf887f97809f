/*
** audit_text.c — an audit row in words: the changes object {"phone":{"from":…,"to":…},"note":…}
** as 「手机：旧值 → 新值；备注：值」, each field by the Chinese name its module gives it
** (kmodule.audit), coded values by theirs ("source" "demo" 演示数据), a workflow's states and the
** roles by their labels. A key no module names is shown as it is.
*/
#include "admin.h"
#include "base/buf.h"
#include "http/module.h"
#include <jansson.h>
#include <string.h>

static void value_text(buf *b, const char *entity, const char *field, json_t *v);

static const char *field_label(const char *entity, const char *key) {
    const char *l = module_audit_field(entity, key);
    return l ? l : key;
}

static bool blank(json_t *v) {
    return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v));
}

static void string_text(buf *b, const char *entity, const char *field, const char *s) {
    const char *l = module_audit_value(field, s);
    if (!l && !strcmp(field, "state")) l = module_audit_state(entity, s);
    if (!l && !strcmp(field, "role") && role_from_name(s)) l = role_label(role_from_name(s));
    buf_puts(b, l && *l ? l : s);
}

/* A nested record (the person added as a resident): 「姓名 张三，关系 业主」. */
static void object_text(buf *b, const char *entity, json_t *v) {
    const char *k;
    json_t *x;
    bool first = true;
    json_object_foreach(v, k, x) {
        if (blank(x)) continue;
        if (!first) buf_puts(b, "，");
        buf_printf(b, "%s ", field_label(entity, k));
        value_text(b, entity, k, x);
        first = false;
    }
    if (first) buf_puts(b, "（空）");
}

static void value_text(buf *b, const char *entity, const char *field, json_t *v) {
    if (blank(v)) buf_puts(b, "（空）");
    else if (json_is_boolean(v)) buf_puts(b, json_is_true(v) ? "是" : "否");
    else if (json_is_integer(v)) buf_int(b, json_integer_value(v));
    else if (json_is_real(v)) buf_printf(b, "%g", json_real_value(v));
    else if (json_is_string(v)) string_text(b, entity, field, json_string_value(v));
    else if (json_is_object(v)) object_text(b, entity, v);
    else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (i) buf_puts(b, "、");
            value_text(b, entity, field, x);
        }
    }
}

/* {"from":…,"to":…} and nothing else: a change of one field. */
static bool is_change(json_t *v) {
    if (!json_is_object(v) || json_object_size(v) == 0) return false;
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x)
        if (strcmp(k, "from") && strcmp(k, "to")) return false;
    return true;
}

static void field_text(buf *b, const char *entity, const char *key, json_t *v) {
    buf_printf(b, "%s：", field_label(entity, key));
    if (!is_change(v)) { value_text(b, entity, key, v); return; }
    json_t *from = json_object_get(v, "from"), *to = json_object_get(v, "to");
    if (from && !json_is_null(from) && !(to && json_equal(from, to))) {   /* unchanged: the value */
        value_text(b, entity, key, from);
        buf_puts(b, " → ");
    }
    value_text(b, entity, key, to);
}

const char *audit_summary(arena *a, const char *entity, const char *changes) {
    if (!changes || !*changes) return "";
    json_t *root = json_loads(changes, JSON_DECODE_ANY, NULL);
    if (!root) return arena_strdup(a, changes);
    buf b;
    buf_init(&b);
    if (json_is_object(root)) {
        const char *k;
        json_t *v;
        bool first = true;
        json_object_foreach(root, k, v) {
            if (!first) buf_puts(&b, "；");
            field_text(&b, entity, k, v);
            first = false;
        }
    } else if (!json_is_null(root)) {
        value_text(&b, entity, "", root);
    }
    json_decref(root);
    const char *out = buf_ok(&b) ? arena_strdup(a, buf_cstr(&b)) : "";
    buf_free(&b);
    return out;
}
