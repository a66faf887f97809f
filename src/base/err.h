/*
** err.h — the one error enum of kefu, grouped by ranges, mapped once to HTTP status,
** stable code string and default Chinese message (err.c). Handlers return these values;
** the server turns them into the error envelope {"error":{"code","message","field"}}.
*/
#ifndef KEFU_ERR_H
#define KEFU_ERR_H

typedef enum kerr {
    E_OK = 0,
    /* 1xx: the request itself */
    E_BAD_JSON = 100, E_BAD_REQUEST, E_TOO_LARGE, E_MEDIA_TYPE,
    E_ROUTE_NOT_FOUND, E_METHOD, E_NOT_FOUND, E_URI_TOO_LONG, E_HEADERS_TOO_LARGE,
    /* 2xx: who is asking */
    E_UNAUTH = 200, E_BAD_LOGIN, E_THROTTLED, E_CSRF, E_FORBIDDEN, E_DISABLED,
    /* 3xx: values */
    E_VALIDATION = 300, E_UNKNOWN_FIELD,
    /* 4xx: state */
    E_CONFLICT = 400, E_DUPLICATE, E_STATE,
    /* 5xx: storage and internals */
    E_INTERNAL = 500, E_BUSY, E_NOMEM,
} kerr;

int err_http_status(kerr e);
const char *err_code(kerr e);        /* stable machine code, e.g. "validation_failed" */
const char *err_message(kerr e);     /* default Chinese message */
#endif
