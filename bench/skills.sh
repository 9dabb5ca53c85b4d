#!/usr/bin/env bash
# Load figures of the credit system's read pages (issue 13, "Speed") for
# docs/PERFORMANCE.md: the city demo (1,000,000 people, ~50,000
# organizations) with 10,000,000 credit entries (bench/skillsseed); a
# person's transcript (the heaviest and a typical one, as a cadre sees it
# and as the young worker's own /my/skills), the skills overview of the
# whole city and of one district, and their JSON equivalents, measured
# against the templ-page ceiling of bench/ceiling served in the same run
# on the same machine (before and after: the mean). Loopback only; every
# step is bounded in time.
#
#   bash bench/skills.sh sqlite      # or: bash bench/skills.sh postgres
#   DUR=5s bash bench/skills.sh sqlite
#   SCALE=small ENTRIES=200000 bash bench/skills.sh sqlite   # a quick try
#   KEEP=1 bash bench/skills.sh sqlite   # keep the work directory (database, logs)
#   DEMO_SEED=2 bash bench/skills.sh sqlite   # another demo
#   REUSE=/path/to/kept/dir bash bench/skills.sh sqlite   # measure a kept database again (SQLite:
#                                  # the directory of an earlier KEEP=1 run), with this code's binaries
#   VERIFY=after bash bench/skills.sh sqlite  # audit verify after the measurements (default before), timed
#
# Full runs share the machine with other benchmarks: run them under
# `flock /tmp/qg-bench.lock bash bench/skills.sh …`.
#
# Needs wrk (Debian package) and, for postgres, the local server at
# 127.0.0.1:5432 (user postgres, trust auth).
set -euo pipefail
engine=${1:-sqlite}
dur=${DUR:-10s}
scale=${SCALE:-city}
entries=${ENTRIES:-10000000}
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install -y wrk)"; exit 1; }
out=${REUSE:-$(mktemp -d)}
# The work directory (and on PostgreSQL the database, several GB) is
# removed at the end unless KEEP is set.
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  if [ -n "${KEEP:-}" ] || [ -n "${REUSE:-}" ]; then echo "kept $out"; return; fi
  rm -rf "$out"
  if [ "$engine" = postgres ]; then
    sleep 1
    timeout 120 psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS qg_bench_skills WITH (FORCE)' >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
for cmd in qinggong:./cmd/qinggong ceiling:./bench/ceiling skillsseed:./bench/skillsseed; do
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
  PGOPTIONS='-c client_min_messages=warning' psql -q -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS qg_bench_skills' >/dev/null
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE qg_bench_skills TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" >/dev/null
  export QG_DB='postgres://postgres@127.0.0.1:5432/qg_bench_skills?sslmode=disable'
else
  export QG_DB="sqlite:$out/qinggong.db"
fi
export QG_SECRET_FILE="$out/key"
t0=$(date +%s)
if [ -z "${REUSE:-}" ]; then
  timeout 1800 "$out/qinggong" demo --scale "$scale" --seed "${DEMO_SEED:-1}" > "$out/demo.log" || { echo "demo failed:"; tail -3 "$out/demo.log"; exit 1; }
fi
t1=$(date +%s)
if [ -z "${REUSE:-}" ]; then
  timeout 3600 "$out/skillsseed" --entries "$entries" > "$out/seed.log"
else
  timeout 1800 "$out/qinggong" migrate > /dev/null # this code's migrations on the kept database
fi
t2=$(date +%s)
val() { sed -n "s/^$1=//p" "$out/seed.log"; }
heavy=$(val heavy_person); typical=$(val typical_person); mine=$(val mine_login); district=$(val district)
[ -n "$heavy" ] && [ -n "$typical" ] && [ -n "$mine" ] && [ -n "$district" ] || { echo "seed failed"; cat "$out/seed.log"; exit 1; }
echo "demo --scale $scale: $((t1 - t0)) s; seed: $((t2 - t1)) s: $(tr '\n' ' ' < "$out/seed.log")"
verify() {
  local t=$(date +%s)
  timeout 3600 "$out/qinggong" audit verify || { echo "audit verify failed"; exit 1; }
  echo "audit verify: $(($(date +%s) - t)) s"
}
[ "${VERIFY:-before}" = before ] && verify
"$out/qinggong" serve --addr 127.0.0.1:18083 > "$out/serve.log" 2>&1 &
srv=$!
"$out/ceiling" --addr 127.0.0.1:18093 &
cpid=$!
base=http://127.0.0.1:18083
for _ in $(seq 100); do curl -sf -m 2 $base/healthz >/dev/null && curl -sf -m 2 http://127.0.0.1:18093/const >/dev/null && break; sleep 0.2; done
login() {
  curl -s -m 10 -o /dev/null -D - -d "login=$1&password=$QG_ADMIN_PASSWORD" $base/login | sed -n 's/^[Ss]et-[Cc]ookie: \(qg_session=[^;]*\).*/\1/p'
}
cookie=$(login admin); mcookie=$(login "$mine")
[ -n "$cookie" ] && [ -n "$mcookie" ] || { echo "login failed"; exit 1; }
ceil=http://127.0.0.1:18093/page
# name|cookie|path|what the answer must hold
pages=(
  "transcript, heaviest person|$cookie|/people/$heavy/credits|class=\"list\""
  "transcript, typical person|$cookie|/people/$typical/credits|class=\"list\""
  "my skills (own transcript)|$mcookie|/my/skills|class=\"list\""
  "skills overview, city|$cookie|/skills|class=\"bars\""
  "skills overview, district|$cookie|/skills?org=$district|class=\"bars\""
  "API transcript, heaviest|$cookie|/api/v1/people/$heavy/credits|\"entries\":[{"
  "API own transcript|$mcookie|/api/v1/me/credits|\"entries\":[{"
  "API overview, city|$cookie|/api/v1/skills/overview|\"months\":[{"
  "API overview, district|$cookie|/api/v1/skills/overview?org=$district|\"months\":[{"
)
# Each page once first: it must answer 200 and be the page measured (not
# a login form or an error).
sizes=()
for i in "${!pages[@]}"; do
  IFS='|' read -r name ck path want <<< "${pages[$i]}"
  code=$(curl -s -m 120 -H "Cookie: $ck" -o "$out/page$i" -w '%{http_code}' "$base$path")
  [ "$code" = 200 ] && grep -qF "$want" "$out/page$i" || { echo "$name ($path): HTTP $code, or without $want"; head -c 600 "$out/page$i"; exit 1; }
  sizes[$i]=$(wc -c < "$out/page$i")
done
echo "ceiling page $(curl -s -m 10 "$ceil" | wc -c) bytes; heaviest transcript shows $(grep -o '<tr' "$out/page0" | wc -l) rows"
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
res=()
for i in "${!pages[@]}"; do
  IFS='|' read -r name ck path want <<< "${pages[$i]}"
  res[$i]=$(rps $srv -H "Cookie: $ck" "$base$path")
done
read -r ceil2 ceilcpu2 _ <<< "$(rps $cpid "$ceil")"
c=$(awk -v a="$ceil1" -v b="$ceil2" 'BEGIN {print (a + b) / 2}')
printf 'engine=%s\ntempl-page ceiling %.0f req/s (%.0f before, %.0f after; %d µs CPU/request)\n' "$engine" "$c" "$ceil1" "$ceil2" \
  $(( (ceilcpu1 + ceilcpu2) / 2 ))
for i in "${!pages[@]}"; do
  IFS='|' read -r name ck path want <<< "${pages[$i]}"
  read -r r cpu err <<< "${res[$i]}"
  awk -v n="$name" -v p="$path" -v r="$r" -v c="$c" -v cpu="$cpu" -v err="$err" -v b="${sizes[$i]}" 'BEGIN {
    printf "%s %s: %.1f req/s, %.1f%% of the ceiling (target >= 25%%)%s; server %d µs CPU/request; %d bytes; %d errors\n",
      n, p, r, 100 * r / c, (r / c >= .25 ? "" : " MISSED"), cpu, b, err }'
done
[ "${VERIFY:-before}" = after ] && { kill $srv $cpid 2>/dev/null || true; wait $srv 2>/dev/null || true; verify; }
exit 0
