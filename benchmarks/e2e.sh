#!/usr/bin/env bash
# End-to-end overhead of Inferlens on the sample gateway, under wrk on loopback.
#
# Builds the sample app once, starts a real Zipkin server (the exec jar the sample's build copies from Maven
# Central), then runs the gateway in alternation:
#   on  - Inferlens on, 100% sampling, spans exported to Zipkin, trace store and statistics on (endpoint exposed);
#   off - inferlens.enabled=false and tracing off (management.tracing.enabled=false).
# Each run: a fresh JVM, a warm-up, then a measured wrk run of chat requests (POST /v1/chat/completions) with the
# simulated backend at zero latency and the response cache off, so every request routes and calls the model over
# HTTP and the instrumentation's cost is not hidden behind latency. Prints req/s, p99 and the gateway's CPU time per
# request of each run, the medians, and the on/off throughput ratio (goal: >= 0.95).
#
# Usage: benchmarks/e2e.sh [rounds] [measure-seconds] [warmup-seconds] [connections]
# Needs: Debian's wrk (apt-get install wrk). The machine should be otherwise idle: the gateway and wrk share it.
set -euo pipefail

rounds="${1:-3}"
duration="${2:-20}"
warmup="${3:-10}"
connections="${4:-16}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=e2e-lib.sh
source "$root/benchmarks/e2e-lib.sh"

echo "Building the sample app and copying the Zipkin server jar..."
mvn -B -q -T1 -pl sample-app -am -DskipTests package
mvn -B -q -f sample-app/pom.xml dependency:copy@zipkin-server >/dev/null
jar="sample-app/target/inferlens-sample-app.jar"
zipkin_jar="sample-app/target/zipkin/zipkin-server.jar"

zipkin_port="$(free_port)"
java -Xmx512m -jar "$zipkin_jar" "--armeria.ports[0].port=$zipkin_port" "--armeria.ports[0].ip=127.0.0.1" \
    "--armeria.ports[0].protocols[0]=http" --STORAGE_TYPE=mem >"$work/zipkin.log" 2>&1 &
pids+=("$!")
wait_for "http://127.0.0.1:$zipkin_port/health"

cat >"$work/chat.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
-- Users the routing-policy experiment assigns to its control, "threshold", which is also the policy the gateway uses
-- when Inferlens is off: both runs then route, and answer, every request alike. ("scored" sends more requests to
-- the powerful model, whose answers are longer, which would be the application doing more, not the instrumentation.)
local users = { "bench-4", "bench-5", "bench-7", "bench-9", "bench-10", "bench-11", "bench-14" }
request = function()
  n = n + 1
  -- Short and long prompts, so that the router picks both models.
  local content = (n % 2 == 0) and ("hello " .. n) or ("Explain step by step why the sky is blue " .. string.rep("why ", 40) .. n)
  wrk.body = '{"model":"auto","user":"' .. users[(n % 7) + 1] .. '","messages":[{"role":"user","content":"' .. content .. '"}]}'
  return wrk.format()
end
LUA

common=(--gateway.simulator.latency=0ms --gateway.cache.size=0 --logging.level.io.inferlens.web=WARN
    --logging.level.root=WARN --server.address=127.0.0.1)
on_args=(--management.tracing.sampling.probability=1.0 --management.tracing.export.zipkin.enabled=true
    "--management.tracing.export.zipkin.endpoint=http://127.0.0.1:$zipkin_port/api/v2/spans")
off_args=(--inferlens.enabled=false --management.tracing.enabled=false)
# With E2E_BREAKDOWN=1, each round also runs these, to show where the difference goes:
#   noexp - Inferlens on, 100% sampling, no exporter (Zipkin server and exporter out of the picture);
#   nostr - Inferlens on and exporting, the inferlens endpoint not exposed (no statistics, no trace store);
#   boot  - Inferlens off, Boot's own tracing on at 100% and exporting to Zipkin.
noexp_args=(--management.tracing.sampling.probability=1.0)
nostr_args=("${on_args[@]}" --management.endpoints.web.exposure.include=health,prometheus)
boot_args=(--inferlens.enabled=false "${on_args[@]}")

results="$work/results.txt"
run() {
    local mode="$1"; shift
    local port; port="$(free_port)"
    java -Xmx512m -jar "$jar" "--server.port=$port" "${common[@]}" "$@" >"$work/gateway-$mode.log" 2>&1 &
    local pid="$!"
    pids+=("$pid")
    wait_for "http://127.0.0.1:$port/actuator/health"
    wrk -t1 -c"$connections" -d"${warmup}s" -s "$work/chat.lua" "http://127.0.0.1:$port/v1/chat/completions" >/dev/null
    # The gateway's own CPU time (user + system, in clock ticks) over the measured run: CPU per request does not
    # depend on how wrk and Zipkin share the machine's cores with it.
    local cpu_before; cpu_before="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
    local out; out="$(wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$work/chat.lua" \
        "http://127.0.0.1:$port/v1/chat/completions")"
    local cpu_after; cpu_after="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
    stop "$pid"
    local rps p99 errors requests cpu
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    errors="$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")"
    requests="$(awk '/requests in/ {print $1}' <<<"$out")"
    cpu="$(python3 -c "print(round(($cpu_after - $cpu_before) * 1000 / $(getconf CLK_TCK) / $requests, 3))")"
    printf '%-5s %10s req/s  p99 %8s  cpu %6s ms/req  non-2xx %s\n' "$mode" "$rps" "$p99" "$cpu" "${errors:-0}"
    echo "$mode $rps $p99 $cpu" >>"$results"
}

echo "Rounds: $rounds, wrk -t1 -c$connections, ${warmup}s warm-up, ${duration}s measured"
for i in $(seq 1 "$rounds"); do
    run on "${on_args[@]}"
    run off "${off_args[@]}"
    if [ "${E2E_BREAKDOWN:-0}" = 1 ]; then
        run noexp "${noexp_args[@]}"
        run nostr "${nostr_args[@]}"
        run boot "${boot_args[@]}"
    fi
done

python3 - "$results" <<'PY'
import re, statistics, sys
def millis(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rows = [line.split() for line in open(sys.argv[1])]
on = [r for r in rows if r[0] == "on"]
off = [r for r in rows if r[0] == "off"]
on_rps = statistics.median(float(r[1]) for r in on)
off_rps = statistics.median(float(r[1]) for r in off)
on_p99 = statistics.median(millis(r[2]) for r in on)
off_p99 = statistics.median(millis(r[2]) for r in off)
on_cpu = statistics.median(float(r[3]) for r in on)
off_cpu = statistics.median(float(r[3]) for r in off)
print(f"median on : {on_rps:10.1f} req/s  p99 {on_p99:8.2f} ms  cpu {on_cpu:.3f} ms/req")
print(f"median off: {off_rps:10.1f} req/s  p99 {off_p99:8.2f} ms  cpu {off_cpu:.3f} ms/req")
print(f"gateway CPU per request on - off: {on_cpu - off_cpu:.3f} ms")
print(f"throughput ratio on/off: {on_rps / off_rps:.3f} (goal >= 0.95)")
for mode in ("noexp", "nostr", "boot"):
    runs = [r for r in rows if r[0] == mode]
    if runs:
        rps = statistics.median(float(r[1]) for r in runs)
        p99 = statistics.median(millis(r[2]) for r in runs)
        cpu = statistics.median(float(r[3]) for r in runs)
        print(f"median {mode}: {rps:8.1f} req/s  p99 {p99:8.2f} ms  cpu {cpu:.3f} ms/req  ratio to off {rps / off_rps:.3f}")
PY
