#!/usr/bin/env bash
# test.sh — every test tier of kefu, summed into one closing line "N passed, N failed".
#   unit  cmocka tests of src/core, src/http, src/db under ASan+UBSan (build/unit_tests)
#   api   node:test black-box tests against the real binary on ephemeral ports (tests/api),
#         run twice: on SQLite, then on a PostgreSQL 15 started here on 127.0.0.1 (scripts/pg.sh)
#   e2e   playwright-core driving Debian's chromium through the real screens (tests/e2e)
#   fuzz  each libFuzzer target (tests/fuzz) over its committed corpus plus 2 s of fuzzing
# Logs and screenshots go to tests/out/.
set -u
cd "$(dirname "$0")/.."
OUT=${KEFU_TEST_OUT:-tests/out}
rm -rf "$OUT"; mkdir -p "$OUT"
export KEFU_PWHASH=min KEFU_BIN="$PWD/build/kefu" KEFU_DEMO_SCALE=small   # fast hashes, a small demo estate
PASS=0; FAIL=0

# Each tier must run at least as many tests as tests/floors says (a deleted or silently skipped
# file fails the run instead of only lowering the total); raise a floor when tests are added.
floor_of() { awk -v t="$1" '$1==t{print $2}' tests/floors 2>/dev/null; }

count() {  # tier name, passed, failed
  local fl; fl=$(floor_of "$1")
  if [ -n "$fl" ] && [ "$2" -lt "$fl" ]; then
    echo "$1: only $2 tests passed, fewer than the floor of $fl in tests/floors"; set -- "$1" "$2" $(( $3 + 1 ))
  fi
  printf '%-6s %4d passed, %d failed\n' "$1" "$2" "$3"
  PASS=$((PASS + $2)); FAIL=$((FAIL + $3))
}

tap_counts() {  # file → "pass fail" from node's TAP summary; cancelled (timed out, never settled) fail
  local p f x s
  p=$(grep -E '^# pass [0-9]+' "$1" | tail -1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$1" | tail -1 | awk '{print $3}')
  x=$(grep -E '^# cancelled [0-9]+' "$1" | tail -1 | awk '{print $3}')
  s=$(grep -E '^# skipped [0-9]+' "$1" | tail -1 | awk '{print $3}')
  [ "${s:-0}" -gt 0 ] && echo "$(basename "$1" .tap): ${s} skipped:" >&2 && grep -E '# SKIP' "$1" | sed 's/^/    /' | head -20 >&2
  echo "${p:-0} $(( ${f:-0} + ${x:-0} ))"
}

run_unit() {
  build/unit_tests > "$OUT/unit.log" 2>&1; local rc=$?
  local p f
  p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$OUT/unit.log" | awk '{s+=$4} END{print s+0}')
  f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$OUT/unit.log" | awk '{s+=$4} END{print s+0}')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "unit tests crashed (exit $rc), see $OUT/unit.log"; fi
  [ "$f" -gt 0 ] && grep -E 'FAILED|ERROR|runtime error|Sanitizer' "$OUT/unit.log" | head -20
  count unit "$p" "$f"
}

run_api() {  # tier name, tap file
  node --test --test-reporter=tap --test-concurrency=2 tests/api/ > "$OUT/$2" 2>&1; local rc=$?
  read -r p f < <(tap_counts "$OUT/$2")
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { f=1; echo "$1: node exited $rc with no failed test counted, see $OUT/$2"; }
  [ "$f" -gt 0 ] && grep -E '^\s*not ok' "$OUT/$2" | head -30
  [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && { f=1; echo "$1 tests did not run, see $OUT/$2"; }
  count "$1" "$p" "$f"
}

run_api_pg() {
  # shellcheck source=pg.sh
  source scripts/pg.sh
  if ! pg_start > "$OUT/pg.log" 2>&1; then
    echo "could not start PostgreSQL, see $OUT/pg.log"; count api-pg 0 1; return
  fi
  trap pg_stop EXIT
  # the demo database is loaded once and every test server gets a copy (CREATE DATABASE … TEMPLATE)
  local tpl; tpl=$(pg_newdb kefu_demo_template) &&
    KEFU_PWHASH=min build/kefu demo --pg "$tpl" > "$OUT/pg-demo.log" 2>&1 ||
    { echo "kefu demo on PostgreSQL failed, see $OUT/pg-demo.log"; count api-pg 0 1; pg_stop; trap - EXIT; return; }
  KEFU_TEST_PG="$PG_BASE" KEFU_TEST_PG_TEMPLATE=kefu_demo_template run_api api-pg api-pg.tap
  pg_stop
  trap - EXIT
}

run_e2e() {
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error) > "$OUT/e2e-npm.log" 2>&1 ||
    { echo "npm ci in tests/e2e failed, see $OUT/e2e-npm.log"; count e2e 0 1; return; }
  local dir; dir=$(mktemp -d)
  build/kefu demo --db "$dir/e2e.db" > /dev/null
  (exec build/kefu serve --db "$dir/e2e.db" --listen 127.0.0.1:0 --web web/dist > "$dir/serve.log" 2>&1) &
  local pid=$! url=""
  for _ in $(seq 1 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/serve.log" | head -1); [ -n "$url" ] && break; sleep 0.1
  done
  if [ -z "$url" ]; then echo "e2e: server did not start"; cat "$dir/serve.log"; count e2e 0 1; kill "$pid"; return; fi
  KEFU_URL=$url KEFU_E2E_OUT="$PWD/$OUT/e2e" node --test --test-concurrency=1 --test-reporter=tap tests/e2e/ > "$OUT/e2e.tap" 2>&1; local rc=$?
  kill "$pid"; wait "$pid" 2>/dev/null
  rm -rf "$dir"
  read -r p f < <(tap_counts "$OUT/e2e.tap")
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { f=1; echo "e2e: node exited $rc with no failed test counted, see $OUT/e2e.tap"; }
  [ "$f" -gt 0 ] && grep -E '^\s*not ok' "$OUT/e2e.tap" | head -20
  [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && { f=1; echo "e2e tests did not run, see $OUT/e2e.tap"; }
  count e2e "$p" "$f"
}

# One test per target: passed when it builds and runs clean (scripts/fuzz.sh), failed when it
# does not build or finds something (the input is in $OUT/fuzz/crashes). About 20 s in all.
run_fuzz() {
  local p=0 f=0 t all=1 targets
  targets=$(basename -s .c tests/fuzz/*.c)
  # one make for all (each call costs half a second); target by target only to name a failure
  make --no-print-directory -s -k $(printf 'build/fuzz/bin/%s ' $targets) > "$OUT/fuzz-build.log" 2>&1 || all=0
  for t in $targets; do
    if [ $all = 0 ] && ! make --no-print-directory -s "build/fuzz/bin/$t" >> "$OUT/fuzz-build.log" 2>&1; then
      echo "fuzz: $t did not build, see $OUT/fuzz-build.log"; f=$((f + 1)); continue
    fi
    if FUZZ_SECONDS=2 FUZZ_OUT="$OUT/fuzz" scripts/fuzz.sh "$t" > "$OUT/fuzz-$t.txt" 2>&1; then
      p=$((p + 1))
    else
      f=$((f + 1)); echo "fuzz: $(cat "$OUT/fuzz-$t.txt")"
    fi
  done
  count fuzz "$p" "$f"
}

run_unit
run_fuzz
run_api api api.tap
run_api_pg
run_e2e
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
