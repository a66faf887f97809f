# kefu — 物业客服中心系统
# make run    install what is missing, build, create a demo database if none, serve on :8080
# make test   install, build, run every test tier; ends with "N passed, N failed"
# make bench  load benchmarks (wrk), results in bench/results/latest.md; make bench DB=pg on PostgreSQL

CC      ?= gcc
PKGS    := libmicrohttpd sqlite3 jansson libsodium xlsxwriter libpq libzip expat pangocairo cairo-pdf libqrencode
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers \
           -D_GNU_SOURCE -pthread -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread -lm
DB      ?= ./data/kefu.db

# Every .c below src/ (a module is a folder: src/modules/NAME/), and two generated files: the
# migrations of src/db/migrations and every module's migrations/ in one numbered order, and the
# registry of modules (each folder's module.c descriptor). Adding a module edits nothing here.
SRC      := $(sort $(shell find src -name '*.c'))
LIB_SRC  := $(filter-out src/main.c,$(SRC))
MIGR     := $(wildcard src/db/migrations/*.sql src/modules/*/migrations/*.sql)
GEN      := migrations registry
OBJ      := $(SRC:%.c=build/obj/%.o) $(GEN:%=build/obj/%.o)
LIB_OBJ  := $(LIB_SRC:%.c=build/obj/%.o) $(GEN:%=build/obj/%.o)
HDR      := $(shell find src -name '*.h')

# unit tests: the same sources with ASan + UBSan (halt on any report)
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_SRC := $(wildcard tests/unit/*.c)
SAN_OBJ  := $(LIB_SRC:%.c=build/san/%.o) $(GEN:%=build/san/%.o)

.PHONY: all build deps layers web run test unit bench clean FORCE
all: build web

deps:
	@scripts/deps.sh

build: deps layers build/kefu

# The include rules between base/, db/, core/, http/, kit/ and the modules (docs/architecture.md).
layers:
	@scripts/check-layers.sh

build/kefu: $(OBJ)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $(OBJ) $(LDLIBS)

build/obj/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

# Generated sources are rewritten only when their text changes (a folder added or removed
# changes them without touching any file's time, hence FORCE).
build/migrations.c: FORCE
	@mkdir -p build
	@scripts/embed-migrations.sh $@ $(MIGR)

build/registry.c: FORCE
	@mkdir -p build
	@scripts/gen-registry.sh $@ src/modules/*/module.c

build/obj/%.o: build/%.c $(HDR)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

build/san/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(CFLAGS) $(SAN) -O1 -c -o $@ $<

build/san/%.o: build/%.c $(HDR)
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(CFLAGS) $(SAN) -O1 -c -o $@ $<

build/unit_tests: $(UNIT_SRC) $(SAN_OBJ) tests/unit/unit.h
	@echo "  LD san  $@"
	@$(CC) $(CFLAGS) $(SAN) -O1 -o $@ $(UNIT_SRC) $(SAN_OBJ) $(LDLIBS) -lcmocka

build/pg_shared_reads: tests/pg/shared_reads.c $(SAN_OBJ)
	@echo "  LD san  $@"
	@$(CC) $(CFLAGS) $(SAN) -O1 -o $@ $< $(SAN_OBJ) $(LDLIBS)

# The web UI: npm ci from the committed lockfile, then vite build into web/dist.
web: web/dist/index.html
web/dist/index.html: web/package-lock.json $(shell find web/src web/index.html web/vite.config.* -type f 2>/dev/null)
	@scripts/deps.sh
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build
	@touch $@

run: build web
	@if [ ! -f "$(DB)" ]; then build/kefu demo --db "$(DB)"; fi
	build/kefu serve --db "$(DB)"

unit: deps build/unit_tests
	build/unit_tests

test: build web build/unit_tests build/pg_shared_reads
	@scripts/test.sh

bench: build web
	@scripts/bench.sh $(if $(filter pg postgres,$(DB)),pg,sqlite)

clean:
	rm -rf build web/dist tests/out
