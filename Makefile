# kefu — 物业客服中心系统
# make run    install what is missing, build, create a demo database if none, serve on :8080
# make test   install, build, run every test tier; ends with "N passed, N failed"
# make bench  load benchmarks (wrk), results in bench/results/latest.md; make bench DB=pg on PostgreSQL

CC      ?= gcc
PKGS    := libmicrohttpd sqlite3 jansson libsodium xlsxwriter libpq libzip expat pangocairo cairo-pdf libqrencode
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers \
           -D_GNU_SOURCE -pthread $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread -lm
DB      ?= ./data/kefu.db

SRC      := $(wildcard src/*.c src/core/*.c src/http/*.c src/db/*.c src/modules/*.c)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
MIGR     := $(sort $(wildcard src/db/migrations/*.sql))
OBJ      := $(SRC:%.c=build/obj/%.o) build/obj/migrations.o
LIB_OBJ  := $(LIB_SRC:%.c=build/obj/%.o) build/obj/migrations.o
HDR      := $(wildcard src/*.h src/*/*.h)

# unit tests: the same sources with ASan + UBSan (halt on any report)
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_SRC := $(wildcard tests/unit/*.c)
SAN_OBJ  := $(LIB_SRC:%.c=build/san/%.o) build/san/migrations.o

.PHONY: all build deps web run test unit bench clean
all: build web

deps:
	@scripts/deps.sh

build: deps build/kefu

build/kefu: $(OBJ)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $(OBJ) $(LDLIBS)

build/obj/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

build/migrations.c: $(MIGR) scripts/embed-migrations.sh
	@mkdir -p build
	scripts/embed-migrations.sh $@ $(MIGR)

build/obj/migrations.o: build/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

build/san/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(CFLAGS) $(SAN) -O1 -c -o $@ $<

build/san/migrations.o: build/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -O1 -c -o $@ $<

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
