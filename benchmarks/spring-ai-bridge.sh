#!/usr/bin/env bash
# Per-call cost of Inferlens' Spring AI bridge (SpringAiBridgeBenchmark): the two variants, Spring AI's observation
# alone and with the bridge, run as separate JMH processes in alternation, ROUNDS times (default 3), so that the
# machine's drift falls on both; PIN=cpus pins the JMH process (e.g. PIN=1). Prints medians and ranges.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
out="$root/benchmarks/target/spring-ai-bridge"
rm -rf "$out"
mkdir -p "$out"
# shellcheck source=jmh-lib.sh
source "$root/benchmarks/jmh-lib.sh"
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2 == 1)); then order=(springAiOnly bridge); else order=(bridge springAiOnly); fi
    for v in "${order[@]}"; do
        "${pin[@]}" java -cp "$cp" org.openjdk.jmh.Main -f 1 -wi 3 -w 2s -i 5 -r 2s -bm avgt -tu ns -prof gc \
            -foe true -p variant="$v" -rf json -rff "$out/$v-$r.json" SpringAiBridgeBenchmark > "$out/$v-$r.log" 2>&1
        echo "  $v round $r done"
    done
done
python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
rows = {}
for path in glob.glob(os.path.join(sys.argv[1], '*.json')):
    variant = os.path.basename(path).split('-')[0]
    for result in json.load(open(path)):
        bench = result['benchmark'].rsplit('.', 1)[1]
        alloc = result['secondaryMetrics'].get('gc.alloc.rate.norm', {}).get('score', float('nan'))
        rows.setdefault(bench, {}).setdefault(variant, []).append((result['primaryMetric']['score'], alloc))
print('%-8s %-13s %10s %18s %10s' % ('call', 'variant', 'median ns', 'min..max ns', 'bytes/op'))
for bench in sorted(rows):
    for variant in ('springAiOnly', 'bridge'):
        values = rows[bench].get(variant, [])
        if values:
            scores = [v[0] for v in values]
            print('%-8s %-13s %10.0f %18s %10.0f' % (bench, variant, statistics.median(scores),
                  '%.0f..%.0f' % (min(scores), max(scores)), statistics.median([v[1] for v in values])))
PY
