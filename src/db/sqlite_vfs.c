/*
** sqlite_vfs.c — a shim over SQLite's default VFS that writes a commit's WAL frames in one
** system call.
**
** SQLite writes each WAL frame with two pwrite calls (its 24-byte header, then the page). A
** ticket changes some 25 pages (a leaf of every index it is in), so a commit of a dozen
** tickets made several hundred calls; on this VM a call costs ~2 µs, and the commit was the
** larger part of the single writer's time. Here the frames a connection appends to its WAL
** wait in a buffer and go to the file in one write when the commit's last frame is written
** (a frame header with a non-zero "database size" field marks a commit), so the commit's
** result is that write's result, before SQLite publishes the frames in the wal-index.
**
** The buffer is also written before any other use of the WAL file through this handle (read,
** sync, truncate, size, file control, close) and before the wal-index is touched (the
** database file's shm barrier and locks), so nothing SQLite or another connection reads can
** miss a buffered frame. Only WAL files are buffered; everything else passes straight through.
*/
#include "db_internal.h"
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define WAL_HDR 32            /* the WAL file header */
#define FRAME_HDR 24          /* each frame's header */
#define BUF_CAP (1 << 20)

typedef struct shim_file {
    sqlite3_file base;
    struct shim_file *wal;    /* a database file: its WAL's shim file while open */
    struct shim_file *db;     /* a WAL file: its database's shim file */
    unsigned char *buf;       /* a WAL file: frames not yet written, from file offset off */
    sqlite3_int64 off;
    int len;
    bool is_wal;
    bool commit_pending;      /* the next write is the page of a commit frame */
    sqlite3_file *real;       /* the wrapped file, right after this struct */
} shim_file;

static sqlite3_vfs shim_vfs, *real_vfs;

/* In pieces of 64 KiB: the unix VFS masks a write's length to 17 bits (seekAndWriteFd), so
** a larger write can come out short and be reported as a full disk. */
#define PIECE 65536

static int flush(shim_file *f) {
    if (!f || f->len == 0) return SQLITE_OK;
    int rc = SQLITE_OK;
    for (int at = 0; rc == SQLITE_OK && at < f->len; at += PIECE) {
        int n = f->len - at < PIECE ? f->len - at : PIECE;
        rc = f->real->pMethods->xWrite(f->real, f->buf + at, n, f->off + at);
    }
    f->len = 0;
    return rc;
}

static int flush_wal_of(shim_file *f) { return f->wal ? flush(f->wal) : SQLITE_OK; }

static int sh_close(sqlite3_file *p) {
    shim_file *f = (shim_file *)p;
    int rc = flush(f);
    if (f->db && f->db->wal == f) f->db->wal = NULL;
    if (f->wal) f->wal->db = NULL;
    free(f->buf);
    int rc2 = f->real->pMethods->xClose(f->real);
    return rc ? rc : rc2;
}

static int sh_read(sqlite3_file *p, void *out, int amt, sqlite3_int64 off) {
    shim_file *f = (shim_file *)p;
    int rc = flush(f);
    return rc ? rc : f->real->pMethods->xRead(f->real, out, amt, off);
}

/* A frame header with a non-zero "database size after commit" field: the commit's frame. */
static bool commit_header(const unsigned char *h) { return (h[4] | h[5] | h[6] | h[7]) != 0; }

static int sh_write(sqlite3_file *p, const void *data, int amt, sqlite3_int64 off) {
    shim_file *f = (shim_file *)p;
    if (f->is_wal && !f->buf) f->buf = malloc(BUF_CAP);   /* readers never write: no buffer */
    if (!f->buf) return f->real->pMethods->xWrite(f->real, data, amt, off);
    int rc = SQLITE_OK;
    if (f->len && (off != f->off + f->len || f->len + amt > BUF_CAP || amt > PIECE)) rc = flush(f);
    if (rc) return rc;
    if (amt > PIECE) return f->real->pMethods->xWrite(f->real, data, amt, off);
    if (f->len == 0) f->off = off;
    memcpy(f->buf + f->len, data, (size_t)amt);
    f->len += amt;
    /* SQLite 3.40 writes a frame as its header, then its page; a whole frame in one write
    ** (header and a page of 512 to 65536 bytes) is recognised too. */
    const unsigned char *h = data;
    int page = amt - FRAME_HDR;
    bool header = amt == FRAME_HDR && off >= WAL_HDR;
    bool whole = off >= WAL_HDR && page >= 512 && page <= 65536 && (page & (page - 1)) == 0;
    if (header && commit_header(h)) { f->commit_pending = true; return SQLITE_OK; }
    if (whole && commit_header(h)) return flush(f);
    if (!header && f->commit_pending) { f->commit_pending = false; return flush(f); }
    return SQLITE_OK;
}

static int sh_truncate(sqlite3_file *p, sqlite3_int64 size) {
    shim_file *f = (shim_file *)p;
    int rc = flush(f);
    return rc ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int sh_sync(sqlite3_file *p, int flags) {
    shim_file *f = (shim_file *)p;
    int rc = flush(f);
    return rc ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int sh_file_size(sqlite3_file *p, sqlite3_int64 *size) {
    shim_file *f = (shim_file *)p;
    int rc = flush(f);
    return rc ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int sh_lock(sqlite3_file *p, int l) { return ((shim_file *)p)->real->pMethods->xLock(((shim_file *)p)->real, l); }
static int sh_unlock(sqlite3_file *p, int l) { return ((shim_file *)p)->real->pMethods->xUnlock(((shim_file *)p)->real, l); }
static int sh_check_lock(sqlite3_file *p, int *out) {
    return ((shim_file *)p)->real->pMethods->xCheckReservedLock(((shim_file *)p)->real, out);
}

static int sh_file_control(sqlite3_file *p, int op, void *arg) {
    shim_file *f = (shim_file *)p;
    int rc = flush(f);
    if (rc) return rc;
    rc = f->real->pMethods->xFileControl(f->real, op, arg);
    if (op == SQLITE_FCNTL_VFSNAME && rc == SQLITE_OK) {
        char **name = arg;
        char *s = sqlite3_mprintf("kefu-wal/%z", *name);
        if (s) *name = s;
    }
    return rc;
}

static int sh_sector_size(sqlite3_file *p) { return ((shim_file *)p)->real->pMethods->xSectorSize(((shim_file *)p)->real); }
static int sh_device_chars(sqlite3_file *p) {
    return ((shim_file *)p)->real->pMethods->xDeviceCharacteristics(((shim_file *)p)->real);
}

/* The wal-index: whatever is published there or read from it after a lock must find the frames
** in the file. */
static int sh_shm_map(sqlite3_file *p, int pg, int pgsz, int extend, void volatile **out) {
    shim_file *f = (shim_file *)p;
    return f->real->pMethods->xShmMap(f->real, pg, pgsz, extend, out);
}
static int sh_shm_lock(sqlite3_file *p, int offset, int n, int flags) {
    shim_file *f = (shim_file *)p;
    int rc = flush_wal_of(f);
    return rc ? rc : f->real->pMethods->xShmLock(f->real, offset, n, flags);
}
static void sh_shm_barrier(sqlite3_file *p) {
    shim_file *f = (shim_file *)p;
    flush_wal_of(f);
    f->real->pMethods->xShmBarrier(f->real);
}
static int sh_shm_unmap(sqlite3_file *p, int del) { return ((shim_file *)p)->real->pMethods->xShmUnmap(((shim_file *)p)->real, del); }
static int sh_fetch(sqlite3_file *p, sqlite3_int64 off, int amt, void **out) {
    return ((shim_file *)p)->real->pMethods->xFetch(((shim_file *)p)->real, off, amt, out);
}
static int sh_unfetch(sqlite3_file *p, sqlite3_int64 off, void *ptr) {
    return ((shim_file *)p)->real->pMethods->xUnfetch(((shim_file *)p)->real, off, ptr);
}

static const sqlite3_io_methods shim_io = {
    3, sh_close, sh_read, sh_write, sh_truncate, sh_sync, sh_file_size, sh_lock, sh_unlock, sh_check_lock,
    sh_file_control, sh_sector_size, sh_device_chars, sh_shm_map, sh_shm_lock, sh_shm_barrier, sh_shm_unmap,
    sh_fetch, sh_unfetch,
};

static int sh_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *p, int flags, int *out_flags) {
    (void)vfs;
    shim_file *f = (shim_file *)p;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)(f + 1);
    int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK || !f->real->pMethods) { p->pMethods = NULL; return rc ? rc : SQLITE_CANTOPEN; }
    if (f->real->pMethods->iVersion < 3) { f->real->pMethods->xClose(f->real); p->pMethods = NULL; return SQLITE_CANTOPEN; }
    if ((flags & SQLITE_OPEN_WAL) && name) {
        f->is_wal = true;
        shim_file *d = (shim_file *)sqlite3_database_file_object(name);
        if (d && d->base.pMethods == &shim_io) { f->db = d; d->wal = f; }
    }
    p->pMethods = &shim_io;
    return SQLITE_OK;
}

static int sh_delete(sqlite3_vfs *v, const char *n, int sync) { (void)v; return real_vfs->xDelete(real_vfs, n, sync); }
static int sh_access(sqlite3_vfs *v, const char *n, int flags, int *out) {
    (void)v;
    return real_vfs->xAccess(real_vfs, n, flags, out);
}
static int sh_full_path(sqlite3_vfs *v, const char *n, int size, char *out) {
    (void)v;
    return real_vfs->xFullPathname(real_vfs, n, size, out);
}
static void *sh_dl_open(sqlite3_vfs *v, const char *n) { (void)v; return real_vfs->xDlOpen(real_vfs, n); }
static void sh_dl_error(sqlite3_vfs *v, int n, char *msg) { (void)v; real_vfs->xDlError(real_vfs, n, msg); }
static void (*sh_dl_sym(sqlite3_vfs *v, void *h, const char *s))(void) { (void)v; return real_vfs->xDlSym(real_vfs, h, s); }
static void sh_dl_close(sqlite3_vfs *v, void *h) { (void)v; real_vfs->xDlClose(real_vfs, h); }
static int sh_randomness(sqlite3_vfs *v, int n, char *out) { (void)v; return real_vfs->xRandomness(real_vfs, n, out); }
static int sh_sleep(sqlite3_vfs *v, int us) { (void)v; return real_vfs->xSleep(real_vfs, us); }
static int sh_current_time(sqlite3_vfs *v, double *t) { (void)v; return real_vfs->xCurrentTime(real_vfs, t); }
static int sh_last_error(sqlite3_vfs *v, int n, char *s) { (void)v; return real_vfs->xGetLastError(real_vfs, n, s); }
static int sh_current_time64(sqlite3_vfs *v, sqlite3_int64 *t) { (void)v; return real_vfs->xCurrentTimeInt64(real_vfs, t); }

/* Registers the shim as the default VFS (once, before any connection opens). */
int sqlite_vfs_install(void) {
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs || real_vfs->iVersion < 2) return SQLITE_ERROR;
    shim_vfs = (sqlite3_vfs){
        .iVersion = 2, .szOsFile = (int)sizeof(shim_file) + real_vfs->szOsFile, .mxPathname = real_vfs->mxPathname,
        .zName = "kefu-wal", .xOpen = sh_open, .xDelete = sh_delete, .xAccess = sh_access,
        .xFullPathname = sh_full_path, .xDlOpen = sh_dl_open, .xDlError = sh_dl_error, .xDlSym = sh_dl_sym,
        .xDlClose = sh_dl_close, .xRandomness = sh_randomness, .xSleep = sh_sleep,
        .xCurrentTime = sh_current_time, .xGetLastError = sh_last_error, .xCurrentTimeInt64 = sh_current_time64,
    };
    return sqlite3_vfs_register(&shim_vfs, 1);
}
