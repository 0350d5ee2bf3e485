#!/usr/bin/env bash
# Cost of observing a streamed model call (StreamingBenchmark): plain (Inferlens disabled) and @TracedInference, each
# over streams of 1, 16 and 256 content chunks plus a usage chunk, run as separate JMH processes in alternation,
# ROUNDS times (default 3), so that the machine's drift falls on both; PIN=cpus pins the JMH process (e.g. PIN=1).
# Prints medians and ranges, the cost per chunk (slope between 16 and 256 chunks) and the fixed cost per stream
# (intercept); then the heap retained per open stream (StreamingMemory: STREAMS streams, default 10000, that have
# received 8 chunks and not completed), plain and traced, one JVM each. JMH options can be changed with JMH_OPTS.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
streams="${STREAMS:-10000}"
jmh_opts="${JMH_OPTS:--wi 5 -w 1s -i 5 -r 1s}"
out="$root/benchmarks/target/streaming"
rm -rf "$out"
mkdir -p "$out"
# shellcheck source=jmh-lib.sh
source "$root/benchmarks/jmh-lib.sh"
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2 == 1)); then order=(plain traced); else order=(traced plain); fi
    for v in "${order[@]}"; do
        # shellcheck disable=SC2086
        "${pin[@]}" java -cp "$cp" org.openjdk.jmh.Main -f 1 $jmh_opts -bm avgt -tu ns -prof gc -foe true \
            -p variant="$v" -rf json -rff "$out/$v-$r.json" StreamingBenchmark > "$out/$v-$r.log" 2>&1
        echo "  $v round $r done"
    done
done
for v in plain traced; do
    "${pin[@]}" java -Xms1g -Xmx1g -cp "$cp" io.inferlens.benchmarks.StreamingMemory "$v" "$streams" 8 3 \
        > "$out/memory-$v.log" 2>&1
    echo "  memory $v done"
done
python3 - "$out" <<'PY'
import glob, json, os, re, statistics, sys
out = sys.argv[1]
rows = {}
for path in glob.glob(os.path.join(out, '*.json')):
    variant = os.path.basename(path).split('-')[0]
    for result in json.load(open(path)):
        n = int(result['params']['chunkCount'])
        alloc = result['secondaryMetrics'].get('gc.alloc.rate.norm', {}).get('score', float('nan'))
        rows.setdefault((variant, n), []).append((result['primaryMetric']['score'], alloc))
med = {}
print('%-7s %5s %10s %20s %10s' % ('variant', 'N', 'median ns', 'min..max ns', 'bytes/op'))
for variant in ('plain', 'traced'):
    for n in (1, 16, 256):
        values = rows.get((variant, n), [])
        if values:
            scores = [v[0] for v in values]
            med[(variant, n)] = (statistics.median(scores), statistics.median([v[1] for v in values]))
            print('%-7s %5d %10.0f %20s %10.0f' % (variant, n, med[(variant, n)][0],
                  '%.0f..%.0f' % (min(scores), max(scores)), med[(variant, n)][1]))
print()
print('%-7s %14s %14s %18s %18s' % ('variant', 'ns/chunk', 'B/chunk', 'fixed ns/stream', 'fixed B/stream'))
for variant in ('plain', 'traced'):
    if (variant, 16) in med and (variant, 256) in med:
        (t16, a16), (t256, a256) = med[(variant, 16)], med[(variant, 256)]
        slope, aslope = (t256 - t16) / 240, (a256 - a16) / 240
        print('%-7s %14.1f %14.1f %18.0f %18.0f' % (variant, slope, aslope, t16 - 16 * slope, a16 - 16 * aslope))
print()
for variant in ('plain', 'traced'):
    path = os.path.join(out, 'memory-%s.log' % variant)
    if os.path.exists(path):
        per = [float(m) for m in re.findall(r'bytesPerStream=(\S+)', open(path).read())]
        if per:
            print('memory per open stream, %-6s: median %.0f B (%s)' % (variant, statistics.median(per),
                  ', '.join('%.0f' % p for p in per)))
PY
