#!/usr/bin/env bash
# End-to-end cost of Inferlens on streamed chat completions through the sample gateway, under wrk on loopback.
#
# The gateway (pinned to one processor) relays streams from a second instance of the sample app serving only as
# the OpenAI-compatible backend (its simulator: a pause between chunks, usage in the last one), pinned with wrk and
# Zipkin to the other processor. Variants, alternating in each round, each a fresh gateway JVM:
#   on   - Inferlens on, 100% sampling, spans exported to a real Zipkin server;
#   boot - Inferlens off, Boot's own tracing at 100% exported to Zipkin (what a team has without Inferlens);
#   off  - Inferlens off, tracing off.
# wrk keeps N streams open at once (POST /v1/chat/completions with "stream": true and include_usage); each
# response is a whole stream. Prints streams/s, p99 of a whole stream, the gateway's CPU time per stream, and the
# medians and spread (min..max) per variant.
#
# Usage: benchmarks/e2e-streams.sh [rounds] [measure-seconds] [warmup-seconds] [connections]
# Env: GATEWAY_CPU (default 0), OTHER_CPU (default 1), CHUNK_DELAY (default 5ms), LATENCY (default 10ms).
# Needs: Debian's wrk (apt-get install wrk).
set -euo pipefail

rounds="${1:-5}"
duration="${2:-15}"
warmup="${3:-8}"
connections="${4:-32}"
gateway_cpu="${GATEWAY_CPU:-0}"
other_cpu="${OTHER_CPU:-1}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=e2e-lib.sh
source "$root/benchmarks/e2e-lib.sh"

jar="sample-app/target/inferlens-sample-app.jar"
zipkin_jar="sample-app/target/zipkin/zipkin-server.jar"
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$jar" ]; then
    echo "Building the sample app and copying the Zipkin server jar..."
    mvn -B -q -T1 -pl sample-app -am -DskipTests package
fi
[ -f "$zipkin_jar" ] || mvn -B -q -f sample-app/pom.xml dependency:copy@zipkin-server >/dev/null

zipkin_port="$(free_port)"
taskset -c "$other_cpu" java -Xmx512m -jar "$zipkin_jar" "--armeria.ports[0].port=$zipkin_port" \
    "--armeria.ports[0].ip=127.0.0.1" "--armeria.ports[0].protocols[0]=http" --STORAGE_TYPE=mem \
    >"$work/zipkin.log" 2>&1 &
pids+=("$!")

backend_port="$(free_port)"
taskset -c "$other_cpu" java -Xmx512m -jar "$jar" "--server.port=$backend_port" --server.address=127.0.0.1 \
    "--gateway.simulator.latency=${LATENCY:-10ms}" "--gateway.simulator.chunk-delay=${CHUNK_DELAY:-5ms}" \
    --inferlens.enabled=false --management.tracing.enabled=false --logging.level.root=WARN \
    --server.tomcat.threads.max=400 >"$work/backend.log" 2>&1 &
pids+=("$!")
wait_for "http://127.0.0.1:$zipkin_port/health"
wait_for "http://127.0.0.1:$backend_port/actuator/health"

cat >"$work/stream.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "text/event-stream"
-- Users the routing-policy experiment assigns to its control, "threshold", the policy of the gateway when
-- Inferlens is off: every variant routes every request alike.
local users = { "bench-4", "bench-5", "bench-7", "bench-9", "bench-10", "bench-11", "bench-14" }
local n = 0
request = function()
  n = n + 1
  wrk.body = '{"model":"auto","stream":true,"stream_options":{"include_usage":true},"user":"' .. users[(n % 7) + 1]
    .. '","messages":[{"role":"user","content":"Explain step by step why the sky is blue, and compare it with sunsets '
    .. n .. '"}]}'
  return wrk.format()
end
LUA

common=(--gateway.cache.size=0 --logging.level.io.inferlens.web=WARN --logging.level.root=WARN
    --server.address=127.0.0.1 "--gateway.backend.url=http://127.0.0.1:$backend_port/simulator")
export_args=(--management.tracing.sampling.probability=1.0 --management.tracing.export.zipkin.enabled=true
    "--management.tracing.export.zipkin.endpoint=http://127.0.0.1:$zipkin_port/api/v2/spans")
on_args=("${export_args[@]}")
boot_args=(--inferlens.enabled=false "${export_args[@]}")
off_args=(--inferlens.enabled=false --management.tracing.enabled=false)

results="$work/results.txt"
run() {
    local mode="$1"; shift
    local port; port="$(free_port)"
    taskset -c "$gateway_cpu" java -Xmx512m -jar "$jar" "--server.port=$port" "${common[@]}" "$@" \
        >"$work/gateway-$mode.log" 2>&1 &
    local pid="$!"
    pids+=("$pid")
    wait_for "http://127.0.0.1:$port/actuator/health"
    taskset -c "$other_cpu" wrk -t1 -c"$connections" -d"${warmup}s" -s "$work/stream.lua" \
        "http://127.0.0.1:$port/v1/chat/completions" >/dev/null
    local cpu_before; cpu_before="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
    local out; out="$(taskset -c "$other_cpu" wrk -t1 -c"$connections" -d"${duration}s" --latency \
        -s "$work/stream.lua" "http://127.0.0.1:$port/v1/chat/completions")"
    local cpu_after; cpu_after="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
    stop "$pid"
    local rps p99 errors requests cpu
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    errors="$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")"
    requests="$(awk '/requests in/ {print $1}' <<<"$out")"
    cpu="$(python3 -c "print(round(($cpu_after - $cpu_before) * 1000 / $(getconf CLK_TCK) / $requests, 3))")"
    printf '%-5s %10s streams/s  p99 %8s  cpu %6s ms/stream  non-2xx %s\n' "$mode" "$rps" "$p99" "$cpu" "${errors:-0}"
    echo "$mode $rps $p99 $cpu" >>"$results"
}

chunks="$(curl -sN -H 'Content-Type: application/json' -d '{"model":"auto","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Explain step by step why the sky is blue, and compare it with sunsets 1"}]}' \
    "http://127.0.0.1:$backend_port/simulator/v1/chat/completions" | grep -c '^data: {')"
echo "Rounds: $rounds, wrk -t1 -c$connections, ${warmup}s warm-up, ${duration}s measured, $chunks chunks a stream;" \
    "gateway on CPU $gateway_cpu, backend, Zipkin and wrk on CPU $other_cpu"
for i in $(seq 1 "$rounds"); do
    run on "${on_args[@]}"
    run boot "${boot_args[@]}"
    run off "${off_args[@]}"
done

python3 - "$results" <<'PY'
import re, statistics, sys
def millis(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rows = [line.split() for line in open(sys.argv[1])]
medians = {}
for mode in ("on", "boot", "off"):
    runs = [r for r in rows if r[0] == mode]
    rps = [float(r[1]) for r in runs]
    p99 = [millis(r[2]) for r in runs]
    cpu = [float(r[3]) for r in runs]
    medians[mode] = (statistics.median(rps), statistics.median(cpu))
    print(f"median {mode:4}: {statistics.median(rps):8.1f} streams/s ({min(rps):.1f}..{max(rps):.1f})"
          f"  p99 {statistics.median(p99):8.2f} ms  cpu {statistics.median(cpu):.3f} ms/stream"
          f" ({min(cpu):.3f}..{max(cpu):.3f})")
print(f"throughput on/off {medians['on'][0] / medians['off'][0]:.3f}, on/boot {medians['on'][0] / medians['boot'][0]:.3f}")
print(f"CPU per stream on/boot {medians['on'][1] / medians['boot'][1]:.3f}, on/off {medians['on'][1] / medians['off'][1]:.3f}")
PY
