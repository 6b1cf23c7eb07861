#!/usr/bin/env bash
# Compares `signing bench pkcs11` with the token's raw C_Sign rate (raw_sign.c) on the same
# module and the same RSA-2048 key, in one run: builds the C loop and the CLI, makes a temp
# SoftHSM2 token and key through our CLI, runs raw and managed alternately, prints both
# figures, managed/raw and the managed bytes allocated per signature. Needs gcc, libp11-kit-dev, softhsm2 and the .NET SDK.
#   THREADS=2 SECONDS_PER_RUN=5 ROUNDS=2 bench/pkcs11/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
module=${SIGNING_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
threads=${THREADS:-2}
seconds=${SECONDS_PER_RUN:-5}
rounds=${ROUNDS:-2}

[ -f /usr/include/p11-kit-1/p11-kit/pkcs11.h ] || { echo "run.sh: needs libp11-kit-dev (pkcs11.h)" >&2; exit 1; }
[ -f "$module" ] || { echo "run.sh: no PKCS#11 module at $module (install softhsm2)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gcc -O2 -Wall -I/usr/include/p11-kit-1 -o "$work/raw_sign" "$here/raw_sign.c" -ldl -lpthread
dotnet build "$root/src/Signing.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$work/cli" >/dev/null
signing() { dotnet "$work/cli/signing.dll" "$@"; }

mkdir -p "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" > "$work/softhsm2.conf"
export SOFTHSM2_CONF="$work/softhsm2.conf" SIGNING_PKCS11_MODULE="$module"
export SIGNING_PIN=246813 SIGNING_SO_PIN=13572468
signing token init --slot 0 --label bench >/dev/null
uri=$(signing key generate --token bench --label bench-rsa2048 --algorithm rsa2048)
echo "key: $uri  threads: $threads  seconds per run: $seconds  rounds: $rounds"

raw_total=0; managed_total=0; bytes_per_op=""
for round in $(seq "$rounds"); do
  raw=$("$work/raw_sign" "$module" bench bench-rsa2048 "$threads" "$seconds" | sed -n 's/^raw sign\/s: //p')
  report=$(signing bench pkcs11 --key "$uri" --threads "$threads" --seconds "$seconds")
  managed=$(echo "$report" | sed -n 's/^pkcs11 sign\/s: //p')
  bytes=$(echo "$report" | sed -n 's/^pkcs11 bytes\/op: //p')
  echo "round $round: raw C_Sign/s: $raw  signing bench pkcs11 sign/s: $managed  bytes/op: $bytes"
  raw_total=$((raw_total + raw)); managed_total=$((managed_total + managed)); bytes_per_op="$bytes_per_op $bytes"
done

raw_avg=$((raw_total / rounds)); managed_avg=$((managed_total / rounds))
echo "raw sign/s: $raw_avg"
echo "pkcs11 sign/s: $managed_avg"
awk -v m="$managed_avg" -v r="$raw_avg" 'BEGIN { printf "ratio managed/raw: %.3f\n", m / r }'
# Managed allocations per signature (process-wide over the measured window), highest round.
echo "$bytes_per_op" | tr ' ' '\n' | sed '/^$/d' | sort -g | tail -1 | sed 's/^/pkcs11 bytes\/op (max of rounds): /'
