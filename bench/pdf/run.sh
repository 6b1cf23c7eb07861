#!/usr/bin/env bash
# PDF signing figures, in one run on one SoftHSM2 RSA-2048 key:
#  1. `signing bench pdf` (PAdES B-B per second on a 10-page text PDF) next to `signing bench pkcs11` (raw token
#     signatures per second), same key, same thread count;
#  2. peak RSS of `signing sign pdf` on a ~200 MB PDF (made in a temp dir, deleted afterwards), via /usr/bin/time -v.
# Inputs are written by poppler's cairo backend (pdftocairo) after qpdf rebuilds a sketch, not by our writer.
# Needs softhsm2, poppler-utils, qpdf, time and the .NET SDK.
#   THREADS=2 SECONDS_PER_RUN=5 BIG_MB=200 bench/pdf/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
module=${SIGNING_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
threads=${THREADS:-2}
seconds=${SECONDS_PER_RUN:-5}
big_mb=${BIG_MB:-200}

for tool in pdftocairo qpdf /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "run.sh: needs $tool (poppler-utils, qpdf, time)" >&2; exit 1; }
done
[ -f "$module" ] || { echo "run.sh: no PKCS#11 module at $module (install softhsm2)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build "$root/src/Signing.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$work/cli" >/dev/null
signing() { dotnet "$work/cli/signing.dll" "$@"; }

mkdir -p "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" > "$work/softhsm2.conf"
export SOFTHSM2_CONF="$work/softhsm2.conf" SIGNING_PKCS11_MODULE="$module"
export SIGNING_PIN=246813 SIGNING_SO_PIN=13572468
signing token init --slot 0 --label bench >/dev/null
signing devpki init --dir "$work/pki" --token bench --base-url http://127.0.0.1:9 >/dev/null
uri="pkcs11:token=bench;object=official;type=private"

# shellcheck source=bench/sketch-pdf.sh
. "$root/bench/sketch-pdf.sh"

ten_page_pdf "$work" "$work/doc10.pdf"
echo "10-page input: $(stat -c %s "$work/doc10.pdf") bytes, key $uri, threads $threads, seconds $seconds"

signing bench pdf --key "$uri" --chain "$work/pki/chain.pem" --file "$work/doc10.pdf" --threads "$threads" --seconds "$seconds"
pkcs11=$(signing bench pkcs11 --key "$uri" --threads "$threads" --seconds "$seconds")
echo "${pkcs11%%$'\n'*}"

# The big file: one page whose content stream carries BIG_MB of PDF comment lines, written with a correct xref
# table here (a qpdf rebuild of 200 MB of comments takes minutes).
big="$work/big.pdf"
offsets=()
obj() { offsets+=("$(stat -c %s "$big")"); printf '%d 0 obj\n' "${#offsets[@]}" >> "$big"; cat >> "$big"; printf '\nendobj\n' >> "$big"; }
printf '%%PDF-1.7\n' > "$big"
# obj reads the body from stdin; redirection (not a pipe) keeps it in this shell so offsets accumulate.
obj < <(printf '<< /Type /Catalog /Pages 2 0 R >>')
obj < <(printf '<< /Type /Pages /Kids [3 0 R] /Count 1 >>')
obj < <(printf '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>')
lines=$((big_mb * 1024 * 1024 / 64))
text="BT /F1 12 Tf 72 760 Td (Big document) Tj ET"
obj < <(printf '<< /Length %d >>\nstream\n' $((lines * 64 + ${#text})); { yes '%..............................................................' | head -n "$lines" || true; }; printf '%s\nendstream' "$text")
obj < <(printf '<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>')
xref=$(stat -c %s "$big")
{ printf 'xref\n0 %d\n0000000000 65535 f\r\n' $((${#offsets[@]} + 1)); for o in "${offsets[@]}"; do printf '%010d 00000 n\r\n' "$o"; done
  printf 'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' $((${#offsets[@]} + 1)) "$xref"; } >> "$big"
echo "big input: $(stat -c %s "$work/big.pdf") bytes"
/usr/bin/time -v dotnet "$work/cli/signing.dll" sign pdf "$work/big.pdf" "$work/big-signed.pdf" --key "$uri" --chain "$work/pki/chain.pem" \
  2> "$work/time.txt" >/dev/null || { cat "$work/time.txt" >&2; exit 1; }
grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$work/time.txt"
echo "big signed: $(stat -c %s "$work/big-signed.pdf") bytes"
if command -v pdfsig >/dev/null; then pdfsig "$work/big-signed.pdf" 2>&1 | grep "Signature Validation"; fi
