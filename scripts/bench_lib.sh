# bench_lib.sh — shared by the bench scripts that drive a kefu server on a bench database
# (source it after setting db, dir, SECS, THREADS and pid=""): start a server, log in, load
# with wrk at 64 connections, time reads one at a time and at 8 connections.
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v+0} else {sub(/s/,"",v); print v*1000} }'; }

serve_on() { # serve args… → a server on a free port (the one before stopped): pid, url
  [ -n "$pid" ] && { kill "$pid"; wait "$pid" 2>/dev/null || true; }
  (exec build/kefu serve "$@" --listen 127.0.0.1:0 > "$dir/serve.log" 2>&1) &
  pid=$!; url=""
  for _ in $(seq 1 200); do url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/serve.log" | head -1 || true); [ -n "$url" ] && break; sleep 0.1; done
  [ -n "$url" ] || { echo "server did not start" >&2; cat "$dir/serve.log" >&2; exit 1; }
}
start() {   # extra serve args… → a server on the bench database $db
  serve_on --db "$db" --threads "$THREADS" "$@"
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

