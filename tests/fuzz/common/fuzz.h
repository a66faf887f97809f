/*
** fuzz.h — what the fuzz targets share (tests/fuzz/README.md).
**
** The request path reads query arguments and headers through libmicrohttpd's accessors
** (q_str, ctx_req_header, q_check). fake_mhd.c defines those accessors in the fuzz binary, so
** the linker takes them instead of the library's, over a stand-in connection kept in the ctx's
** arena: a ctx is then built exactly as the server builds it (ctx_init) and the real getters run
** with no daemon, socket or database.
*/
#ifndef KEFU_FUZZ_H
#define KEFU_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include "http/ctx.h"

/* Sets up c (zeroed by the caller) as the server does for METHOD url, on a stand-in connection
** without arguments or headers, with a fixed time (2026-11-25 09:00 +08:00) so runs repeat. */
void fuzz_ctx_open(ctx *c, const char *method, const char *url);
/* Everything ctx_init and the request allocated. */
void fuzz_ctx_close(ctx *c);
/* The text after '?' split into arguments as libmicrohttpd does it: '&' between them, the first
** '=' between key and value (no '=': a NULL value), '+' as a space, then %XX decoded (a %00
** gives a key or value with a NUL byte inside, its size telling the whole length). */
void fuzz_query(ctx *c, const char *query, size_t len);
/* A request header, as libmicrohttpd would hand it over. */
void fuzz_header(ctx *c, const char *name, const char *value);
/* The URL path as libmicrohttpd hands it to the server: %XX decoded in place (no '+'). */
size_t fuzz_unescape(char *s);

/* Invariant checks: a violated one stops the run as a crash the fuzzer records. */
#define FUZZ_CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* The fuzzer's entry point and its one-time set-up (libFuzzer calls both). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
#endif
