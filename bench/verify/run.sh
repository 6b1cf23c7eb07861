#!/usr/bin/env bash
# PDF validation figures in one run:
#  1. a 10-page PAdES B-LT PDF (dev PKI, one signer, signature timestamp, OCSP in the DSS), written by poppler's cairo
#     backend after qpdf rebuilds a sketch, then signed by `signing sign pdf --level B-LT` against `devpki serve`;
#  2. `signing verify pdf --offline --repeat N --threads T` (PDFs validated per second, one shared validator) at
#     1 and 2 threads;
#  3. beside each, the raw RSA-2048 verify rate of OpenSSL (`openssl speed rsa2048`, -multi T) on the same machine in
#     the same run, since a validation is a parse, a digest and about five RSA verifications.
# Needs poppler-utils, qpdf, openssl and the .NET SDK.
#   REPEAT=20000 SECONDS_PER_RUN=3 PORT=18931 bench/verify/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
repeat=${REPEAT:-20000}
seconds=${SECONDS_PER_RUN:-3}
port=${PORT:-18931}

for tool in pdftocairo qpdf openssl; do
  command -v "$tool" >/dev/null || { echo "run.sh: needs $tool (poppler-utils, qpdf, openssl)" >&2; exit 1; }
done

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build "$root/src/Signing.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$work/cli" >/dev/null
signing() { dotnet "$work/cli/signing.dll" "$@"; }

# shellcheck source=bench/sketch-pdf.sh
. "$root/bench/sketch-pdf.sh"
ten_page_pdf "$work" "$work/doc10.pdf"

signing devpki init --out "$work/pki" --base-url "http://127.0.0.1:$port" >/dev/null
# Started directly (not through the shell function) so that $! is the server process itself.
dotnet "$work/cli/signing.dll" devpki serve --dir "$work/pki" --port "$port" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/ca.cer" 2>/dev/null && break
  sleep 0.2
done
cat "$work/pki/official.pem" "$work/pki/official.key" > "$work/official-key.pem"
signing sign pdf "$work/doc10.pdf" "$work/signed.pdf" --key "$work/official-key.pem" --chain "$work/pki/chain.pem" \
  --level B-LT --tsa "http://127.0.0.1:$port/tsa" >/dev/null
kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
server_pid=""

verdict=$(signing verify pdf "$work/signed.pdf" --trust "$work/pki/root.pem" --offline | head -1)
echo "input: 10 pages, $(stat -c %s "$work/signed.pdf") bytes, B-LT; verdict: $verdict"

for threads in 1 2; do
  line=$(signing verify pdf "$work/signed.pdf" --trust "$work/pki/root.pem" --offline --repeat "$repeat" --threads "$threads" 2>&1 >/dev/null | tail -1)
  pdfs=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) PDFs\/s.*/\1/p')
  raw=$(openssl speed -seconds "$seconds" -multi "$threads" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $NF}')
  gc=$(echo "$line" | sed -n "s/.*, \([0-9.]*%\) of the time paused for GC.*/\1/p")
  echo "threads $threads: verify pdf $pdfs PDFs/s (GC pauses $gc); openssl rsa2048 verify $raw/s (raw)"
done
