#!/usr/bin/env bash
# Start-up time of `duban --help` and of `duban start` until it prints 已就绪 / ready,
# from the TypeScript sources through tsx (DUBAN_RUN=src) and from the build in dist/
# (DUBAN_RUN=dist): wall-clock milliseconds, and the CPU milliseconds (user + system)
# the process used, which a busy machine inflates far less. Needs a build (npm run build) and redis-server; starts its own
# redis-server on a free port so the time is duban's, not Redis's.
#   bash scripts/startup-time.sh [runs]      (default 5 runs of each)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
[ -f dist/src/cli/main.js ] || { echo "no build: run npm run build first" >&2; exit 1; }

tmp=$(mktemp -d)
port=$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")
redis-server --port "$port" --bind 127.0.0.1 --dir "$tmp" --save '' --appendonly no --daemonize yes --pidfile "$tmp/redis.pid" >/dev/null
trap 'kill "$(cat "$tmp/redis.pid")" 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 0.5

ms() { echo $((($2 - $1) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The two modes take turns, run by run, so a change in the machine's load falls on both.
declare -A help ready help_cpu ready_cpu
TIMEFORMAT='%3U %3S'
tick=$(getconf CLK_TCK)
for ((i = 0; i < runs; i++)); do
  for mode in src dist; do
    t0=$(date +%s%N)
    cpu=$({ time DUBAN_RUN=$mode node bin/duban.js --help >/dev/null; } 2>&1)
    help[$mode]+="$(ms "$t0" "$(date +%s%N)") "
    help_cpu[$mode]+="$(awk '{printf "%d", ($1 + $2) * 1000}' <<<"$cpu") "

    log="$tmp/start-$mode-$i.log"
    : >"$log"
    t0=$(date +%s%N)
    DUBAN_RUN=$mode REDIS_URL="redis://127.0.0.1:$port" DUBAN_PREFIX="st$mode$i" DUBAN_DATA_DIR="$tmp/data" \
      node bin/duban.js start --port 0 >"$log" 2>&1 &
    pid=$!
    until grep -q '已就绪' "$log"; do
      kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
      sleep 0.01
    done
    ready[$mode]+="$(ms "$t0" "$(date +%s%N)") "
    # utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks.
    ready_cpu[$mode]+="$(awk -v t="$tick" '{sub(/.*\) /, ""); printf "%d", ($12 + $13) * 1000 / t}' "/proc/$pid/stat") "
    kill "$pid"
    wait "$pid" || true
  done
done
# shellcheck disable=SC2086 # split the lists of times
for mode in src dist; do
  echo "$mode: duban --help median $(printf '%s\n' ${help[$mode]} | median) ms wall, $(printf '%s\n' ${help_cpu[$mode]} | median) ms CPU;" \
    "duban start to ready median $(printf '%s\n' ${ready[$mode]} | median) ms wall, $(printf '%s\n' ${ready_cpu[$mode]} | median) ms CPU"
  echo "  runs: --help wall ${help[$mode]% } / CPU ${help_cpu[$mode]% }; start wall ${ready[$mode]% } / CPU ${ready_cpu[$mode]% }"
done
echo "node $(node --version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
