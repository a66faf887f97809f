#!/usr/bin/env bash
# bench_complaints.sh DB — the complaint reads of issue 6 (point 8) on a bench database that
# already holds 1,000,000 generated tickets (bench/gen_tickets.sh: 100,000 complaints over a
# year and 20 projects), printed as a markdown section: the monthly summary of one project and
# of the whole company, and the overdue and escalation lists. Called by bench_tickets.sh.
set -euo pipefail
db=$1; SECS=${BENCH_SECONDS:-8}; THREADS=${BENCH_SERVER_THREADS:-16}
dir=$(mktemp -d); pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
source scripts/bench_lib.sh

month=$(date +%Y-%m)
complaints=$(sqlite3 "$db" "SELECT COUNT(*) FROM complaints")
in_month=$(sqlite3 "$db" "SELECT COUNT(*) FROM complaints WHERE created_at >= strftime('%s', 'now', 'start of month', '-8 hours')")
start
declare -A A B R P W
run() {  # label user path
  login "$2"
  read -r A[$1] B[$1] R[$1] P[$1] < <(read_p99 "$3")
  W[$1]="$2|$3"
}
run sum_p agent "/api/v1/stats/complaints?month=$month"
run sum_all admin "/api/v1/stats/complaints?month=$month"
run reply_p agent "/api/v1/tickets?kind=complaint&overdue=reply"
run handle_p agent "/api/v1/tickets?kind=complaint&overdue=handle"
run any_p agent "/api/v1/tickets?kind=complaint&overdue=any"
run esc_p supervisor "/api/v1/tickets?escalated=1"
run any_all admin "/api/v1/tickets?kind=complaint&overdue=any"
run esc_all admin "/api/v1/tickets?escalated=1"

printf '\n### Complaints (issue 6)\n\n'
printf '%s complaints among the 1,000,000 generated tickets (%s this month over 20 projects, about %s per project). Same server and method as the ticket reads above.\n\n' \
  "$complaints" "$in_month" "$((in_month / 20))"
printf '| query | who | c1 p50 ms | c1 p99 ms | c8 req/s | c8 p99 ms |\n|---|---|---:|---:|---:|---:|\n'
max_sum=0; max_list=0
for k in sum_p sum_all reply_p handle_p any_p esc_p any_all esc_all; do
  who=${W[$k]%%|*}; q=${W[$k]#*|}
  case $who in agent) whol="agent (project 1)";; supervisor) whol="supervisor (project 1)";; *) whol="admin (all 20 projects)";; esac
  printf '| `%s` | %s | %s | %s | %s | %s |\n' "${q#/api/v1}" "$whol" "${A[$k]}" "${B[$k]}" "${R[$k]}" "${P[$k]}"
  if [[ $k == sum_* ]]; then max_sum=$(awk -v a="$max_sum" -v b="${B[$k]}" 'BEGIN{print (b>a)?b:a}')
  else max_list=$(awk -v a="$max_list" -v b="${B[$k]}" 'BEGIN{print (b>a)?b:a}'); fi
done
printf '\nTargets (issue 6): monthly summary under 300 ms → %s (worst c1 p99 %s ms); overdue lists under 50 ms p99 → %s (worst c1 p99 %s ms).\n' \
  "$(awk -v a="$max_sum" 'BEGIN{print (a<300)?"met":"NOT met"}')" "$max_sum" \
  "$(awk -v a="$max_list" 'BEGIN{print (a<50)?"met":"NOT met"}')" "$max_list"
