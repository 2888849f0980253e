#!/usr/bin/env bash
# Heap while an API is held by its breaker and 20,000 requests pile up behind it (issue target:
# less than 64 MB of growth between 100 and 20,100 waiting requests), then the time to work the
# backlog off once the account recovers. The processor runs as its own JVM (-Xmx384m, SerialGC);
# the heap is read after a full GC with jcmd. Takes a few minutes; not part of `mvn verify`.
#   bench/held-backlog.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=HeldBacklogSoakIT \
  | grep -E '\[held-backlog\]|Tests run:|BUILD'
