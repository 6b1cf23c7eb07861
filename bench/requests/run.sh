#!/usr/bin/env bash
# Signature-request figures in one run, on the SoftHSM2 token of a fresh ./run.sh data directory:
#  1. `signing bench pkcs11` on the agency seal key (raw C_Sign per second, THREADS threads);
#  2. `signing bench requests`: REQUESTS requests after WARMUP untimed ones, each submitted by the demo portal, signed
#     by the demo official (his RSA-2048 key on the token, his signing PIN) and sealed by the demo clerk (the agency
#     key, her PIN), CLIENTS clients at a time, against the service that ./run.sh started (SQLite);
#  3. completed requests per second against C_Sign/2 (each request makes two token signatures), and the API
#     process's CPU time per request.
# The load generator runs on the same machine as the service, so both share its cores.
#   THREADS=2 CLIENTS=2 REQUESTS=600 WARMUP=1500 bench/requests/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
threads=${THREADS:-2}
clients=${CLIENTS:-2}
requests=${REQUESTS:-600}
seconds=${SECONDS_PER_RUN:-15}
port=${PORT:-5098}

work=$(mktemp -d)
# shellcheck source=bench/demo-service.sh
. "$root/bench/demo-service.sh"
trap 'stop_demo_service; rm -rf "$work"' EXIT

url="http://127.0.0.1:$port"
# The demo's three pending requests are not seeded, so the figures are this run's requests alone; the per-principal
# signing budget, which submissions and step actions spend, is lifted as for bench/http.
start_demo_service "$root" "$work" "$url" SIGNING_DEMO_SEED=false Limits__SignRequestsPerMinute=100000000
signing() { dotnet "$root/src/Signing.Cli/bin/Release/net10.0/signing.dll" "$@"; }
echo "requests $requests, clients $clients, threads $threads, seal key $SEAL_URI"

pkcs11=$(token_sign_rate "$root" "$work" "$SEAL_URI" "$threads" "$seconds")
echo "$pkcs11"

# The clients first complete WARMUP untimed requests, so the JIT's tiering is done in both processes before the clock
# starts. Under this load the runtime keeps postponing tier-1 compilation while new methods are still being compiled:
# in 300-request windows on a fresh service the API's CPU per request went 23, 21, 21, 18 ms, then 9.8 and 9.0 from the
# 1,200th request on. A load generator started cold also spent a third of its CPU in the JIT, on the cores the service
# signs with.
flow=$(signing bench requests --url "$url" --demo "$work/data/demo.json" --requests "$requests" --clients "$clients" \
  --warmup "${WARMUP:-1500}" --pid "$server_pid")
echo "$flow"

pkcs11_rate=$(echo "$pkcs11" | awk '{print $3}')
flow_rate=$(echo "$flow" | awk '{print $3}')
api_cpu=$(echo "$flow" | sed -n 's/.*service_cpu_ms_per_request: \([0-9.]*\).*/\1/p')
awk -v r="$flow_rate" -v p="$pkcs11_rate" -v c="$api_cpu" \
  'BEGIN { printf "requests/(C_Sign/2): %.1f%%  (goal 25%%)  api cpu per request: %.1f ms\n", 100 * r / (p / 2), c }'
