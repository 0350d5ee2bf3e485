#!/usr/bin/env bash
# Compares the JMH benchmarks of the working tree with those of an earlier commit, in one
# run, alternating: round after round, the base then the working tree (or the other way
# round on odd rounds), so that the VM's drift from minute to minute affects both alike.
#
#   benchmarks/compare.sh BASE_REV [REGEX] [ROUNDS]
#
# BASE_REV is any git revision (such as main~3); REGEX narrows the benchmarks as with
# benchmarks/run.sh (default: the @Traced and @TracedInference ones of
# AnnotationOverheadBenchmark); ROUNDS defaults to 3. The base is built in a temporary
# worktree, without installing anything. Each run is one JMH fork with the GC profiler;
# results go to benchmarks/target/compare/, and the medians and spread of each variant
# are printed at the end. PIN=1 (any taskset CPU list) pins the JMH process, forks included;
# unpinned by default, since on one core the sampled benchmarks also pay for the span
# exporter's thread, which otherwise runs on the other. JMH_PARAMS adds JMH options, e.g.
# JMH_PARAMS="-p variant=traced" to run one value of a benchmark's @Param.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base_rev="${1:?usage: benchmarks/compare.sh BASE_REV [REGEX] [ROUNDS]}"
regex="${2:-AnnotationOverheadBenchmark.(traced|inference)}"
rounds="${3:-3}"
out="$root/benchmarks/target/compare"
rm -rf "$out"
mkdir -p "$out"

build() { # dir -> classpath file
    local dir="$1"
    (cd "$dir" && mvn -B -q -T1 -pl benchmarks -am package dependency:build-classpath -DskipTests \
        -Dspring-javaformat.skip=true -Dstyle.color=never -Dmdep.includeScope=runtime \
        -Dmdep.outputFile="$dir/benchmarks/target/cp.txt" >&2)
    echo "$dir/benchmarks/target/classes:$(cat "$dir/benchmarks/target/cp.txt")"
}

worktree="$(mktemp -d /tmp/inferlens-base.XXXXXX)"
trap 'git -C "$root" worktree remove --force "$worktree" >/dev/null 2>&1 || true' EXIT
git -C "$root" worktree add --detach "$worktree" "$base_rev" >/dev/null
echo "Building the base ($(git -C "$root" rev-parse --short "$base_rev")) and the working tree"
base_cp="$(build "$worktree")"
head_cp="$(build "$root")"

pin=()
if [[ -n "${PIN:-}" ]]; then
    pin=(taskset -c "$PIN")
fi

run() { # name classpath round
    "${pin[@]}" java -cp "$2" org.openjdk.jmh.Main -f 1 -wi 3 -w 2s -i 5 -r 2s -bm avgt -tu ns -prof gc -foe true \
        ${JMH_PARAMS:-} -rf json -rff "$out/$1-$3.json" "$regex" > "$out/$1-$3.log" 2>&1
    echo "  $1 round $3 done"
}

for ((r = 1; r <= rounds; r++)); do
    if ((r % 2 == 1)); then
        run base "$base_cp" "$r"
        run head "$head_cp" "$r"
    else
        run head "$head_cp" "$r"
        run base "$base_cp" "$r"
    fi
done

python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
rows = {}
for path in sorted(glob.glob(os.path.join(out, '*.json'))):
    name = os.path.basename(path).split('-')[0]
    for result in json.load(open(path)):
        bench = '.'.join(result['benchmark'].rsplit('.', 2)[1:])
        score = result['primaryMetric']['score']
        alloc = result['secondaryMetrics'].get('gc.alloc.rate.norm', {}).get('score', float('nan'))
        rows.setdefault(bench, {}).setdefault(name, []).append((score, alloc))
print('%-48s %-5s %10s %18s %12s' % ('benchmark', 'tree', 'median ns', 'min..max ns', 'bytes/op'))
for bench in sorted(rows):
    for name in ('base', 'head'):
        values = rows[bench].get(name, [])
        if not values:
            continue
        scores = [v[0] for v in values]
        allocs = [v[1] for v in values]
        print('%-48s %-5s %10.0f %18s %12.0f' % (bench, name, statistics.median(scores),
              '%.0f..%.0f' % (min(scores), max(scores)), statistics.median(allocs)))
    base = rows[bench].get('base'); head = rows[bench].get('head')
    if base and head:
        print('%-48s ratio head/base: %.2f' % ('', statistics.median(v[0] for v in head) / statistics.median(v[0] for v in base)))
PY
