/*
** err.c — the table behind err.h: status, code and Chinese message of every error.
*/
#include "err.h"
#include <stddef.h>

static const struct { kerr e; int status; const char *code, *msg; } errs[] = {
    {E_BAD_JSON,        400, "bad_json",               "请求内容不是有效的 JSON 对象"},
    {E_BAD_REQUEST,     400, "bad_request",            "请求格式不正确"},
    {E_TOO_LARGE,       413, "payload_too_large",      "提交的内容过大"},
    {E_MEDIA_TYPE,      415, "unsupported_media_type", "请以 JSON 格式提交（Content-Type: application/json）"},
    {E_ROUTE_NOT_FOUND, 404, "route_not_found",        "请求的接口不存在"},
    {E_METHOD,          405, "method_not_allowed",     "该接口不支持此请求方法"},
    {E_NOT_FOUND,       404, "not_found",              "记录不存在或您无权查看"},
    {E_URI_TOO_LONG,    414, "uri_too_long",           "请求地址过长"},
    {E_HEADERS_TOO_LARGE, 431, "request_header_too_large", "请求头或查询参数过多"},
    {E_UNAUTH,          401, "unauthenticated",        "请先登录"},
    {E_BAD_LOGIN,       401, "invalid_credentials",    "用户名或密码错误"},
    {E_THROTTLED,       429, "too_many_attempts",      "登录失败次数过多，请稍后再试"},
    {E_CSRF,            403, "csrf_failed",            "页面已过期，请刷新后重试"},
    {E_FORBIDDEN,       403, "forbidden",              "您没有权限执行此操作"},
    {E_DISABLED,        403, "account_disabled",       "该账号已停用，请联系管理员"},
    {E_VALIDATION,      422, "validation_failed",      "填写的内容不正确"},
    {E_UNKNOWN_FIELD,   422, "unknown_field",          "提交了不支持的字段"},
    {E_CONFLICT,        409, "conflict",               "记录已被他人修改，请刷新后重试"},
    {E_DUPLICATE,       409, "duplicate",              "该值已被使用"},
    {E_STATE,           409, "invalid_state",          "当前状态下不能执行此操作"},
    {E_INTERNAL,        500, "internal_error",         "服务器内部错误，请稍后重试"},
    {E_BUSY,            503, "busy",                   "系统繁忙，请稍后重试"},
    {E_NOMEM,           500, "internal_error",         "服务器内部错误，请稍后重试"},
};

static int find(kerr e) {
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++)
        if (errs[i].e == e) return (int)i;
    return -1;
}

int err_http_status(kerr e) { int i = find(e); return i < 0 ? 500 : errs[i].status; }
const char *err_code(kerr e) { int i = find(e); return i < 0 ? "internal_error" : errs[i].code; }
const char *err_message(kerr e) {
    int i = find(e);
    return i < 0 ? "服务器内部错误，请稍后重试" : errs[i].msg;
}
