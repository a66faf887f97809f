/*
** archive_mirror.c — the counter lookup (A8) from memory.
**
** The front desk types into one box all day, so the lookup is the archive's hottest read. Each
** process keeps, per project, a snapshot of what the lookup shows (units with their owners and
** completeness, people with their units, active vehicles) and a gram index over room numbers,
** names, phone digits and plates. A lookup then reads one row per project from the database:
** the project's archive generation (archive_gen), which every archive write moves in its own
** transaction (archive_touch). A snapshot read at that generation (or later) answers. A request
** that finds none answers from the database instead, and marks the project for the server's
** background job (lookup_memory_refresh, every 50 ms), which reads it into memory: no request
** waits for a project to be read (0.1 s for 5,000 units, 2 s for 100,000). So a lookup never
** shows less than what was committed before it started, on SQLite and on PostgreSQL, with one
** process or several.
**
** What it finds and in which order is the rule of the database lookup (archive_people.c):
**   units   — 1502: that room in every building; 3-1502: room 1502 of building 3 (or the unit
**             coded so); 3-2-1502: that code. The exact code first, then by building, code.
**   people  — by name (Chinese, one character or more) or by phone digits (4 or more, phone
**             and second phone): an equal name or number first, then those starting with the
**             term, then shorter names, then the older record.
**   vehicles — active, plate containing the term (letters in any case): the equal plate first.
** Ten of each. From memory every match is ranked, where the database ranks the first 50
** holders of a one-gram term.
**
** A snapshot is immutable once published; readers hold a reference, the last one frees it.
** A snapshot is read again after MAX_AGE seconds even without a write, so a change made
** behind the server's back (a restore, a hand edit) shows within minutes.
*/
#include "archive.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOP 10           /* results per group */
#define MAX_AGE 300      /* seconds */

/* A gram of an indexed text and the record holding it; sorted by (key, ref). */
typedef struct gram { uint64_t key; int32_t ref; } gram;
typedef struct gram_index { gram *g; size_t n, cap; } gram_index;

typedef struct m_unit { unit_rec r; int owner0, nowner, bcode_chars; } m_unit;
typedef struct m_person { person_rec r; int unit0, nunit, name_chars; } m_person;
typedef struct m_vehicle { vehicle_rec r; const char *upper; } m_vehicle;

typedef struct snapshot {
    int64_t pid, gen, built;          /* built: monotonic seconds */
    atomic_int refs;
    arena a;                          /* strings and the room order */
    char *pool; size_t pool_left;     /* where the next string goes (keep) */
    m_unit *units; int nunits;        /* by id */
    owner_rec *owners; int nowners;   /* by unit, then resident id */
    m_person *people; int npeople;    /* by id */
    person_unit_rec *punits; int npunits;
    m_vehicle *veh; int nveh;
    int32_t *by_room; int nrooms;     /* unit indexes by room */
    gram_index names, phones, plates;
} snapshot;

/* The registry: the current snapshot of each project this process has been asked to look up
** in, and whether a request found it missing or old (`wanted`: the background job reads it;
** not asked again while `reading`: the job then sees a newer generation at the next lookup). */
typedef struct slot { int64_t pid; snapshot *cur; bool wanted, reading; } slot;
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static slot **slots;
static int nslots, capslots;
static atomic_bool enabled = true;

void lookup_memory_enable(bool on) { atomic_store(&enabled, on); }

static int64_t mono_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

/* ---- UTF-8 and grams ---- */

/* Where the character at s[i] ends (never past the terminating NUL). */
static size_t next_char(const char *s, size_t i) {
    unsigned char ch = (unsigned char)s[i];
    size_t n = ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4, k = 1;
    while (k < n && s[i + k]) k++;
    return i + k;
}

static int utf8_count(const char *s) {
    int n = 0;
    for (size_t i = 0; s[i]; i = next_char(s, i)) n++;
    return n;
}

/* The bytes s[0..len) as a key (at most 8 bytes; longer pieces are not indexed). */
static bool gram_key(const char *s, size_t len, uint64_t *key) {
    if (len == 0 || len > 8) return false;
    uint64_t k = 0;
    memcpy(&k, s, len);
    *key = k ^ ((uint64_t)len << 59);   /* "AB" and "AB\0" differ */
    return true;
}

static bool gram_add(gram_index *x, uint64_t key, int32_t ref) {
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 1024;
        gram *g = realloc(x->g, cap * sizeof *g);
        if (!g) return false;
        x->g = g, x->cap = cap;
    }
    x->g[x->n++] = (gram){key, ref};
    return true;
}

/* Every piece of one and of two characters of s. */
static bool grams_of_text(gram_index *x, const char *s, int32_t ref) {
    for (size_t i = 0; s && s[i];) {
        size_t j = next_char(s, i), e = s[j] ? next_char(s, j) : j;
        uint64_t k;
        if (gram_key(s + i, j - i, &k) && !gram_add(x, k, ref)) return false;
        if (e > j && gram_key(s + i, e - i, &k) && !gram_add(x, k, ref)) return false;
        i = j;
    }
    return true;
}

/* Every run of four digits of a phone, dashes left out. */
static bool grams_of_phone(gram_index *x, const char *s, int32_t ref) {
    char dig[40];
    size_t n = 0;
    for (; s && *s && n < sizeof dig; s++)
        if (*s >= '0' && *s <= '9') dig[n++] = *s;
    uint64_t k;
    for (size_t i = 0; i + 4 <= n; i++)
        if (gram_key(dig + i, 4, &k) && !gram_add(x, k, ref)) return false;
    return true;
}

static int gram_cmp(const void *a, const void *b) {
    const gram *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->ref > y->ref) - (x->ref < y->ref);
}

/* Sorted, each (gram, record) once. */
static void gram_seal(gram_index *x) {
    if (!x->n) return;
    qsort(x->g, x->n, sizeof *x->g, gram_cmp);
    size_t o = 1;
    for (size_t i = 1; i < x->n; i++)
        if (x->g[i].key != x->g[o - 1].key || x->g[i].ref != x->g[o - 1].ref) x->g[o++] = x->g[i];
    x->n = x->cap = o;
    gram *fit = realloc(x->g, o * sizeof *fit);
    if (fit) x->g = fit;
}

/* The records holding key: g[*lo .. *lo + n). */
static size_t gram_find(const gram_index *x, uint64_t key, size_t *lo) {
    size_t a = 0, b = x->n;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (x->g[m].key < key) a = m + 1; else b = m;
    }
    size_t e = a;
    while (e < x->n && x->g[e].key == key) e++;
    *lo = a;
    return e - a;
}

/* The candidates for term q: the holders of its one gram (q is one character, or four digits
** with `width` 4), else of its rarest gram of `width` characters (digits: four); every
** candidate still has to contain q. Returns how many, at *first. */
static size_t candidates(const gram_index *x, const char *q, int width, const gram **first) {
    size_t off[66];
    int n = 0;
    for (size_t i = 0; q[i] && n < 64; i = next_char(q, i)) off[n++] = i;
    off[n] = strlen(q);
    if (n < width) width = n;
    size_t best = SIZE_MAX, at = 0;
    for (int i = 0; i + width <= n; i++) {
        uint64_t k;
        size_t lo, cnt;
        if (!gram_key(q + off[i], off[i + width] - off[i], &k)) continue;
        if ((cnt = gram_find(x, k, &lo)) < best) best = cnt, at = lo;
        if (!best) break;
    }
    if (best == SIZE_MAX) return 0;
    *first = x->g + at;
    return best;
}

/* ---- reading a project ---- */

/* A copy of t in the snapshot: packed end to end in chunks of the arena (names and codes are a
** few bytes; the arena's 16-byte alignment would double them), "" shared. */
static const char *keep(snapshot *s, const char *t) {
    if (!t || !*t) return "";
    size_t n = strlen(t) + 1;
    if (n > s->pool_left) {
        size_t sz = n > 65536 ? n : 65536;
        if (!(s->pool = arena_alloc(&s->a, sz))) return "";
        s->pool_left = sz;
    }
    char *p = memcpy(s->pool, t, n);
    s->pool += n, s->pool_left -= n;
    return p;
}
static const char *keep_null(snapshot *s, const char *t) { return t ? keep(s, t) : NULL; }

/* The rows of sql (one project's) as an array of `size`-byte items (malloc'd; NULL on error). */
static void *read_rows(snapshot *s, db *d, const char *sql, size_t size, int *n,
                       void (*row)(snapshot *s, db_stmt *st, void *item)) {
    db_stmt *st = db_query(d, sql, DI(s->pid));
    char *items = malloc(size * 64);
    size_t cap = 64, k = 0;
    int rc = DB_ERROR;
    while (st && items && (rc = db_step(st)) == DB_ROW) {
        if (k == cap) {
            char *more = realloc(items, size * cap * 2);
            if (!more) { rc = DB_ERROR; break; }
            items = more, cap *= 2;
        }
        row(s, st, items + size * k++);
    }
    if (st) db_finish(st);
    if (rc != DB_DONE) { free(items); return NULL; }
    *n = (int)k;
    char *fit = k ? realloc(items, size * k) : NULL;   /* the doubling's slack back */
    return fit ? fit : items;
}

static void unit_row(snapshot *s, db_stmt *st, void *item) {
    m_unit *u = item;
    unit_rec_read(st, &u->r);
    const char **t[] = {&u->r.bcode, &u->r.bname, &u->r.entrance, &u->r.room, &u->r.code, &u->r.use,
                        &u->r.structure, &u->r.holder, &u->r.status, &u->r.remark};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) *t[i] = keep(s, *t[i]);
    u->bcode_chars = utf8_count(u->r.bcode);
}

static void owner_row(snapshot *s, db_stmt *st, void *item) {
    owner_rec *o = item;
    owner_rec_read(st, o);
    o->name = keep(s, o->name), o->phone = keep(s, o->phone), o->relation = keep(s, o->relation);
}

static void person_row(snapshot *s, db_stmt *st, void *item) {
    m_person *p = item;
    person_rec_read(st, &p->r);
    const char **t[] = {&p->r.name, &p->r.phone, &p->r.phone2, &p->r.id_type, &p->r.id_no, &p->r.em_name,
                        &p->r.em_phone, &p->r.company, &p->r.scope, &p->r.manager, &p->r.category, &p->r.remark};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) *t[i] = keep(s, *t[i]);
    p->name_chars = utf8_count(p->r.name);
}

static void punit_row(snapshot *s, db_stmt *st, void *item) {
    person_unit_rec *r = item;
    person_unit_rec_read(st, r);
    r->code = keep(s, r->code), r->relation = keep(s, r->relation);
}

static void vehicle_row(snapshot *s, db_stmt *st, void *item) {
    m_vehicle *v = item;
    vehicle_rec_read(st, &v->r);
    v->r.plate = keep(s, v->r.plate), v->r.unit_code = keep(s, v->r.unit_code);
    v->r.owner = keep_null(s, v->r.owner), v->r.model = keep(s, v->r.model);
    char *up = (char *)keep(s, v->r.plate);
    for (char *p = up; *p; p++) if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
    v->upper = up;
}

static bool read_tables(snapshot *s, db *d) {
    s->units = read_rows(s, d, "SELECT " UNIT_COLS " FROM " UNIT_FROM " WHERE u.project_id = ? ORDER BY u.id",
                         sizeof(m_unit), &s->nunits, unit_row);
    /* residents through the project's units (residents has no index on project_id) */
    s->owners = s->units ? read_rows(s, d, "SELECT r.unit_id, p.id, p.name, p.phone, r.relation FROM units u "
                                           "JOIN residents r ON r.unit_id = u.id JOIN people p ON p.id = r.person_id "
                                           "WHERE u.project_id = ? AND " OWNERS_FILTER " ORDER BY r.unit_id, r.id",
                                     sizeof(owner_rec), &s->nowners, owner_row) : NULL;
    s->people = s->owners ? read_rows(s, d, "SELECT " PERSON_COLS " FROM people p WHERE p.project_id = ? ORDER BY p.id",
                                      sizeof(m_person), &s->npeople, person_row) : NULL;
    s->punits = s->people ? read_rows(s, d, "SELECT r.person_id, r.unit_id, u.code, r.relation FROM units u "
                                            "JOIN residents r ON r.unit_id = u.id WHERE u.project_id = ? AND r.active = 1 "
                                            "ORDER BY r.person_id, r.id",
                                      sizeof(person_unit_rec), &s->npunits, punit_row) : NULL;
    s->veh = s->punits ? read_rows(s, d, "SELECT " VEHICLE_LOOKUP_COLS " FROM vehicles v " VEHICLE_LOOKUP_JOINS
                                         " WHERE v.project_id = ? AND v.active = 1 ORDER BY v.id",
                                   sizeof(m_vehicle), &s->nveh, vehicle_row) : NULL;
    return s->veh != NULL;
}

static int room_cmp(const void *a, const void *b, void *arg) {
    const snapshot *s = arg;
    const m_unit *x = &s->units[*(const int32_t *)a], *y = &s->units[*(const int32_t *)b];
    int c = strcmp(x->r.room, y->r.room);
    return c ? c : (x->r.id > y->r.id) - (x->r.id < y->r.id);
}

/* Owners and units attached to their records, the room order and the gram indexes. */
static bool index_snapshot(snapshot *s) {
    for (int i = 0, k = 0; i < s->nunits; i++) {             /* both by unit id */
        while (k < s->nowners && s->owners[k].unit_id < s->units[i].r.id) k++;
        s->units[i].owner0 = k;
        while (k < s->nowners && s->owners[k].unit_id == s->units[i].r.id) k++;
        s->units[i].nowner = k - s->units[i].owner0;
    }
    for (int i = 0, k = 0; i < s->npeople; i++) {
        while (k < s->npunits && s->punits[k].person_id < s->people[i].r.id) k++;
        s->people[i].unit0 = k;
        while (k < s->npunits && s->punits[k].person_id == s->people[i].r.id) k++;
        s->people[i].nunit = k - s->people[i].unit0;
    }
    s->by_room = arena_alloc(&s->a, sizeof(int32_t) * (size_t)(s->nunits + 1));
    if (!s->by_room) return false;
    for (int i = 0; i < s->nunits; i++) s->by_room[i] = i;
    s->nrooms = s->nunits;
    qsort_r(s->by_room, (size_t)s->nunits, sizeof(int32_t), room_cmp, s);
    bool ok = true;
    for (int i = 0; ok && i < s->npeople; i++)
        ok = grams_of_text(&s->names, s->people[i].r.name, i) && grams_of_phone(&s->phones, s->people[i].r.phone, i) &&
             grams_of_phone(&s->phones, s->people[i].r.phone2, i);
    for (int i = 0; ok && i < s->nveh; i++) ok = grams_of_text(&s->plates, s->veh[i].upper, i);
    gram_seal(&s->names), gram_seal(&s->phones), gram_seal(&s->plates);
    return ok;
}

static void snapshot_free(snapshot *s) {
    if (!s) return;
    free(s->units), free(s->owners), free(s->people), free(s->punits), free(s->veh);
    free(s->names.g), free(s->phones.g), free(s->plates.g);
    arena_free(&s->a);
    free(s);
}

static void snapshot_release(snapshot *s) {
    if (s && atomic_fetch_sub(&s->refs, 1) == 1) snapshot_free(s);
}

/* Reads project pid at generation gen (the caller read gen first, so every row is at least
** that new). NULL on failure. */
static snapshot *snapshot_read(db *d, int64_t pid, int64_t gen) {
    snapshot *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->pid = pid, s->gen = gen, s->built = mono_seconds();
    atomic_init(&s->refs, 1);
    arena_init(&s->a, 1 << 20);
    if (!read_tables(s, d) || !index_snapshot(s)) { snapshot_free(s); return NULL; }
    return s;
}

/* The slot of project pid, made when new (under reg_mu). */
static slot *slot_of(int64_t pid) {
    for (int i = 0; i < nslots; i++)
        if (slots[i]->pid == pid) return slots[i];
    if (nslots == capslots) {
        int cap = capslots ? capslots * 2 : 16;
        slot **more = realloc(slots, sizeof *more * (size_t)cap);
        if (!more) return NULL;
        slots = more, capslots = cap;
    }
    slot *sl = calloc(1, sizeof *sl);
    if (!sl) return NULL;
    sl->pid = pid;
    slots[nslots++] = sl;
    return sl;
}

/* Good for a request that read generation gen: read at it or later, and not older than
** MAX_AGE. */
static bool fresh(const snapshot *s, int64_t gen) {
    return s && s->gen >= gen && mono_seconds() - s->built < MAX_AGE;
}

/* The snapshot of project pid good for generation gen, with one more reference; NULL when there
** is none yet: the project is then marked for the background job. */
static snapshot *snapshot_for(int64_t pid, int64_t gen) {
    pthread_mutex_lock(&reg_mu);
    slot *sl = slot_of(pid);
    snapshot *s = sl ? sl->cur : NULL;
    if (fresh(s, gen)) atomic_fetch_add(&s->refs, 1);
    else if ((s = NULL, sl) && !sl->reading) sl->wanted = true;
    pthread_mutex_unlock(&reg_mu);
    return s;
}

/* Reads one wanted project (in a read transaction: its generation and rows from one snapshot
** of the database on SQLite; on PostgreSQL the generation is read first, so the rows are at
** least that new) and publishes it. */
static void refresh(db *d, int64_t pid) {
    int64_t gen = 0;
    if (db_begin_read(d)) return;
    if (!db_int(d, &gen, "SELECT gen FROM archive_gen WHERE project_id = ?", DI(pid))) gen = 0;
    snapshot *s = snapshot_read(d, pid, gen);
    db_end_read(d);
    if (!s) return;
    pthread_mutex_lock(&reg_mu);
    slot *sl = slot_of(pid);
    snapshot *old = sl ? sl->cur : s;
    if (sl) sl->cur = s;
    pthread_mutex_unlock(&reg_mu);
    snapshot_release(old);
}

static void set_reading(int64_t pid, bool on) {
    pthread_mutex_lock(&reg_mu);
    slot *sl = slot_of(pid);
    if (sl) sl->reading = on;
    pthread_mutex_unlock(&reg_mu);
}

void lookup_memory_refresh(void) {
    for (;;) {
        int64_t pid = 0;
        pthread_mutex_lock(&reg_mu);
        for (int i = 0; i < nslots && !pid; i++)
            if (slots[i]->wanted) slots[i]->wanted = false, slots[i]->reading = true, pid = slots[i]->pid;
        pthread_mutex_unlock(&reg_mu);
        if (!pid) return;
        db *d = db_pool_reader();
        if (d) refresh(d, pid);
        set_reading(pid, false);
        if (!d) return;
    }
}

/* ---- finding and ranking ---- */

/* One result: record i of snapshot s, in rank class cls (0 is best). */
typedef struct hit { const snapshot *s; int i, cls; } hit;
typedef int (*hit_cmp)(const hit *a, const hit *b);
typedef struct top { hit h[TOP]; int n; int64_t total; hit_cmp cmp; } top;

/* Keeps the TOP best hits, best first, and counts them all. */
static void top_add(top *t, hit h) {
    t->total++;
    if (t->n == TOP && t->cmp(&h, &t->h[TOP - 1]) >= 0) return;
    int k = t->n < TOP ? t->n++ : TOP - 1;
    while (k > 0 && t->cmp(&h, &t->h[k - 1]) < 0) { t->h[k] = t->h[k - 1]; k--; }
    t->h[k] = h;
}

static int by_int(int64_t a, int64_t b) { return (a > b) - (a < b); }

/* The exact code first, then the building (shorter codes first: 2 before 10), then the code. */
static int unit_cmp(const hit *a, const hit *b) {
    const m_unit *x = &a->s->units[a->i], *y = &b->s->units[b->i];
    int c;
    if ((c = a->cls - b->cls) || (c = x->bcode_chars - y->bcode_chars) || (c = strcmp(x->r.bcode, y->r.bcode)) ||
        (c = strcmp(x->r.code, y->r.code)))
        return c;
    return by_int(x->r.id, y->r.id);
}

/* An equal name or number, then those starting with the term, then shorter names, older records. */
static int person_cmp(const hit *a, const hit *b) {
    const m_person *x = &a->s->people[a->i], *y = &b->s->people[b->i];
    int c;
    if ((c = a->cls - b->cls) || (c = x->name_chars - y->name_chars)) return c;
    return by_int(x->r.id, y->r.id);
}

static int vehicle_cmp(const hit *a, const hit *b) {
    const m_vehicle *x = &a->s->veh[a->i], *y = &b->s->veh[b->i];
    int c;
    if ((c = a->cls - b->cls) || (c = strcmp(x->r.plate, y->r.plate))) return c;
    return by_int(x->r.id, y->r.id);
}

/* s starts with p, ASCII letters in either case (as SQL's LIKE 'p%'). */
static bool starts_ci(const char *s, const char *p) {
    for (; *p; s++, p++) {
        char a = *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s, b = *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
        if (!*s || a != b) return false;
    }
    return true;
}

/* 1502: that room anywhere; 3-1502: room 1502 of building 3 (or the unit coded so); 3-2-1502:
** that code. The room index gives the units of the room; the form picks among them. */
static void find_units(const snapshot *s, const char *q, top *t) {
    const char *dash = strchr(q, '-'), *last = strrchr(q, '-'), *room = last ? last + 1 : q;
    size_t blen = dash ? (size_t)(dash - q) : 0;
    size_t a = 0, b = (size_t)s->nrooms;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (strcmp(s->units[s->by_room[m]].r.room, room) < 0) a = m + 1; else b = m;
    }
    for (; a < (size_t)s->nrooms && !strcmp(s->units[s->by_room[a]].r.room, room); a++) {
        const m_unit *u = &s->units[s->by_room[a]];
        bool exact = !strcmp(u->r.code, q);
        if (dash && dash != last && !exact) continue;
        if (dash && !exact && (strlen(u->r.bcode) != blen || memcmp(u->r.bcode, q, blen))) continue;
        top_add(t, (hit){s, s->by_room[a], exact ? 0 : 1});
    }
}

/* By phone digits (four or more) or by name. */
static void find_people(const snapshot *s, const char *q, bool phone, top *t) {
    const gram *g;
    size_t n = candidates(phone ? &s->phones : &s->names, q, phone ? 4 : 2, &g);
    for (size_t k = 0; k < n; k++) {
        const m_person *p = &s->people[g[k].ref];
        if (phone ? !strstr(p->r.phone, q) && !strstr(p->r.phone2, q) : !strstr(p->r.name, q)) continue;
        int cls = !strcmp(p->r.name, q) || !strcmp(p->r.phone, q) ? 0 : starts_ci(phone ? p->r.phone : p->r.name, q) ? 1 : 2;
        top_add(t, (hit){s, g[k].ref, cls});
    }
}

/* Active vehicles whose plate holds the term (up: in upper case). */
static void find_vehicles(const snapshot *s, const char *up, top *t) {
    const gram *g;
    size_t n = candidates(&s->plates, up, 2, &g);
    for (size_t k = 0; k < n; k++) {
        const m_vehicle *v = &s->veh[g[k].ref];
        if (strstr(v->upper, up)) top_add(t, (hit){s, g[k].ref, strcmp(v->r.plate, up) ? 1 : 0});
    }
}

/* ---- writing ---- */

static void write_units(ctx *c, const top *t, jw *w) {
    jw_arr(w, "units");
    for (int k = 0; k < t->n; k++) {
        const snapshot *s = t->h[k].s;
        const m_unit *u = &s->units[t->h[k].i];
        jw_obj(w, NULL);
        unit_rec_json(&u->r, w);
        jw_arr(w, "owners");
        for (int o = 0; o < u->nowner; o++) {
            jw_obj(w, NULL);
            owner_rec_json(c, &s->owners[u->owner0 + o], s->pid, w);
            jw_end(w);
        }
        jw_end(w);
        jw_end(w);
    }
    jw_end(w);
}

static void write_people(ctx *c, const top *t, const char *q, jw *w) {
    jw_arr(w, "people");
    for (int k = 0; k < t->n; k++) {
        const snapshot *s = t->h[k].s;
        const m_person *p = &s->people[t->h[k].i];
        jw_obj(w, NULL);
        person_rec_json(c, &p->r, w, false);
        jw_phone_match(c, w, s->pid, p->r.phone, p->r.phone2, q);
        jw_arr(w, "units");
        for (int u = 0; u < p->nunit; u++) {
            jw_obj(w, NULL);
            person_unit_rec_json(&s->punits[p->unit0 + u], w);
            jw_end(w);
        }
        jw_end(w);
        jw_end(w);
    }
    jw_end(w);
}

static void write_vehicles(const top *t, jw *w) {
    jw_arr(w, "vehicles");
    for (int k = 0; k < t->n; k++) {
        jw_obj(w, NULL);
        vehicle_rec_json(&t->h[k].s->veh[t->h[k].i].r, w);
        jw_end(w);
    }
    jw_end(w);
}

/* ---- the lookup ---- */

/* The snapshots of the projects in scope, each good for the archive generation the project has
** now (a project never written has none: 0); `*missing` counts those without one (the
** background job is asked for them). The count taken, or -1 on error. */
static int take_snapshots(ctx *c, const int64_t *ids, int n, snapshot ***out, int *missing) {
    qb b;
    qb_init(&b);
    if (n >= 0) qb_in_ids(&b, "p.id IN ?*", ids, n);
    char *sql = qb_sql(&b, &c->a, "SELECT p.id, COALESCE(g.gen, 0) FROM projects p LEFT JOIN archive_gen g ON g.project_id = p.id",
                       "ORDER BY p.id");
    db_stmt *st = sql ? db_query_a(c->db, sql, qb_args(&b, 0, DN, DN)) : NULL;
    int k = 0, cap = 0, rc = DB_ERROR;
    *out = NULL, *missing = 0;
    while (st && (rc = db_step(st)) == DB_ROW) {
        if (k == cap) {
            snapshot **more = arena_alloc(&c->a, sizeof *more * (size_t)(cap = cap * 2 + 8));
            if (!more) { rc = DB_ERROR; break; }
            if (k) memcpy(more, *out, sizeof *more * (size_t)k);
            *out = more;
        }
        if (((*out)[k] = snapshot_for(db_col_int(st, 0), db_col_int(st, 1)))) k++; else ++*missing;
    }
    if (st) db_finish(st);
    qb_free(&b);
    if (rc == DB_DONE) return k;
    while (k) snapshot_release((*out)[--k]);
    return -1;
}

static void search(ctx *c, const char *q, const lookup_terms *t, snapshot *const *snaps, int ns, jw *w) {
    top units = {.cmp = unit_cmp}, people = {.cmp = person_cmp}, vehicles = {.cmp = vehicle_cmp};
    for (int k = 0; k < ns; k++) {
        if (t->units) find_units(snaps[k], q, &units);
        if (t->people) find_people(snaps[k], q, t->by_phone, &people);
        if (t->vehicles) find_vehicles(snaps[k], t->plate, &vehicles);
    }
    write_units(c, &units, w);
    write_people(c, &people, t->by_phone ? q : NULL, w);
    write_vehicles(&vehicles, w);
    lookup_totals_json(w, units.total, people.total, vehicles.total);
}

bool lookup_from_memory(ctx *c, const char *q, const lookup_terms *t, const int64_t *ids, int n, jw *w) {
    if (!atomic_load(&enabled)) return false;
    snapshot **snaps;
    int missing, ns = take_snapshots(c, ids, n, &snaps, &missing);
    if (ns >= 0 && !missing) search(c, q, t, snaps, ns, w);
    for (int k = 0; k < ns; k++) snapshot_release(snaps[k]);
    return ns >= 0 && !missing;
}
