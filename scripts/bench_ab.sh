#!/usr/bin/env bash
# bench_ab.sh REV — "nothing slower": the key figures of `make bench` (SQLite) for the binary of
# git revision REV (A) and for this checkout's build/kefu (B), run in turn (A B A B …) on the
# same databases, so that the machine's drift (a quarter over minutes here) weighs on both alike.
#   /me and /projects at 64 connections (demo database), the counter lookup at 32 (100,000
#   units in 20 projects), durable ticket creation at 64, and list / overdue / statistics reads
#   one at a time and at 8 connections after 1,000,000 generated tickets.
# Prints a markdown table: every run of A and B and their medians. A benchmark, never a test.
# Knobs: BENCH_SECONDS (8), BENCH_ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
REV=${1:?usage: scripts/bench_ab.sh REV}
SECS=${BENCH_SECONDS:-8}; ROUNDS=${BENCH_ROUNDS:-3}
dir=$(mktemp -d); pid=""; old="$dir/old"
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  git worktree remove --force "$old" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
source scripts/bench_lib.sh   # to_ms, login (on $url, $dir)

git worktree add -q --detach "$old" "$REV"
echo "building $REV …" >&2
(cd "$old" && make -s build/kefu > "$dir/old-build.log" 2>&1) || { cat "$dir/old-build.log" >&2; exit 1; }
declare -A BIN=([A]="$old/build/kefu" [B]="$PWD/build/kefu")

up() {  # A|B serve args… → a server of that binary: pid, url
  [ -n "$pid" ] && { kill "$pid"; wait "$pid" 2>/dev/null || true; }
  (exec "${BIN[$1]}" serve "${@:2}" --listen 127.0.0.1:0 > "$dir/serve.log" 2>&1) &
  pid=$!; url=""
  for _ in $(seq 1 200); do url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/serve.log" | head -1 || true); [ -n "$url" ] && break; sleep 0.1; done
  [ -n "$url" ] || { echo "server $1 did not start" >&2; cat "$dir/serve.log" >&2; exit 1; }
}
down() { [ -n "$pid" ] && { kill "$pid"; wait "$pid" 2>/dev/null || true; }; pid=""; }
wrk_run() {  # conns path [wrk args…] → "req/s p99ms"; fails on any non-2xx answer
  wrk -t2 -c"$1" -d"${SECS}s" --latency "${@:3}" "$url$2" > "$dir/w.out"
  grep -q 'Non-2xx' "$dir/w.out" && { echo "$2: non-2xx answers" >&2; cat "$dir/w.out" >&2; exit 1; }
  echo "$(awk '/Requests\/sec/{print $2}' "$dir/w.out") $(to_ms "$(awk '/^ +99%/{print $2}' "$dir/w.out")")"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
declare -A RUNS   # "scenario|A" → "v1 v2 …"
KEYS=()           # the scenarios in the order they first ran
add() {
  [ -n "${RUNS["$1|A"]:-}${RUNS["$1|B"]:-}" ] || KEYS+=("$1")
  RUNS["$1|$2"]="${RUNS["$1|$2"]:-}${RUNS["$1|$2"]:+ }$3"
}
order() { (( $1 % 2 )) && echo "B A" || echo "A B"; }   # alternate who goes first

# ---- /me, /projects (demo database, as bench.sh) ----
"${BIN[B]}" demo --db "$dir/demo.db" > /dev/null
for r in $(seq 1 "$ROUNDS"); do
  for v in $(order "$r"); do
    up "$v" --db "$dir/demo.db"; login manager
    read -r x _ < <(wrk_run 64 /api/v1/health); add "health" "$v" "$x"
    read -r x _ < <(wrk_run 64 /api/v1/me -H "Cookie: kefu_session=$KEFU_SESSION"); add "/me" "$v" "$x"
    read -r x _ < <(wrk_run 64 /api/v1/projects -H "Cookie: kefu_session=$KEFU_SESSION"); add "/projects" "$v" "$x"
    echo "round $r $v: /me ${RUNS["/me|$v"]##* } /projects ${RUNS["/projects|$v"]##* }" >&2
  done
done

# ---- lookup at scale ----
KEFU_DEMO_SCALE=large KEFU_DEMO_PROJECTS=20 "${BIN[B]}" demo --db "$dir/large.db" > /dev/null
for r in $(seq 1 "$ROUNDS"); do
  for v in $(order "$r"); do
    up "$v" --db "$dir/large.db"; login agent
    SECS=2 wrk_run 32 / -s bench/lookup.lua -H "Cookie: kefu_session=$KEFU_SESSION" > /dev/null   # snapshots read
    read -r x p < <(wrk_run 32 / -s bench/lookup.lua -H "Cookie: kefu_session=$KEFU_SESSION")
    add "lookup" "$v" "$x"; add "lookup p99" "$v" "$p"
    echo "round $r $v: lookup $x p99 $p" >&2
  done
done
down

# ---- durable ticket creation (as bench_tickets.sh: a fresh server each run) ----
db="$dir/large.db"
export KEFU_UNIT_MIN KEFU_UNIT_MAX KEFU_TECH KEFU_TICKET_MIN
read -r KEFU_UNIT_MIN KEFU_UNIT_MAX < <(sqlite3 -separator ' ' "$db" "SELECT MIN(u.id), MAX(u.id) FROM units u \
  JOIN buildings b ON b.id = u.building_id WHERE u.project_id = 1 AND u.id < (SELECT MIN(id) FROM units WHERE project_id <> 1)")
KEFU_TECH=$(sqlite3 "$db" "SELECT id FROM users WHERE username = 'technician'")
KEFU_TICKET_MIN=1
for r in $(seq 1 "$ROUNDS"); do
  for v in $(order "$r"); do
    up "$v" --db "$db"; login agent
    read -r x p < <(wrk_run 64 / -s bench/ticket_create.lua)
    add "create durable" "$v" "$x"; add "create p99" "$v" "$p"
    echo "round $r $v: create $x/s p99 $p" >&2
  done
done
down

# ---- reads over 1,000,000 more tickets ----
bench/gen_tickets.sh "$db" 1000000
today=$(date +%F); month_from=$(date +%Y-%m-01)
QUERIES=("/api/v1/tickets" "/api/v1/tickets?overdue=any" "/api/v1/tickets?due=today" "/api/v1/tickets?mine=1"
         "/api/v1/stats/tickets?group=kind&from=$month_from&to=$today")
for r in $(seq 1 "$ROUNDS"); do
  for v in $(order "$r"); do
    up "$v" --db "$db" --threads 16; login agent
    for q in "${QUERIES[@]}"; do
      wrk -t1 -c1 -d"${SECS}s" --latency -H "Cookie: kefu_session=$KEFU_SESSION" "$url$q" > "$dir/r.out"
      add "c1 p99 ${q#/api/v1}" "$v" "$(to_ms "$(awk '/^ +99%/{print $2}' "$dir/r.out")")"
      wrk -t1 -c8 -d"${SECS}s" --latency -H "Cookie: kefu_session=$KEFU_SESSION" "$url$q" > "$dir/r.out"
      add "c8 req/s ${q#/api/v1}" "$v" "$(awk '/Requests\/sec/{print $2}' "$dir/r.out")"
    done
    echo "round $r $v: reads done" >&2
  done
done
down

echo "| scenario | A = $REV runs | B = this checkout runs | A median | B median | B / A |"
echo "|---|---|---|---:|---:|---:|"
for k in "${KEYS[@]}"; do
  a=$(median ${RUNS["$k|A"]}); b=$(median ${RUNS["$k|B"]})
  printf '| %s | %s | %s | %s | %s | %s |\n' "$k" "${RUNS["$k|A"]}" "${RUNS["$k|B"]}" "$a" "$b" \
    "$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a ? b / a : 0}')"
done
