#!/usr/bin/env bash
# Builds the benchmarks and runs them with JMH. Any argument is passed to JMH: a regex
# narrows the run (benchmarks/run.sh 'traced'), and an option replaces its default below
# (benchmarks/run.sh -f 3 -i 10). 'benchmarks/run.sh -h' lists JMH's options.
#
# Defaults suit a 2-core machine: one fork, one thread, so that the batch span processor's
# exporter thread has the other core. Run on a quiet machine; results go to
# benchmarks/target/jmh-result.json and the table is printed at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Build what the benchmarks need: the parent, autoconfigure and the starter, then this module.
mvn -B -q -T1 -pl benchmarks -am install -DskipTests

classpath_file="$root/benchmarks/target/classpath.txt"
mvn -B -q -T1 -f benchmarks/pom.xml dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$classpath_file"

# Each default is left out when the caller gives the same option: JMH takes an option once.
defaults=(
    -f 1
    -wi 3
    -w 2s
    -i 5
    -r 2s
    -bm avgt
    -tu ns
    -prof gc
    -foe true
    -rf json
    -rff "$root/benchmarks/target/jmh-result.json"
)
options=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
    option="${defaults[i]}"
    given=false
    for arg in "$@"; do
        if [[ "$arg" == "$option" ]]; then
            given=true
            break
        fi
    done
    if [[ "$given" == false ]]; then
        options+=("$option" "${defaults[i + 1]}")
    fi
done

# JMH's forks inherit java.class.path, so no shaded jar is needed.
exec java -cp "$root/benchmarks/target/classes:$(cat "$classpath_file")" org.openjdk.jmh.Main \
    "${options[@]}" "$@"
