/*
** password.c — the password rules (see password.h). The list below holds common passwords of
** 10 characters or more (shorter ones are refused by length): keyboard walks, digit runs,
** "password"/"admin"/"woaini" with a year or 123…, pinyin favourites.
*/
#include "password.h"
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

static const char *const COMMON[] = {
    "1234567890", "0123456789", "12345678910", "123456789a", "a123456789", "abc1234567", "abcd123456",
    "1234567890a", "qwertyuiop", "qwerty1234", "qwer123456", "1q2w3e4r5t", "1q2w3e4r5t6y", "q1w2e3r4t5",
    "1qaz2wsx3edc", "1qaz2wsx3e", "qazwsxedc123", "zxcvbnm123", "asdfghjkl1", "asdf123456", "asd1234567",
    "password12", "password123", "password1234", "passw0rd123", "p@ssw0rd123", "password2024", "password2025",
    "password2026", "password2027", "admin12345", "admin123456", "admin@1234", "administrator", "admin1234567",
    "root123456", "test123456", "test1234567", "guest12345", "user123456", "welcome123", "welcome2026",
    "iloveyou12", "iloveyou123", "woaini1314", "woaini5201314", "5201314520", "a5201314520", "woaini123456",
    "aa123456789", "aa12345678", "qq123456789", "qq1234567890", "abc123456789", "abcdefg123", "abcdef1234",
    "1111111111", "1111111111a", "0000000000", "1234554321", "1122334455", "1357924680", "9876543210",
    "88888888888", "6666666666", "zhang123456", "wang123456", "li12345678", "liu123456789", "chen123456",
    "kefu123456", "kefu2026kefu", "demo123456", "demo1234567", "changeme123", "letmein123", "monkey12345",
    "dragon12345", "sunshine123", "football123", "baseball123", "princess123", "trustno1234", "superman123",
    "michael1234", "shadow12345", "master12345", "jennifer123", "computer123", "internet123", "starwars123",
    "hello123456", "hello12345", "nihao123456", "huawei123456", "wifi123456", "888888888a", "a888888888",
    NULL,
};

static bool is_common(const char *pw) {
    for (int i = 0; COMMON[i]; i++)
        if (!strcasecmp(COMMON[i], pw)) return true;
    return false;
}

/* Characters of valid UTF-8 (every byte not a continuation byte). */
static size_t chars(const char *s) {
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Does hay contain needle, ignoring ASCII case? */
static bool contains_nocase(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; n && *hay; hay++)
        if (!strncasecmp(hay, needle, n)) return true;
    return false;
}

const char *password_problem(const char *username, const char *pw) {
    bool letter = false, digit = false;
    size_t len = strlen(pw);
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if (*p < 0x20 || *p == 0x7F) return "密码不能包含制表符、换行等控制字符";
        letter |= isalpha(*p) != 0;
        digit |= isdigit(*p) != 0;
    }
    if (chars(pw) < PASSWORD_MIN_CHARS) return "密码至少 10 位";
    if (chars(pw) > 128) return "密码最多 128 位";
    if (pw[0] == ' ' || pw[len - 1] == ' ') return "密码开头和结尾不能是空格";
    if (!letter || !digit) return "密码须同时包含字母和数字";
    if (username && strlen(username) >= 3 && contains_nocase(pw, username)) return "密码不能包含用户名";
    if (is_common(pw)) return "这个密码太常见，容易被猜到，请换一个";
    return NULL;
}
