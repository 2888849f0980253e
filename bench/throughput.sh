#!/usr/bin/env bash
# How much of each API's QPS limit the processor uses, at several API latencies.
# The baseline is the limit itself, in the same run: utilisation = answers per second / limit.
# Little's law sizes the in-flight bound (limit x latency x headroom), so a slow API should still
# be used at its full rate. Run on demand; it is not a pass/fail test.
#   bench/throughput.sh [requests] [qps]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-600}
qps=${2:-20}
[ -f target/idv-streams.jar ] || mvn -B -q -DskipTests package
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
printf '%-12s %-22s %10s %10s %12s\n' "latency_ms" "api" "throttled" "peak_1s" "utilisation"
for latency in 20 200 1000; do
  java -Xmx2g -jar target/idv-streams.jar demo --requests "$requests" --latency-ms "$latency" \
      --qps "CredentialVerifyIntl=$qps,VerifyMaterial=$qps,ExecuteRequest=$qps" 2>/dev/null \
    | awk -v l="$latency" '$1 ~ /^(CredentialVerifyIntl|VerifyMaterial|ExecuteRequest)$/ && NF == 8 {
        printf "%-12s %-22s %10s %10s %12s\n", l, $1, $4, $6, $8 }'
done
