#!/usr/bin/env bash
# The processor's own CPU per 1,000 calls (issue 16, "Cheap per call"), apart from the broker, the
# registry and the simulator, each of which runs in a JVM of its own here: a backlog of N requests
# (the three APIs, a third each) is written first, then `run` of each jar given starts on it, and
# its utime+stime from /proc, from its start to its last call, and from its first call to its last
# (the start's fixed cost left out), is divided by the calls the simulator took. Jars alternate run by run, so a drift of the machine falls on both.
#   bench/cpu-per-call.sh --jar A.jar [--jar B.jar ...] [--runs 2] [--requests 9000] [--qps 200]
#                         [--latency-ms 50] [--java-opts '-XX:StartFlightRecording=...']
# The broker, registry, simulator, topics and producer come from target/idv-streams.jar (the
# current build) and target/apicurio (mvn verify unpacks it). Linux only (/proc).
set -euo pipefail
cd "$(dirname "$0")/.."
jars=()
runs=2
requests=9000
qps=200
latency=50
java_opts=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jars+=("$2"); shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --qps) qps="$2"; shift 2 ;;
    --latency-ms) latency="$2"; shift 2 ;;
    --java-opts) java_opts="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ ${#jars[@]} -gt 0 ] || { echo "give at least one --jar" >&2; exit 2; }
tool=target/idv-streams.jar
apicurio=$(ls target/apicurio/apicurio-registry-app-*-runner.jar 2>/dev/null | head -1)
[ -f "$tool" ] && [ -n "$apicurio" ] || { echo "build first: mvn -B verify (or package, and the apicurio unpack)" >&2; exit 2; }
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
dir=$(mktemp -d /tmp/cpu-per-call.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() { python3 -c 'import random; print(random.randint(20000, 32000))'; }
kafka_port=$(free_port); registry_port=$(free_port); sim_port=$(free_port)

java -Xmx512m -XX:+UseSerialGC -jar "$tool" kafka --port "$kafka_port" --data-dir "$dir/kafka" >"$dir/kafka.log" 2>&1 &
pids+=($!)
(cd "$(dirname "$apicurio")" && exec java -Xmx384m -XX:+UseSerialGC -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.http.port="$registry_port" -Dquarkus.management.enabled=false -jar "$(basename "$apicurio")") >"$dir/registry.log" 2>&1 &
pids+=($!)
java -Xmx256m -XX:+UseSerialGC -jar "$tool" simulate --port "$sim_port" --latency-ms "$latency" --warm-up-calls 3000 \
  --qps "CredentialVerifyIntl=$qps" --qps "VerifyMaterial=$qps" --qps "ExecuteRequest=$qps" >"$dir/sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$registry_port/apis/ccompat/v7/subjects" >/dev/null 2>&1 \
    && curl -sf "http://127.0.0.1:$sim_port/_sim/stats" >/dev/null 2>&1 && break
  sleep 1
done
accepted() { curl -sf "http://127.0.0.1:$sim_port/_sim/stats" | python3 -c \
  'import json,sys; print(sum(v["accepted"] for v in json.load(sys.stdin).values()))'; }

# a batch: a third of each API; images by URL (sent on as URLs) and, for FaceCheck, a JPEG header
# inline with the bizId in its comment (the provider refuses a call it saw within its repeat window)
batch() {
  python3 - "$requests" "$1" "$2" <<'EOF'
import base64, struct, sys
n, prefix, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 480, 640, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
def jpeg(text):
    comment = text.encode()
    return base64.b64encode(b"\xff\xd8\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + sof + b"\xff\xd9").decode()
with open(out, "w") as f:
    for i in range(n):
        b = "%s-%d" % (prefix, i)
        if i % 3 == 0:
            f.write('{"bizId":"%s","credential":{"credType":"03","credName":"0301","image":{"url":"https://img.example/%s/clean.jpg"}}}\n' % (b, b))
        elif i % 3 == 1:
            f.write('{"bizId":"%s","material":{"bizType":"RPMinTest","name":"Cpu Bench","idCardNumber":"023432189011231236",'
                    '"faceImage":{"url":"https://img.example/%s/face.jpg"}}}\n' % (b, b))
        else:
            f.write('{"bizId":"%s","face":{"resourceCode":"00840000","refFace":{"base64":"%s"},"authFace":{"base64":"%s"}}}\n'
                    % (b, jpeg("ref " + b), jpeg("auth ok " + b)))
EOF
}

hz=$(getconf CLK_TCK)
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
echo "jar	run	requests	calls	processor CPU s	CPU s per 1,000 calls	of which from the first call	s first to last call"
for run in $(seq 1 "$runs"); do
  for jar in "${jars[@]}"; do
    app="cpu-$run-$(basename "$jar" .jar | tr -c 'a-zA-Z0-9\n' '-')-$RANDOM"
    cat >"$dir/$app.properties" <<EOF
bootstrap.servers=127.0.0.1:$kafka_port
schema.registry.url=http://127.0.0.1:$registry_port/apis/ccompat/v7
application.id=$app
state.dir=$dir/state-$app
topic.requests=$app.requests
topic.results=$app.results
topic.dlq=$app.dlq
topic.partitions=6
topic.replication.factor=1
aliyun.endpoint-override=http://127.0.0.1:$sim_port
aliyun.access-key-id=sim-access-key-id
aliyun.access-key-secret=sim-access-key-secret
qps.credential-verify-intl=$qps
qps.verify-material=$qps
qps.face-verify=$qps
http.port=-1
EOF
    batch "$app" "$dir/$app.jsonl"
    java -jar "$tool" topics create --config "$dir/$app.properties" >"$dir/$app.topics.log" 2>&1
    java -jar "$tool" produce --config "$dir/$app.properties" --file "$dir/$app.jsonl" >"$dir/$app.produce.log" 2>&1
    before=$(accepted)
    # shellcheck disable=SC2086
    java -Xmx512m $java_opts -jar "$jar" run --config "$dir/$app.properties" >"$dir/$app.run.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    start=$(date +%s.%N)
    last=$before; last_change=$start; first_call=""
    while true; do
      sleep 0.5
      now=$(date +%s.%N); count=$(accepted)
      if [ "$count" -gt "$last" ]; then
        [ -z "$first_call" ] && first_call=$now && cpu_first=$(ticks "$pid")
        last=$count; last_change=$now; cpu=$(ticks "$pid")
      fi
      calls=$((last - before))
      # done: every request called (invalid ones aside: none here), and nothing new for 3 s
      if [ "$calls" -ge "$requests" ] && awk -v a="$now" -v b="$last_change" 'BEGIN { exit !(a - b > 3) }'; then break; fi
      if awk -v a="$now" -v b="$start" 'BEGIN { exit !(a - b > 600) }'; then echo "timed out: $calls calls" >&2; break; fi
    done
    # where the process's CPU went, by thread name (numbers and ids folded), to stderr
    for task in /proc/"$pid"/task/*; do
      printf '%s\t%s\n' "$(sed 's/.*) //' "$task/stat" | awk '{print $12 + $13}')" \
        "$(sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}/ID/g; s/[0-9]+/N/g' "$task/comm")"
    done | awk -F'\t' -v hz="$hz" -v j="$(basename "$jar")" '{ sum[$2] += $1 } END { for (n in sum) if (sum[n] / hz >= 0.2)
      printf "  %s run %s: %6.1f CPU s  %s\n", j, "'"$run"'", sum[n] / hz, n }' | sort -t: -k2 -rn >&2
    kill "$pid"; wait "$pid" 2>/dev/null || true
    awk -v j="$(basename "$jar")" -v r="$run" -v n="$requests" -v c="$calls" -v t="$cpu" -v t0="$cpu_first" -v hz="$hz" \
      -v f="$first_call" -v l="$last_change" \
      'BEGIN { printf "%s\t%d\t%d\t%d\t%.1f\t%.2f\t%.2f\t%.1f\n", j, r, n, c, t / hz, 1000 * t / hz / c, 1000 * (t - t0) / hz / c, l - f }'
  done
done
