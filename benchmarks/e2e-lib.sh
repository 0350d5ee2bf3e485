# Shared by the end-to-end scripts (e2e.sh, e2e-streams.sh): a work directory removed on exit, the PIDs of the
# servers they start (all stopped on exit), a free loopback port, and waiting for a URL to answer.
# Source it after `set -euo pipefail`.
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
# Stop a process by PID: TERM, then KILL if it has not exited within 15 seconds (a Zipkin server once hung in
# its shutdown after a long run, which kept the script waiting).
stop() {
    local pid="$1"
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    for pid in "${pids[@]:-}"; do
        [ -n "$pid" ] && stop "$pid"
    done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for() {
    for _ in $(seq 1 120); do
        curl -sf "$1" >/dev/null 2>&1 && return 0
        sleep 1
    done
    echo "not up: $1" >&2
    return 1
}
