#!/usr/bin/env bash
# Startup cost of the Inferlens starter against a plain Actuator application.
#
# benchmarks/startup/ is a Spring MVC application with Actuator and the Prometheus registry. It is started in
# alternation, each time in a fresh JVM with the same options, as:
#   plain     - without the starter;
#   disabled  - with the starter, inferlens.enabled=false: the cost of its class path (Boot's tracing and
#               OpenTelemetry auto-configurations, which the starter's dependencies switch on);
#   inferlens - with the starter and its defaults;
#   endpoint  - with the starter and the inferlens endpoint exposed, which turns on the statistics and trace store.
# Each run prints the JVM uptime when the application is ready, Boot's own "ready" time, the classes loaded, the
# bean definitions and the heap used after a full GC; the script prints each run and the medians.
#
# Usage: benchmarks/startup.sh [rounds]   (default 10). Run on an otherwise idle machine.
set -euo pipefail

rounds="${1:-10}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

echo "Building the starter and the startup application..."
mvn -B -q -T1 -pl starter -am install -DskipTests
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mvn -B -q -f benchmarks/startup/pom.xml compile dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$work/plain.txt"
mvn -B -q -f benchmarks/startup/pom.xml -Pinferlens dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$work/inferlens.txt"
classes="$root/benchmarks/startup/target/classes"

run() {
    local variant="$1" classpath
    shift
    case "$variant" in
        plain) classpath="$(cat "$work/plain.txt")" ;;
        *) classpath="$(cat "$work/inferlens.txt")" ;;
    esac
    local line
    line="$(java -Xms256m -Xmx512m -cp "$classes:$classpath" io.inferlens.benchmarks.startup.StartupApplication \
        --server.port=0 --server.address=127.0.0.1 --spring.main.banner-mode=off --logging.level.root=warn \
        --management.endpoints.web.exposure.include=health,prometheus "$@" | grep '^STARTUP')"
    echo "$variant ${line#STARTUP }" | tee -a "$work/results.txt"
}

java -version 2>&1 | head -1
for ((round = 1; round <= rounds; round++)); do
    run plain
    run disabled --inferlens.enabled=false
    run inferlens
    run endpoint --management.endpoints.web.exposure.include=health,prometheus,inferlens
done

echo
echo "Medians over $rounds runs:"
python3 - "$work/results.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    variant, *fields = line.split()
    values = dict(field.split("=") for field in fields)
    rows.setdefault(variant, []).append({k: int(v) for k, v in values.items()})
keys = ["uptime_ms", "ready_ms", "classes", "beans", "heap_kb"]
print("%-10s" % "variant" + "".join("%12s" % k for k in keys))
base = None
for variant in ["plain", "disabled", "inferlens", "endpoint"]:
    medians = [statistics.median(r[k] for r in rows[variant]) for k in keys]
    base = base or medians
    print("%-10s" % variant + "".join("%12.0f" % m for m in medians)
          + "   (+%.0f ms, +%.0f classes, +%.1f MB heap)" % (medians[0] - base[0], medians[2] - base[2],
                                                             (medians[4] - base[4]) / 1024))
PY
