#!/usr/bin/env bash
# Load figures for docs/PERFORMANCE.md, measured against ceilings served in
# the same run on the same machine (bench/ceiling). Loopback only; every
# step is bounded in time.
#
#   bash bench/load.sh sqlite      # or: bash bench/load.sh postgres
#
# Needs wrk (Debian package) and, for postgres, the local server at
# 127.0.0.1:5432 (user postgres, trust auth).
set -euo pipefail
engine=${1:-sqlite}
dur=${DUR:-10s}
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
go build -o "$out/qinggong" ./cmd/qinggong
go build -o "$out/ceiling" ./bench/ceiling
go build -o "$out/loadgen" ./bench/loadgen
export QG_ADMIN_PASSWORD='Bench-Pass-2026x'
if [ "$engine" = postgres ]; then
  psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS qg_bench' >/dev/null
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE qg_bench TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" >/dev/null
  export QG_DB='postgres://postgres@127.0.0.1:5432/qg_bench?sslmode=disable'
else
  export QG_DB="sqlite:$out/qinggong.db"
fi
export QG_SECRET_FILE="$out/key"
"$out/qinggong" demo --scale city > "$out/demo.log"
head -3 "$out/demo.log" | grep -v '^ ' || true
"$out/qinggong" serve --addr 127.0.0.1:18080 2>/dev/null >/dev/null &
"$out/ceiling" --addr 127.0.0.1:18090 &
for _ in $(seq 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && curl -sf http://127.0.0.1:18090/const >/dev/null && break; sleep 0.2; done
cookie=$(curl -s -o /dev/null -D - -d "login=admin&password=$QG_ADMIN_PASSWORD" http://127.0.0.1:18080/login | sed -n 's/^[Ss]et-[Cc]ookie: \(qg_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "login failed"; exit 1; }
page=http://127.0.0.1:18080/orgs/2   # a district committee: details, crumbs, 20 children
curl -sf -H "Cookie: $cookie" "$page" -o "$out/page.html"
echo "org page: $(wc -c < "$out/page.html") bytes; ceiling page: $(curl -s http://127.0.0.1:18090/page | wc -c) bytes"
rps() { wrk -t2 -c32 -d"$dur" "$@" | awk '/Requests\/sec/ {print $2}'; }
healthz=$(rps http://127.0.0.1:18080/healthz)
const=$(rps http://127.0.0.1:18090/const)
orgpage=$(rps -H "Cookie: $cookie" "$page")
people=http://127.0.0.1:18080/people?org=2   # a district's people: 20 rows and the total
curl -sf -H "Cookie: $cookie" "$people" -o "$out/people.html"
echo "people page: $(wc -c < "$out/people.html") bytes"
peoplepage=$(rps -H "Cookie: $cookie" "$people")
citypage=$(rps -H "Cookie: $cookie" http://127.0.0.1:18080/people)
ceilpage=$(rps http://127.0.0.1:18090/page)
half=$(awk -v r="$orgpage" 'BEGIN {printf "%d", r/2}')
p99=$("$out/loadgen" --url "$page" --cookie "$cookie" --rate "$half" -d "$dur")
awk -v h="$healthz" -v c="$const" -v o="$orgpage" -v p="$ceilpage" -v e="$engine" -v d="$peoplepage" -v w="$citypage" 'BEGIN {
  printf "engine=%s\n/healthz %.0f req/s vs constant ceiling %.0f req/s: %.0f%% (target >= 70%%)\n", e, h, c, 100*h/c
  printf "org page %.0f req/s vs templ-page ceiling %.0f req/s: %.0f%% (target >= 25%%)\n", o, p, 100*o/p
  printf "district people page %.0f req/s: %.0f%% of the ceiling; city people page %.0f req/s: %.0f%% (target >= 25%%)\n", d, 100*d/p, w, 100*w/p }'
echo "org page at half that load (open loop): $p99"
