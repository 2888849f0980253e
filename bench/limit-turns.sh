#!/usr/bin/env bash
# A limit smaller than the instances (2 calls/s, three processor JVMs owning two partitions each):
# the owners take 15 s turns. Every request must end once, with at most 2 calls accepted in any second;
# prints how long 90 requests took against 45 s at the limit, and the throttled answers: once with
# the simulator in the test JVM, once in a JVM of its own. About four minutes; not part of `mvn verify`.
#   bench/limit-turns.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=LimitTurnsSoakIT \
  | grep -E '\[limit-turns\]|Tests run:|BUILD'
