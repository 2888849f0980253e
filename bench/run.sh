#!/usr/bin/env bash
# The benchmark of issue 9: runs the scenarios of dev.idvstreams.bench.BenchMain (src/test/java)
# against an embedded KRaft broker and the API simulator, all in one JVM, and writes
# bench/results/<yyyy-MM-dd>.md and .json (overwriting today's). Not part of `mvn verify`.
#   bench/run.sh [--quick] [--only naive,duplicates,overhead] [--out DIR]
# Needs Java 17+ and Maven. Builds first (incrementally; BENCH_NO_BUILD=1 skips it, BENCH_REBUILD=1 also
# refreshes the classpath file);
# MVN_FLAGS passes extra Maven flags (e.g. MVN_FLAGS=-o for offline); BENCH_MVN_LOCK=<file> runs
# Maven under flock on that file, for machines where builds must take turns; BENCH_JAVA_OPTS adds JVM
# options (a JFR recording, say).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn_flags=(-B -q ${MVN_FLAGS:-})
mvn() {
  if [ -n "${BENCH_MVN_LOCK:-}" ]; then flock "$BENCH_MVN_LOCK" mvn "$@"; else command mvn "$@"; fi
}
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  mvn "${mvn_flags[@]}" -DskipTests package
fi
# a real registry for the scenarios whose processors run in JVMs of their own (as mvn verify unpacks it)
if ! ls target/apicurio/*-runner.jar >/dev/null 2>&1; then
  mvn "${mvn_flags[@]}" dependency:unpack@fetch-apicurio -Dmdep.overWriteReleases=true
fi
if [ "${BENCH_REBUILD:-0}" = 1 ] || [ ! -f target/bench.classpath ]; then
  mvn "${mvn_flags[@]}" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
fi
# the processor's client would otherwise probe the ECS metadata service for credentials
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
exec java -Xmx2g ${BENCH_JAVA_OPTS:-} -Dapicurio.dir="$PWD/target/apicurio" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.idvstreams.bench.BenchMain "$@"
