#!/usr/bin/env bash
# bench_tickets.sh DB — the ticket scenarios of issue 5 on the bench dataset (SQLite), printed
# as a markdown section: registering tickets and dispatching them at 64 connections with
# durability on (synchronous=FULL, group commit) and off, then list, overdue and statistics
# queries after 1,000,000 generated tickets (bench/gen_tickets.sh). Called by scripts/bench.sh.
set -euo pipefail
db=$1; SECS=${BENCH_SECONDS:-8}; THREADS=${BENCH_SERVER_THREADS:-16}
dir=$(mktemp -d); pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v+0} else {sub(/s/,"",v); print v*1000} }'; }

start() {   # extra serve args…
  [ -n "$pid" ] && { kill "$pid"; wait "$pid" 2>/dev/null || true; }
  (exec build/kefu serve --db "$db" --listen 127.0.0.1:0 --threads "$THREADS" "$@" > "$dir/serve.log" 2>&1) &
  pid=$!; url=""
  for _ in $(seq 1 200); do url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/serve.log" | head -1 || true); [ -n "$url" ] && break; sleep 0.1; done
  [ -n "$url" ] || { echo "server did not start" >&2; cat "$dir/serve.log" >&2; exit 1; }
}
login() {   # user → KEFU_SESSION, KEFU_CSRF
  local j; j=$(curl -s -c "$dir/cj" -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"demo1234\"}" "$url/api/v1/session")
  export KEFU_CSRF; KEFU_CSRF=$(sed -n 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/p' <<<"$j")
  export KEFU_SESSION; KEFU_SESSION=$(awk '$6=="kefu_session"{print $7}' "$dir/cj")
}
load() {    # script → "req/s p99ms"; fails on any non-2xx answer
  wrk -t2 -c64 -d"${SECS}s" --latency -s "$1" "$url" > "$dir/w.out"
  grep -q 'Non-2xx' "$dir/w.out" && { echo "$1: non-2xx answers" >&2; cat "$dir/w.out" >&2; exit 1; }
  echo "$(awk '/Requests\/sec/{print $2}' "$dir/w.out") $(to_ms "$(awk '/^ +99%/{print $2}' "$dir/w.out")")"
}
read_p99() { # path → "p50ms p99ms" one request at a time, then "req/s p99ms" at 8 connections
  local out=""
  for c in 1 8; do
    wrk -t1 -c"$c" -d"${SECS}s" --latency -H "Cookie: kefu_session=$KEFU_SESSION" "$url$1" > "$dir/r.out"
    grep -q 'Non-2xx' "$dir/r.out" && { echo "$1: non-2xx answers" >&2; cat "$dir/r.out" >&2; exit 1; }
    if [ "$c" = 1 ]; then out="$(to_ms "$(awk '/^ +50%/{print $2}' "$dir/r.out")") $(to_ms "$(awk '/^ +99%/{print $2}' "$dir/r.out")")"
    else out="$out $(awk '/Requests\/sec/{print $2}' "$dir/r.out") $(to_ms "$(awk '/^ +99%/{print $2}' "$dir/r.out")")"; fi
  done
  echo "$out"
}

export KEFU_UNIT_MIN KEFU_UNIT_MAX KEFU_TECH KEFU_TICKET_MIN
read -r KEFU_UNIT_MIN KEFU_UNIT_MAX < <(sqlite3 -separator ' ' "$db" "SELECT MIN(id), MAX(id) FROM units WHERE project_id = 1")
KEFU_TECH=$(sqlite3 "$db" "SELECT id FROM users WHERE username = 'technician'")

start; login agent
KEFU_TICKET_MIN=$(( $(sqlite3 "$db" "SELECT COALESCE(MAX(id), 0) FROM tickets") + 1 ))
read -r c_on c_on99 < <(load bench/ticket_create.lua)
start --no-group-commit; login agent
read -r c_ng c_ng99 < <(load bench/ticket_create.lua)
start --durability off; login agent
read -r c_off c_off99 < <(load bench/ticket_create.lua)
# the three runs above left enough pending tickets for each dispatch request to take a new one
start; login agent
read -r d_on d_on99 < <(load bench/ticket_dispatch.lua)
made=$(sqlite3 "$db" "SELECT COUNT(*) FROM tickets WHERE number LIKE 'BX%'")
lost=$(sqlite3 "$db" "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.entity = 'ticket' AND e.entity_id = t.id)")

kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
t0=$(date +%s); bench/gen_tickets.sh "$db" 1000000; gen_s=$(( $(date +%s) - t0 ))
total=$(sqlite3 "$db" "SELECT COUNT(*) FROM tickets")
start; login agent
month_from=$(date +%Y-%m-01); today=$(date +%Y-%m-%d)
declare -A A B R P
for q in "/api/v1/tickets" "/api/v1/tickets?overdue=any" "/api/v1/tickets?due=today" "/api/v1/tickets?mine=1" \
         "/api/v1/stats/tickets?group=kind&from=$month_from&to=$today"; do
  read -r A[$q] B[$q] R[$q] P[$q] < <(read_p99 "$q")
done
login admin
aq="/api/v1/stats/tickets?group=kind&from=$month_from&to=$today"
read -r A[admin] B[admin] R[admin] P[admin] < <(read_p99 "$aq")
read -r A[adminlist] B[adminlist] R[adminlist] P[adminlist] < <(read_p99 "/api/v1/tickets?overdue=any")

max1=0; max8=0
for k in "${!P[@]}"; do
  max1=$(awk -v a="$max1" -v b="${B[$k]}" 'BEGIN{print (b>a)?b:a}'); max8=$(awk -v a="$max8" -v b="${P[$k]}" 'BEGIN{print (b>a)?b:a}')
done
printf '\n### Tickets (issue 5)\n\n'
printf 'Server `kefu serve --threads %s` on the bench dataset; wrk -t2 -c64 -d%ss, bench/ticket_create.lua (a home repair for a rotating unit of project 1: number, event, dispatch deadline, audit row, the whole ticket in the answer) and bench/ticket_dispatch.lua (each pending ticket dispatched once).\n\n' "$THREADS" "$SECS"
printf '| scenario | tickets/s | p99 ms |\n|---|---:|---:|\n'
printf '| create, durable (synchronous=FULL, group commit) | %s | %s |\n' "$c_on" "$c_on99"
printf '| dispatch action, durable (group commit) | %s | %s |\n' "$d_on" "$d_on99"
printf '| create, durable, one commit per request (--no-group-commit) | %s | %s |\n' "$c_ng" "$c_ng99"
printf '| create, durability off (synchronous=OFF) | %s | %s |\n' "$c_off" "$c_off99"
printf '\n%s tickets created through the API in these runs, every one with its events (%s without). Target (issue 5): ≥ 10,000 tickets/s durable → %s.\n' \
  "$made" "$lost" "$(awk -v a="$c_on" 'BEGIN{print (a>=10000)?"met":"NOT met"}')"
printf '\nThen %s tickets in all (bench/gen_tickets.sh added 1,000,000 over 20 projects and 365 days in %s s; the runs above added theirs to project 1). Reads one at a time (wrk -c1: latency) and at 8 connections (wrk -c8: throughput, p99 with queueing on 2 cores):\n\n' "$total" "$gen_s"
printf '| query | who | c1 p50 ms | c1 p99 ms | c8 req/s | c8 p99 ms |\n|---|---|---:|---:|---:|---:|\n'
for q in "/api/v1/tickets" "/api/v1/tickets?overdue=any" "/api/v1/tickets?due=today" "/api/v1/tickets?mine=1" \
         "/api/v1/stats/tickets?group=kind&from=$month_from&to=$today"; do
  printf '| `%s` | agent (project 1) | %s | %s | %s | %s |\n' "${q#/api/v1}" "${A[$q]}" "${B[$q]}" "${R[$q]}" "${P[$q]}"
done
printf '| `/stats/tickets?group=kind&from=%s&to=%s` | admin (all 20 projects) | %s | %s | %s | %s |\n' "$month_from" "$today" "${A[admin]}" "${B[admin]}" "${R[admin]}" "${P[admin]}"
printf '| `/tickets?overdue=any` | admin (all 20 projects) | %s | %s | %s | %s |\n' "${A[adminlist]}" "${B[adminlist]}" "${R[adminlist]}" "${P[adminlist]}"
printf '\nTarget (issue 5): list, overdue and stats under 50 ms p99 over 1M tickets → one at a time %s (worst p99 %s ms); at 8 connections %s (worst p99 %s ms).\n' \
  "$(awk -v a="$max1" 'BEGIN{print (a<=50)?"met":"NOT met"}')" "$max1" "$(awk -v a="$max8" 'BEGIN{print (a<=50)?"met":"NOT met"}')" "$max8"
