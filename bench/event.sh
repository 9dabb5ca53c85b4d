#!/usr/bin/env bash
# Load figures of the event engine (issue 12, "Speed") for
# docs/PERFORMANCE.md: 100,000 events and 2,000,000 registrations
# (bench/eventseed) on the small demo; registration and check-in requests,
# the organizer's check-in screen and "my events" measured against the
# templ-page ceiling of bench/ceiling served in the same run on the same
# machine; then the seminar test (bench/checkinrush): 2,000 attendees each
# check in once through the real endpoint, arriving over SPREAD, and
# another 2,000 all at once (64 in flight), each verified from the API and
# the database. Loopback only; every step is bounded in time.
#
#   bash bench/event.sh sqlite      # or: bash bench/event.sh postgres
#   DUR=5s SPREAD=60s bash bench/event.sh sqlite
#   KEEP=1 bash bench/event.sh sqlite   # keep the work directory (database, logs)
#
# DUR is at most 50s: a check-in code lasts two 30-second windows and the
# check-in run uses the one read at the start of a window.
#
# Needs wrk (Debian package) and, for postgres, the local server at
# 127.0.0.1:5432 (user postgres, trust auth).
set -euo pipefail
engine=${1:-sqlite}
dur=${DUR:-10s}
spread=${SPREAD:-60s}
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install -y wrk)"; exit 1; }
out=$(mktemp -d)
# The work directory (and on PostgreSQL the database, about 1 GB) is
# removed at the end unless KEEP is set.
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then echo "kept $out"; return; fi
  rm -rf "$out"
  if [ "$engine" = postgres ]; then
    sleep 1
    timeout 60 psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS qg_bench_event WITH (FORCE)' >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
for cmd in qinggong:./cmd/qinggong ceiling:./bench/ceiling eventseed:./bench/eventseed checkinrush:./bench/checkinrush; do
  timeout 300 go build -o "$out/${cmd%%:*}" "${cmd#*:}"
done
if rev=$(git rev-parse --short HEAD 2>/dev/null); then
  git diff --quiet HEAD -- cmd internal bench 2>/dev/null || rev="$rev plus uncommitted changes"
else
  rev="not a git checkout"
fi
echo "code: $rev, $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
export QG_ADMIN_PASSWORD='Bench-Pass-2026x'
if [ "$engine" = postgres ]; then
  PGOPTIONS='-c client_min_messages=warning' psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS qg_bench_event' >/dev/null
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE qg_bench_event TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" >/dev/null
  export QG_DB='postgres://postgres@127.0.0.1:5432/qg_bench_event?sslmode=disable'
else
  export QG_DB="sqlite:$out/qinggong.db"
fi
export QG_SECRET_FILE="$out/key"
timeout 300 "$out/qinggong" demo --scale small > "$out/demo.log"
timeout 1500 "$out/eventseed" --tokens "$out/tokens.txt" > "$out/seed.log"
val() { sed -n "s/^$1=//p" "$out/seed.log"; }
reg=$(val register_event); cis=$(val checkin_session); sem=$(val seminar_session); sem2=$(val seminar2_session); mine=$(val mine_login)
[ -n "$reg" ] && [ -n "$cis" ] && [ -n "$sem" ] && [ -n "$sem2" ] && [ -n "$mine" ] || { echo "seed failed"; cat "$out/seed.log"; exit 1; }
echo "seed: $(tr '\n' ' ' < "$out/seed.log")"
timeout 300 "$out/qinggong" audit verify
"$out/qinggong" serve --addr 127.0.0.1:18082 > "$out/serve.log" 2>&1 &
srv=$!
"$out/ceiling" --addr 127.0.0.1:18092 &
cpid=$!
base=http://127.0.0.1:18082
for _ in $(seq 50); do curl -sf -m 2 $base/healthz >/dev/null && curl -sf -m 2 http://127.0.0.1:18092/const >/dev/null && break; sleep 0.2; done
login() {
  curl -s -m 10 -o /dev/null -D - -d "login=$1&password=$QG_ADMIN_PASSWORD" $base/login | sed -n 's/^[Ss]et-[Cc]ookie: \(qg_session=[^;]*\).*/\1/p'
}
cookie=$(login admin); mcookie=$(login "$mine")
[ -n "$cookie" ] && [ -n "$mcookie" ] || { echo "login failed"; exit 1; }
screen=$base/sessions/$sem/screen
live=$base/sessions/$sem/screen/live
myev=$base/my/events
ceil=http://127.0.0.1:18092/page
# Each page once first: it must answer 200 and show what is measured.
curl -sf -m 30 -H "Cookie: $cookie" "$screen" -o "$out/screen.html"
curl -sf -m 30 -H "Cookie: $cookie" "$live" -o "$out/live.html"
curl -sf -m 60 -H "Cookie: $mcookie" "$myev" -o "$out/mine.html"
grep -q 'class="code"' "$out/screen.html" || { echo "screen shows no code"; exit 1; }
echo "bytes: screen $(wc -c < "$out/screen.html"), screen/live $(wc -c < "$out/live.html"), my events $(wc -c < "$out/mine.html") ($(grep -o 'class="card"' "$out/mine.html" | wc -l) events, $(grep -o 'personal-code' "$out/mine.html" | wc -l) personal QR codes), ceiling page $(curl -s -m 10 "$ceil" | wc -c)"
# Registration and check-in: every request another young worker, from the
# tokens eventseed wrote (thread k of n takes tokens k, k+n, …).
cat > "$out/tokens.lua" <<'EOF'
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  path, body = args[1], args[2]
  local step = tonumber(args[4])
  tokens = {}
  local i = 0
  for line in io.lines(args[3]) do
    if i % step == tid then tokens[#tokens + 1] = line end
    i = i + 1
  end
  n = 0
end
function request()
  n = n + 1
  local t = tokens[(n - 1) % #tokens + 1]
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json"}, body)
end
EOF
# wrk's req/s, the CPU the measured process (server or ceiling) spent per
# request (less disturbed than req/s by whatever else runs on the
# machine), and the answers that were not 2xx or never came.
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rps() {
  local pid=$1; shift
  local t0 t1 res
  t0=$(ticks "$pid")
  res=$(timeout 120 wrk -t2 -c32 -d"$dur" --timeout 30s "$@")
  t1=$(ticks "$pid")
  echo "$res" | awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '/requests in/ {n = $1} /Requests\/sec/ {r = $2}
    /Non-2xx/ {e += $NF} /Socket errors/ {gsub(",", ""); e += $4 + $6 + $8 + $10}
    END {printf "%s %.0f %d", r, (n > 0 ? t / hz * 1e6 / n : 0), e}'
}
read -r ceil1 ceilcpu1 _ <<< "$(rps $cpid "$ceil")"
read -r scrrps scrcpu screrr <<< "$(rps $srv -H "Cookie: $cookie" "$screen")"
read -r liverps livecpu liveerr <<< "$(rps $srv -H "Cookie: $cookie" "$live")"
read -r minerps minecpu mineerr <<< "$(rps $srv -H "Cookie: $mcookie" "$myev")"
read -r regrps regcpu regerr <<< "$(rps $srv -s "$out/tokens.lua" "$base/api/v1/events/$reg/registrations" -- \
  "/api/v1/events/$reg/registrations" '{}' "$out/tokens.txt" 2)"
# The check-in run starts just after a code window opens: the code read
# then is accepted for that window and the next (about 59 s).
s=$(( $(date +%s) % 30 )); [ "$s" -le 1 ] || sleep $(( 31 - s ))
code=$(curl -sf -m 10 -H "Cookie: $cookie" "$base/api/v1/sessions/$cis/code" | sed -n 's/.*"code":"\([A-Z2-7]*\)".*/\1/p')
[ -n "$code" ] || { echo "no check-in code"; exit 1; }
read -r cirps cicpu cierr <<< "$(rps $srv -s "$out/tokens.lua" "$base/api/v1/sessions/$cis/checkin" -- \
  "/api/v1/sessions/$cis/checkin" "{\"code\":\"$code\"}" "$out/tokens.txt" 2)"
read -r ceil2 ceilcpu2 _ <<< "$(rps $cpid "$ceil")"
# The seminar: 2,000 arriving over SPREAD, then 2,000 at once.
timeout 400 "$out/checkinrush" --base $base --session "$sem" --cookie "$cookie" --tokens "$out/tokens.txt" -n "$(val seminar_attendees)" \
  --spread "$spread" > "$out/rush1.log" || true
timeout 400 "$out/checkinrush" --base $base --session "$sem2" --cookie "$cookie" --tokens "$out/tokens.txt" -n "$(val seminar_attendees)" \
  --spread 0 -c 64 > "$out/rush2.log" || true
timeout 120 "$out/eventseed" --verify "$sem" > "$out/verify1.log"
timeout 120 "$out/eventseed" --verify "$sem2" > "$out/verify2.log"
rv() { sed -n "s/^$2=//p" "$out/$1"; }
awk -v e="$engine" -v c1="$ceil1" -v c2="$ceil2" -v cc="$(( (ceilcpu1 + ceilcpu2) / 2 ))" \
  -v sr="$scrrps" -v sc="$scrcpu" -v se="$screrr" -v lr="$liverps" -v lc="$livecpu" -v le="$liveerr" \
  -v mr="$minerps" -v mc="$minecpu" -v me="$mineerr" -v rr="$regrps" -v rc="$regcpu" -v re="$regerr" \
  -v ir="$cirps" -v ic="$cicpu" -v ie="$cierr" 'BEGIN {
  c = (c1 + c2) / 2
  printf "engine=%s\ntempl-page ceiling %.0f req/s (%.0f before, %.0f after; %d µs CPU/request)\n", e, c, c1, c2, cc
  line("registration POST /api/v1/events/{id}/registrations", rr, rc, re)
  line("check-in POST /api/v1/sessions/{id}/checkin", ir, ic, ie)
  line("check-in screen /sessions/{id}/screen", sr, sc, se)
  printf "  (its fragment /screen/live, polled every 5 s: %.0f req/s, %.1f%%; %d µs CPU/request)\n", lr, 100*lr/c, lc
  line("my events /my/events", mr, mc, me) }
  function line(name, r, cpu, err) {
    printf "%s %.1f req/s: %.1f%% of the ceiling (target >= 25%%)%s; server %d µs CPU/request; %d errors\n", name, r, 100*r/c, (r/c >= .25 ? "" : " MISSED"), cpu, err }'
for i in 1 2; do
  f=rush$i.log; v=verify$i.log
  ok=$(rv $f ok); err=$(rv $f errors); el=$(rv $f elapsed_s)
  rows=$(rv $v checkin_rows); kept=$(rv $v attended); aud=$(rv $v audit_checkins)
  awk -v i="$i" -v a="$(rv $f attendees)" -v sp="$(rv $f spread_s)" -v ok="${ok:-0}" -v err="${err:-?}" -v el="${el:-0}" \
    -v p50="$(rv $f p50_ms)" -v p99="$(rv $f p99_ms)" -v mx="$(rv $f max_ms)" -v rows="$rows" -v kept="$kept" -v aud="$aud" 'BEGIN {
    good = (ok == a && err == 0 && rows == a && kept == a && aud == a && el < 300)
    printf "seminar %d: %d attendees %s: %d checked in, %s errors, all within %.1f s (target: all, no error, < 300 s)%s; latency p50 %s ms, p99 %s ms, max %s ms; database: %d rows, kept count %d, %d audit records\n",
      i, a, (sp > 0 ? "arriving over " sp " s" : "at once (64 in flight)"), ok, err, el, (good ? "" : " MISSED"), p50, p99, mx, rows, kept, aud }'
done
grep -q '^ok=' "$out/rush1.log" && grep -q '^ok=' "$out/rush2.log" || { echo "rush failed:"; cat "$out/rush1.log" "$out/rush2.log"; }
