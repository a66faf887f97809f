/*
** password.h — the password rules, one place for the API and the command line.
**
** At least 10 and at most 128 characters, a letter and a digit, no control characters, no
** space at either end (a typo nobody sees), not containing the user name, and not one of the
** common passwords shipped with the binary (compared without case).
*/
#ifndef KEFU_PASSWORD_H
#define KEFU_PASSWORD_H

#define PASSWORD_MIN_CHARS 10
/* NULL when pw may be the password of user `username` (NULL: not known yet), else the rule it
** breaks, in Chinese, naming the rule ("密码至少 10 位"). */
const char *password_problem(const char *username, const char *pw);
#endif
