#!/usr/bin/env bash
# `make stream-demo`: replay the generated events to a mock Kafka cluster at a fixed rate and
# stream them into a warehouse of their own, then print the latency figures.
#
# The replayer hosts librdkafka's mock cluster (no broker needed) and waits until the
# streamer has parsed the dbt project and is consuming, so that the figures measure the
# steady state, not dbt's start-up. Environment: STREAM_RATE (events/s, default 1000),
# STREAM_EVENTS (default 20000), STREAM_DEMO_DB (default warehouse/stream_demo.duckdb),
# LANDING (default landing; run `make run` or `make generate` first).
set -euo pipefail

bin="${VENV_BIN:-.venv/bin}"
rate="${STREAM_RATE:-1000}"
events="${STREAM_EVENTS:-20000}"
database="${STREAM_DEMO_DB:-warehouse/stream_demo.duckdb}"
landing="${LANDING:-landing}"
work="$(mktemp -d)"
replay_pid=""
stream_pid=""
cleanup() {
    [[ -n "$stream_pid" ]] && kill "$stream_pid" 2>/dev/null || true
    [[ -n "$replay_pid" ]] && kill "$replay_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

if [[ ! -d "$landing/events" ]]; then
    echo "stream-demo: no $landing/events; run \`make run\` (or \`make generate\`) first" >&2
    exit 2
fi
mkdir -p "$(dirname "$database")"
rm -f "$database" "$database.wal"

"$bin/python" -m ingest replay kafka --mock-cluster --topic stream-demo \
    --from "$landing/events" --rate "$rate" --limit "$events" \
    --address-file "$work/address" --wait-for "$work/ready" &
replay_pid=$!
for _ in $(seq 1 150); do [[ -s "$work/address" ]] && break; sleep 0.2; done
[[ -s "$work/address" ]] || { echo "stream-demo: the mock cluster did not start" >&2; exit 1; }

"$bin/python" -m ingest stream kafka --bootstrap-servers "$(cat "$work/address")" \
    --topic stream-demo --group stream-demo --database "$database" --stop-when-idle 8 \
    | tee "$work/stream.log" &
stream_pid=$!
until grep -q "consuming" "$work/stream.log" 2>/dev/null; do
    kill -0 "$stream_pid" 2>/dev/null || { echo "stream-demo: the streamer stopped" >&2; exit 1; }
    sleep 0.5
done
touch "$work/ready"
wait "$stream_pid"
stream_pid=""
echo
echo "Latency (marts.stream_metrics in $database):"
"$bin/python" -m ingest.stream.metrics --database "$database"
