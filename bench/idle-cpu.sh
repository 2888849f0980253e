#!/usr/bin/env bash
# Idle CPU of a processor (issue 16, "Cheap per call"): how much of one core `run` uses with
# nothing to do. Starts an embedded broker (`kafka`), creates the topics (`topics create`), starts
# `run` with every API endpoint at 127.0.0.1:1 and the HTTP server off, waits, then reads the
# process's utime+stime from /proc over a window, in all and per thread (/proc/<pid>/task/*/comm).
#   bench/idle-cpu.sh [--jar target/idv-streams.jar] [--broker-jar JAR] [--port 19092] [--warmup 25] [--seconds 30]
#                     [--partitions 6] [--config-extra 'key=value;key=value'] [--java-opts '-X...']
# --broker-jar runs the broker from another build (default: --jar), so that two builds' processors
# are measured beside the same broker.
# Linux only (/proc). Needs the jar built (mvn -DskipTests package). Nothing is sent to the topics.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/idv-streams.jar
port=19092
warmup=25
seconds=30
partitions=6
extra=""
java_opts=""
broker_jar=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --broker-jar) broker_jar="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --partitions) partitions="$2"; shift 2 ;;
    --config-extra) extra="$2"; shift 2 ;;
    --java-opts) java_opts="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -f "$jar" ] || { echo "no $jar: build it first (mvn -DskipTests package)" >&2; exit 2; }
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
dir=$(mktemp -d /tmp/idle-cpu.XXXXXX)
broker_pid=""
run_pid=""
cleanup() {
  # only the processes this script started, by their ids
  [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null || true
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
[ -n "${IDLE_CPU_KEEP_LOG:-}" ] && trap 'cp "$dir/run.log" "$IDLE_CPU_KEEP_LOG"; cleanup' EXIT

cat >"$dir/idle.properties" <<EOF
bootstrap.servers=127.0.0.1:$port
schema.registry.url=mock://idle-cpu
application.id=idle-cpu
state.dir=$dir/state
topic.partitions=$partitions
aliyun.endpoint-override=http://127.0.0.1:1
aliyun.access-key-id=idle-key-id
aliyun.access-key-secret=idle-key-secret
http.port=-1
EOF
if [ -n "$extra" ]; then
  tr ';' '\n' <<<"$extra" >>"$dir/idle.properties"
fi

java -Xmx512m -jar "${broker_jar:-$jar}" kafka --port "$port" --data-dir "$dir/kafka" >"$dir/kafka.log" 2>&1 &
broker_pid=$!
for _ in $(seq 1 60); do
  if java -jar "$jar" topics create --config "$dir/idle.properties" >"$dir/topics.log" 2>&1; then
    break
  fi
  sleep 1
done
grep -q . "$dir/topics.log" || { echo "topics create failed"; cat "$dir/kafka.log"; exit 1; }

# shellcheck disable=SC2086
java -Xmx384m $java_opts -jar "$jar" run --config "$dir/idle.properties" >"$dir/run.log" 2>&1 &
run_pid=$!
sleep "$warmup"
kill -0 "$run_pid" 2>/dev/null || { echo "run exited"; tail -50 "$dir/run.log"; exit 1; }

# utime+stime in clock ticks: fields 14 and 15 of stat, counted after the ')' ending the name
ticks() { sed 's/.*) //' "$1" 2>/dev/null | awk '{print $12 + $13}'; }
snapshot() {
  local pid=$1 out=$2
  : >"$out"
  for task in /proc/"$pid"/task/*; do
    local t; t=$(ticks "$task/stat") || continue
    local w; w=$(awk '/^voluntary_ctxt_switches/ {print $2}' "$task/status" 2>/dev/null)
    [ -n "$t" ] && printf '%s\t%s\t%s\t%s\n' "$(basename "$task")" "$t" "$(cat "$task/comm" 2>/dev/null)" "${w:-0}" >>"$out"
  done
}
hz=$(getconf CLK_TCK)
p0=$(ticks /proc/$run_pid/stat); b0=$(ticks /proc/$broker_pid/stat)
snapshot "$run_pid" "$dir/t0"
sleep "$seconds"
p1=$(ticks /proc/$run_pid/stat); b1=$(ticks /proc/$broker_pid/stat)
snapshot "$run_pid" "$dir/t1"

awk -v a="$p0" -v b="$p1" -v hz="$hz" -v s="$seconds" \
  'BEGIN { printf "processor: %.2f%% of one core (%.2f CPU s in %d s)\n", 100 * (b - a) / hz / s, (b - a) / hz, s }'
awk -v a="$b0" -v b="$b1" -v hz="$hz" -v s="$seconds" \
  'BEGIN { printf "broker:    %.2f%% of one core (not the processor; for reference)\n", 100 * (b - a) / hz / s }'
echo "per thread of the processor (% of one core, wake-ups per second; threads under 0.05% left out):"
# join the two snapshots on the thread id; a thread born in the window counts from 0
awk -F'\t' -v hz="$hz" -v s="$seconds" '
  NR == FNR { start[$1] = $2; wakes[$1] = $4; next }
  { d = $2 - ($1 in start ? start[$1] : 0); name = $3; sum[name] += d; w[name] += $4 - ($1 in wakes ? wakes[$1] : 0) }
  END { for (n in sum) if (100 * sum[n] / hz / s >= 0.05) printf "  %6.2f%%  %7.1f/s  %s\n", 100 * sum[n] / hz / s, w[n] / s, n }
' "$dir/t0" "$dir/t1" | sort -rn
