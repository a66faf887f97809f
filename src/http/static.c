/*
** static.c — serving the built web UI (web/dist): content types, long caching for hashed
** assets under /assets/, no caching for index.html, SPA fallback to index.html for paths
** without a file extension, and refusal of anything that tries to leave the directory.
*/
#include "server.h"
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct { const char *ext, *type; } types[] = {
    {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
    {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
    {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"},
    {".ico", "image/x-icon"}, {".webp", "image/webp"}, {".woff", "font/woff"},
    {".woff2", "font/woff2"}, {".ttf", "font/ttf"}, {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json"}, {".webmanifest", "application/manifest+json"},
};

static const char *content_type(const char *path) {
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcasecmp(dot, types[i].ext) == 0) return types[i].type;
    return "application/octet-stream";
}

static bool safe_path(const char *p) {
    if (p[0] != '/' || strstr(p, "..") || strchr(p, '\\') || strstr(p, "//")) return false;
    for (const unsigned char *s = (const unsigned char *)p; *s; s++)
        if (*s < 0x20) return false;
    return true;
}

static struct MHD_Response *file_response(const char *full, const char *logical, bool spa_index) {
    int fd = open(full, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) { close(fd); return NULL; }
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
    if (!r) { close(fd); return NULL; }
    MHD_add_response_header(r, "Content-Type", content_type(full));
    bool hashed = strncmp(logical, "/assets/", 8) == 0 && !spa_index;
    MHD_add_response_header(r, "Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    return r;
}

struct MHD_Response *static_response(const char *web_dir, const char *path, int *status) {
    char full[4096];
    if (!web_dir || !safe_path(path)) return NULL;
    const char *rel = strcmp(path, "/") == 0 ? "/index.html" : path;
    if (snprintf(full, sizeof full, "%s%s", web_dir, rel) >= (int)sizeof full) return NULL;
    struct MHD_Response *r = file_response(full, rel, false);
    if (r) { *status = 200; return r; }
    /* SPA fallback: client-side routes have no extension in their last segment */
    const char *last = strrchr(path, '/');
    if (strncmp(path, "/assets/", 8) == 0 || (last && strchr(last, '.'))) return NULL;
    snprintf(full, sizeof full, "%s/index.html", web_dir);
    r = file_response(full, "/index.html", true);
    if (r) *status = 200;
    return r;
}
