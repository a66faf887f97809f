/*
** crypto.c — libsodium wrappers (see crypto.h).
*/
#include "crypto.h"
#include <pthread.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static bool fast_hash;

bool crypto_setup(void) {
    const char *m = getenv("KEFU_PWHASH");
    if (m && strcmp(m, "min") == 0) {   /* the test suite's speed-up: never silently */
        fast_hash = true;
        fprintf(stderr, "kefu: 警告：KEFU_PWHASH=min —— 新密码的哈希降到最低强度，只可用于测试；"
                        "正式使用请去掉这个环境变量\n");
    }
    return sodium_init() >= 0;
}

bool crypto_fast_hash(void) { return fast_hash; }

void crypto_set_fast_hash(bool fast) { fast_hash = fast; }

bool crypto_password_hash(const char *pw, char *out, size_t n) {
    if (n < crypto_pwhash_STRBYTES) return false;
    unsigned long long ops = fast_hash ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = fast_hash ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    return crypto_pwhash_str_alg(out, pw, strlen(pw), ops, mem, crypto_pwhash_ALG_ARGON2ID13) == 0;
}

bool crypto_password_verify(const char *hash, const char *pw) {
    return hash && crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

/* A hash of a random password with the current costs, made once, for crypto_password_dummy. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static void make_dummy(void) {
    char pw[33];
    crypto_token_hex(pw, 16);
    if (!crypto_password_hash(pw, dummy_hash, sizeof dummy_hash)) dummy_hash[0] = 0;
}

void crypto_password_dummy(const char *pw) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_dummy);
    if (dummy_hash[0]) { (void)crypto_password_verify(dummy_hash, pw ? pw : ""); return; }
    char scratch[crypto_pwhash_STRBYTES];   /* no stand-in (out of memory at first use): hash instead, */
    (void)crypto_password_hash(pw ? pw : "", scratch, sizeof scratch);   /* the same work */
}

void crypto_token_hex(char *out, size_t nbytes) {
    unsigned char raw[64];
    if (nbytes > sizeof raw) nbytes = sizeof raw;
    randombytes_buf(raw, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, raw, nbytes);
}

void crypto_password_generate(char *out, size_t n) {
    static const char letters[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    static const char digits[] = "23456789";
    size_t len = n - 1 < 10 ? n - 1 : 10;
    for (size_t i = 0; i < len; i++)
        out[i] = (i % 3 == 2) ? digits[randombytes_uniform(sizeof digits - 1)]
                              : letters[randombytes_uniform(sizeof letters - 1)];
    out[len] = 0;
}

void crypto_sha256_hex(const void *data, size_t len, char out[65]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

bool crypto_equal(const char *a, const char *b) {
    if (!a || !b) return false;
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb || la == 0) return false;
    return sodium_memcmp(a, b, la) == 0;
}
