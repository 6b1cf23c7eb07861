#!/usr/bin/env bash
# HTTP signing figures in one run, on one SoftHSM2 RSA-2048 key (the demo agency seal):
#  1. `signing bench pkcs11` (raw token signatures per second, THREADS threads);
#  2. `signing bench http` (PAdES B-B PDFs per second through POST /api/v1/sign/pdf, CLIENTS clients) against the
#     service started by ./run.sh on a fresh data directory, with the per-client rate limit lifted;
#  3. the ratio of the two, and the API process's CPU time per signed PDF.
# The load generator runs on the same machine as the service, so both share its cores.
# Needs softhsm2, poppler-utils, qpdf and the .NET SDK.
#   THREADS=2 CLIENTS=2 SECONDS_PER_RUN=15 bench/http/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
threads=${THREADS:-2}
clients=${CLIENTS:-2}
seconds=${SECONDS_PER_RUN:-15}
port=${PORT:-5099}

for tool in pdftocairo qpdf; do
  command -v "$tool" >/dev/null || { echo "run.sh: needs $tool (poppler-utils, qpdf)" >&2; exit 1; }
done

work=$(mktemp -d)
# shellcheck source=bench/demo-service.sh
. "$root/bench/demo-service.sh"
trap 'stop_demo_service; rm -rf "$work"' EXIT

# shellcheck source=bench/sketch-pdf.sh
. "$root/bench/sketch-pdf.sh"
ten_page_pdf "$work" "$work/doc10.pdf"

url="http://127.0.0.1:$port"
start_demo_service "$root" "$work" "$url" Limits__SignRequestsPerMinute=100000000
api_key=$(grep -o 'sk_[A-Za-z0-9_-]*' "$work/run.log" | head -1)
key_id=$(awk '$1=="Demo" && $2=="seal" {print $4}' "$work/run.log")
signing() { dotnet "$root/src/Signing.Cli/bin/Release/net10.0/signing.dll" "$@"; }
echo "10-page input: $(stat -c %s "$work/doc10.pdf") bytes, key $SEAL_URI, threads $threads, clients $clients, seconds $seconds"

# Warm-up, so the JIT's tiering is done before anything is measured.
signing bench http --url "$url" --api-key "$api_key" --key-id "$key_id" --file "$work/doc10.pdf" --clients "$clients" --seconds 10 >/dev/null

pkcs11=$(token_sign_rate "$root" "$work" "$SEAL_URI" "$threads" "$seconds")
echo "$pkcs11"

ticks_before=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
http=$(signing bench http --url "$url" --api-key "$api_key" --key-id "$key_id" --file "$work/doc10.pdf" --clients "$clients" --seconds "$seconds")
ticks_after=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
echo "$http"
errors=$(echo "$http" | awk '{print $NF}')
if [ "$errors" != "0" ]; then
  echo "run.sh: $errors requests failed during the measurement; the rate above is not a clean figure" >&2
  exit 1
fi

pkcs11_rate=$(echo "$pkcs11" | awk '{print $3}')
http_rate=$(echo "$http" | awk '{print $4}')
awk -v h="$http_rate" -v p="$pkcs11_rate" -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v s="$seconds" \
  'BEGIN { printf "http/pkcs11: %.1f%%  api cpu per signed pdf: %.2f ms\n", 100 * h / p, 1000 * t / hz / (h * s) }'
