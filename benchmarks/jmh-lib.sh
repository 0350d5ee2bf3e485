# Shared by the JMH scripts that alternate variants as separate JMH processes (spring-ai-bridge.sh, streaming.sh).
# Source it after setting `root` and `out`: builds the benchmarks module and the modules it depends on (nothing is
# installed), sets `cp` to its runtime class path and `pin` to the taskset prefix that PIN (a CPU list) asks for.
(cd "$root" && mvn -B -q -T1 -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dspring-javaformat.skip=true -Dstyle.color=never -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$root/benchmarks/target/cp.txt" >&2)
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/cp.txt")"
pin=()
if [[ -n "${PIN:-}" ]]; then
    pin=(taskset -c "$PIN")
fi
