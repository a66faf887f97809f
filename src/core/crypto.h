/*
** crypto.h — passwords (argon2id), random tokens and SHA-256, all from libsodium.
*/
#ifndef KEFU_CRYPTO_H
#define KEFU_CRYPTO_H
#include <stdbool.h>
#include <stddef.h>

bool crypto_setup(void);                /* sodium_init; reads KEFU_PWHASH=min for tests */
void crypto_set_fast_hash(bool fast);   /* MIN argon2id limits (tests only) */
/* argon2id hash string into out (>= 128 bytes). false on failure. */
bool crypto_password_hash(const char *pw, char *out, size_t n);
bool crypto_password_verify(const char *hash, const char *pw);
bool crypto_fast_hash(void);   /* KEFU_PWHASH=min (tests): /health says so, stderr warned at start */
/* The work of a verify that always fails (a login naming no user): as long as a real one, so
** that the time of a failed login does not tell whether the user name exists. */
void crypto_password_dummy(const char *pw);
/* Random token of nbytes (<= 64), hex-encoded into out (>= 2*nbytes+1). */
void crypto_token_hex(char *out, size_t nbytes);
/* Generated password easy to read aloud: 10 chars from an unambiguous alphabet, with digits. */
void crypto_password_generate(char *out, size_t n);
/* SHA-256 of data, hex into out (65 bytes). */
void crypto_sha256_hex(const void *data, size_t len, char out[65]);
bool crypto_equal(const char *a, const char *b);   /* constant time for equal lengths */
#endif
