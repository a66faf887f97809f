#!/usr/bin/env bash
# fuzz.sh — runs libFuzzer targets (tests/fuzz/NAME.c, built as build/fuzz/bin/NAME) one at a
# time at low priority (nice 10), each for FUZZ_SECONDS, starting from its committed corpus.
#   scripts/fuzz.sh [NAME…]      default: every tests/fuzz/*.c; `make fuzz` builds them first
#   FUZZ_SECONDS=600             seconds per target (default 60)
#   FUZZ_MERGE=1                 afterwards, merge what was found into the committed corpus
#   FUZZ_OUT=dir                 where results go (default tests/out/fuzz)
# Per target: its log FUZZ_OUT/NAME.log, the new inputs in FUZZ_OUT/corpus/NAME/ (scratch; the
# committed tests/fuzz/corpus/NAME/ is only read unless FUZZ_MERGE=1), findings (crash-*,
# leak-*, timeout-*, oom-*) in FUZZ_OUT/crashes/NAME-*. Options of its own, one a line, come
# from tests/fuzz/NAME.options, and tests/fuzz/NAME.dict is its dictionary.
# Prints one line per target from libFuzzer's final lines: executions, exec/s, cov, ft, corpus
# size and whether it found something; exits 1 when any target did.
set -u
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
OUT=${FUZZ_OUT:-tests/out/fuzz}
mkdir -p "$OUT/crashes"
[ $# -gt 0 ] || set -- $(basename -s .c tests/fuzz/*.c)

# The value after "name:" on the last line that has it (libFuzzer's "cov: 498 ft: 1509 …").
last_field() { grep -o "$1: *[0-9/]*[A-Za-z]*" "$2" | tail -1 | awk '{print $2}'; }
stat_of() { awk -v k="stat::$1:" '$1==k{print $2}' "$2" | tail -1; }

found=0
for t in "$@"; do
  bin=build/fuzz/bin/$t corpus=tests/fuzz/corpus/$t scratch=$OUT/corpus/$t log=$OUT/$t.log
  if [ ! -x "$bin" ]; then echo "$t: $bin is missing (make fuzz builds it)"; found=1; continue; fi
  mkdir -p "$scratch" "$corpus"
  opts=(-max_total_time="$SECONDS_EACH" -print_final_stats=1 -artifact_prefix="$OUT/crashes/$t-")
  [ -f "tests/fuzz/$t.dict" ] && opts+=(-dict="tests/fuzz/$t.dict")
  [ -f "tests/fuzz/$t.options" ] && mapfile -t -O ${#opts[@]} opts < <(grep -v '^#' "tests/fuzz/$t.options" | grep .)
  rm -f "$OUT/crashes/$t-"*
  nice -n 10 "$bin" "${opts[@]}" "$scratch" "$corpus" > "$log" 2>&1
  rc=$?
  crashes=$(find "$OUT/crashes" -name "$t-*" | wc -l)
  verdict="clean"
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    verdict="FOUND (exit $rc, $crashes file(s) in $OUT/crashes, see $log)"; found=1
  elif [ "${FUZZ_MERGE:-0}" = 1 ]; then
    nice -n 10 "$bin" -merge=1 "${opts[@]:1}" "$corpus" "$scratch" >> "$log" 2>&1 && verdict="clean, merged into $corpus"
  fi
  corp=$(last_field corp "$log")
  printf '%-13s %10s runs %7s exec/s  cov %5s  ft %6s  corpus %5s  %s\n' "$t" \
    "$(stat_of number_of_executed_units "$log")" "$(stat_of average_exec_per_sec "$log")" \
    "$(last_field cov "$log")" "$(last_field ft "$log")" "${corp%%/*}" "$verdict"
done
exit $found
