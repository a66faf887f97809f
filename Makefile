# kefu — 物业客服中心系统
# make run    install what is missing, build, create a demo database if none, serve on :8080
# make test   install, build, run every test tier; ends with "N passed, N failed"
# make fuzz   build the libFuzzer targets (tests/fuzz) and run each for FUZZ_SECONDS (default 60)
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

# fuzz targets: tests/fuzz/NAME.c, one libFuzzer binary each (tests/fuzz/README.md). The library
# is compiled again by clang with ASan + UBSan and the fuzzer's coverage (build/fuzz/…); the gcc
# builds above do not change. tests/fuzz/common/ holds what the targets share.
FUZZ_CC      := clang
FUZZ_FLAGS    = $(CFLAGS) $(SAN) -O1 -fsanitize=fuzzer-no-link
FUZZ_TARGETS := $(basename $(notdir $(wildcard tests/fuzz/*.c)))
FUZZ_BIN     := $(FUZZ_TARGETS:%=build/fuzz/bin/%)
FUZZ_COMMON  := $(wildcard tests/fuzz/common/*.c)
FUZZ_HDR     := $(wildcard tests/fuzz/common/*.h)
FUZZ_OBJ     := $(LIB_SRC:%.c=build/fuzz/%.o) $(GEN:%=build/fuzz/%.o) $(FUZZ_COMMON:%.c=build/fuzz/%.o)
FUZZ_SECONDS ?= 60

.PHONY: all build deps layers web run test unit bench clean fuzz fuzz-build FORCE
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

build/fuzz/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -c -o $@ $<

build/fuzz/tests/fuzz/common/%.o: tests/fuzz/common/%.c $(HDR) $(FUZZ_HDR)
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -Itests/fuzz/common -c -o $@ $<

build/fuzz/%.o: build/%.c $(HDR)
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -c -o $@ $<

.SECONDARY: $(FUZZ_OBJ)   # kept: reached only through the pattern rule below, make would delete them

build/fuzz/bin/%: tests/fuzz/%.c $(FUZZ_OBJ) $(FUZZ_HDR)
	@mkdir -p $(dir $@)
	@echo "  LD fuzz $@"
	@$(FUZZ_CC) $(CFLAGS) $(SAN) -O1 -fsanitize=fuzzer -Itests/fuzz/common -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

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

# Built before the tiers run, but a target that does not build must not stop the other tiers:
# the fuzz tier of scripts/test.sh builds it again and counts it as failed.
fuzz-build:
	@$(MAKE) --no-print-directory -k $(FUZZ_BIN) || echo "fuzz: a target did not build (the fuzz tier counts it as failed)"

# Each target for FUZZ_SECONDS; FUZZ_MERGE=1 merges what was found into the committed corpus.
fuzz: deps $(FUZZ_BIN)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MERGE=$(FUZZ_MERGE) scripts/fuzz.sh $(FUZZ_TARGETS)

test: build web build/unit_tests build/pg_shared_reads fuzz-build
	@scripts/test.sh

bench: build web
	@scripts/bench.sh $(if $(filter pg postgres,$(DB)),pg,sqlite)

clean:
	rm -rf build web/dist tests/out
