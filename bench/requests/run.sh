#!/usr/bin/env bash
# Signature-request figures in one run, on the SoftHSM2 token of a fresh ./run.sh data directory:
#  1. `signing bench pkcs11` on the agency seal key (raw C_Sign per second, THREADS threads);
#  2. `signing bench requests`: REQUESTS requests, each submitted by the demo portal, signed by the demo official
#     (his RSA-2048 key on the token, his signing PIN) and sealed by the demo clerk (the agency key, her PIN),
#     CLIENTS clients at a time, against the service that ./run.sh started (SQLite);
#  3. completed requests per second against C_Sign/2 (each request makes two token signatures), and the API
#     process's CPU time per request.
# The load generator runs on the same machine as the service, so both share its cores.
#   THREADS=2 CLIENTS=2 REQUESTS=600 WARMUP=600 bench/requests/run.sh
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

# Warm-up, so the JIT's tiering is done before anything is measured: a request runs through hundreds of methods once
# each: with 40 requests the profile still showed a fifth of the API's CPU compiling, and after 300 the CPU per
# request measured was still a third higher than after 600.
signing bench requests --url "$url" --demo "$work/data/demo.json" --requests "${WARMUP:-600}" --clients "$clients" >/dev/null

pkcs11=$(token_sign_rate "$root" "$work" "$SEAL_URI" "$threads" "$seconds")
echo "$pkcs11"

ticks_before=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
flow=$(signing bench requests --url "$url" --demo "$work/data/demo.json" --requests "$requests" --clients "$clients")
ticks_after=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
echo "$flow"

pkcs11_rate=$(echo "$pkcs11" | awk '{print $3}')
flow_rate=$(echo "$flow" | awk '{print $3}')
completed=$(echo "$flow" | awk '{print $5}')
awk -v r="$flow_rate" -v p="$pkcs11_rate" -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v n="$completed" \
  'BEGIN { printf "requests/(C_Sign/2): %.1f%%  (goal 25%%)  api cpu per request: %.1f ms\n", 100 * r / (p / 2), 1000 * t / hz / n }'
