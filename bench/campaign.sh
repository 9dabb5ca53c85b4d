#!/usr/bin/env bash
# Load figures of the selection engine (issue 11, "Speed") for
# docs/PERFORMANCE.md: a campaign of 5,000 nominations, 50 reviewers and
# three reviews each (bench/campaignseed) on the small demo, its pages
# measured against the templ-page ceiling of bench/ceiling served in the
# same run on the same machine. Loopback only; every step is bounded in
# time.
#
#   bash bench/campaign.sh sqlite      # or: bash bench/campaign.sh postgres
#   DUR=5s bash bench/campaign.sh sqlite
#
# Needs wrk (Debian package) and, for postgres, the local server at
# 127.0.0.1:5432 (user postgres, trust auth).
set -euo pipefail
engine=${1:-sqlite}
dur=${DUR:-10s}
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install -y wrk)"; exit 1; }
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
timeout 300 go build -o "$out/qinggong" ./cmd/qinggong
timeout 300 go build -o "$out/ceiling" ./bench/ceiling
timeout 300 go build -o "$out/campaignseed" ./bench/campaignseed
export QG_ADMIN_PASSWORD='Bench-Pass-2026x'
if [ "$engine" = postgres ]; then
  psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS qg_bench_campaign' >/dev/null
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE qg_bench_campaign TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" >/dev/null
  export QG_DB='postgres://postgres@127.0.0.1:5432/qg_bench_campaign?sslmode=disable'
else
  export QG_DB="sqlite:$out/qinggong.db"
fi
export QG_SECRET_FILE="$out/key"
timeout 300 "$out/qinggong" demo --scale small > "$out/demo.log"
timeout 300 "$out/campaignseed" > "$out/seed.log"
val() { sed -n "s/^$1=//p" "$out/seed.log"; }
cid=$(val campaign); rid=$(val round)
[ -n "$cid" ] && [ -n "$rid" ] || { echo "seed failed"; cat "$out/seed.log"; exit 1; }
echo "seed: $(tr '\n' ' ' < "$out/seed.log")"
timeout 120 "$out/qinggong" audit verify
"$out/qinggong" serve --addr 127.0.0.1:18081 2>/dev/null >/dev/null &
srv=$!
"$out/ceiling" --addr 127.0.0.1:18091 &
cpid=$!
for _ in $(seq 50); do curl -sf -m 2 http://127.0.0.1:18081/healthz >/dev/null && curl -sf -m 2 http://127.0.0.1:18091/const >/dev/null && break; sleep 0.2; done
cookie=$(curl -s -m 10 -o /dev/null -D - -d "login=admin&password=$QG_ADMIN_PASSWORD" http://127.0.0.1:18081/login | sed -n 's/^[Ss]et-[Cc]ookie: \(qg_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "login failed"; exit 1; }
board=http://127.0.0.1:18081/campaigns
ranking=http://127.0.0.1:18081/rounds/$rid/results
notice=http://127.0.0.1:18081/notice/$cid
ceil=http://127.0.0.1:18091/page
# Each page once first: it must answer 200 and show what is measured.
curl -sf -m 10 -H "Cookie: $cookie" "$board" -o "$out/board.html"
curl -sf -m 10 -H "Cookie: $cookie" "$ranking" -o "$out/ranking.html"
curl -sf -m 10 "$notice" -o "$out/notice.html"
grep -q "rank=" "$out/ranking.html" || { echo "ranking page has no next page link"; exit 1; }
echo "bytes: board $(wc -c < "$out/board.html"), ranking $(wc -c < "$out/ranking.html"), notice $(wc -c < "$out/notice.html"), ceiling page $(curl -s -m 10 "$ceil" | wc -c)"
# wrk's req/s, and the CPU the measured process (server or ceiling) spent
# per request: less disturbed than req/s by whatever else runs on the
# machine (it counts the process's own time, not the cores it was given).
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rps() {
  local pid=$1; shift
  local t0 t1 res
  t0=$(ticks "$pid")
  res=$(timeout 120 wrk -t2 -c32 -d"$dur" "$@")
  t1=$(ticks "$pid")
  echo "$res" | awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '/requests in/ {n = $1} /Requests\/sec/ {r = $2}
    END {printf "%s %.0f", r, (n > 0 ? t / hz * 1e6 / n : 0)}'
}
# The ceiling before and after the pages: their mean is what the pages
# are compared with, so a drift of the machine during the run halves.
read -r ceil1 ceilcpu1 <<< "$(rps $cpid "$ceil")"
read -r boardrps boardcpu <<< "$(rps $srv -H "Cookie: $cookie" "$board")"
read -r rankrps rankcpu <<< "$(rps $srv -H "Cookie: $cookie" "$ranking")"
read -r noticerps noticecpu <<< "$(rps $srv "$notice")"
read -r ceil2 ceilcpu2 <<< "$(rps $cpid "$ceil")"
awk -v e="$engine" -v c1="$ceil1" -v c2="$ceil2" -v b="$boardrps" -v r="$rankrps" -v n="$noticerps" -v cl="$(val close_ms)" \
  -v cc="$(( (ceilcpu1 + ceilcpu2) / 2 ))" -v bc="$boardcpu" -v rc="$rankcpu" -v nc="$noticecpu" 'BEGIN {
  c = (c1 + c2) / 2
  printf "engine=%s\ntempl-page ceiling %.0f req/s (%.0f before, %.0f after; %d µs CPU/request)\n", e, c, c1, c2, cc
  printf "organizer board /campaigns %.0f req/s: %.0f%% of the ceiling (target >= 25%%)%s; server %d µs CPU/request\n", b, 100*b/c, (b/c >= .25 ? "" : " MISSED"), bc
  printf "ranking page (first 100) %.0f req/s: %.0f%% (target >= 25%%)%s; server %d µs CPU/request\n", r, 100*r/c, (r/c >= .25 ? "" : " MISSED"), rc
  printf "public notice page %.0f req/s: %.0f%% (target >= 50%%)%s; server %d µs CPU/request\n", n, 100*n/c, (n/c >= .5 ? "" : " MISSED"), nc
  printf "closing the round (aggregation and ranking): %.1f ms (target < 1000 ms)%s\n", cl, (cl < 1000 ? "" : " MISSED") }'
