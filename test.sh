#!/usr/bin/env bash
# Installs the tools the tests need, runs every test project, and prints
# "tests: N passed, M failed" counted from the TRX results.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v softhsm2-util >/dev/null 2>&1 || missing+=(softhsm2)
command -v pkcs11-tool   >/dev/null 2>&1 || missing+=(opensc)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v pdfsig        >/dev/null 2>&1 || missing+=(poppler-utils)
command -v qpdf          >/dev/null 2>&1 || missing+=(qpdf)
command -v openssl       >/dev/null 2>&1 || missing+=(openssl)
[ -f /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf ] || missing+=(fonts-liberation)
# Liberation Serif 1.07 lacks some precomposed Vietnamese letters; appearances fall back to DejaVu Serif for them.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || missing+=(fonts-dejavu-core)
# The PIN-policy tests build a small PKCS#11 shim module in C.
command -v gcc           >/dev/null 2>&1 || missing+=(gcc libc6-dev)
[ -f /usr/include/p11-kit-1/p11-kit/pkcs11.h ] || missing+=(libp11-kit-dev)
# The web app's browser tests drive Debian's Chromium (Playwright's own browser download cannot work here).
command -v chromium      >/dev/null 2>&1 || missing+=(chromium)
# The build installs the web app's PDF preview (pdfjs-dist) with npm ci.
command -v npm           >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: missing test tools: ${missing[*]}" >&2
    echo "test.sh: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="$PWD/TestResults"
rm -rf "$results"

# The fuzz tests (PDF reader, CMS/OCSP/TSP/CRL decoders, multipart reader) run a fixed seed and this one, 10,000 inputs
# each (SIGNING_FUZZ_INPUTS). A finding names its seed and input; SIGNING_FUZZ_SEED=N ./test.sh repeats the run.
export SIGNING_FUZZ_SEED="${SIGNING_FUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
echo "test.sh: fuzz seeds 20261206 (fixed) and ${SIGNING_FUZZ_SEED} (SIGNING_FUZZ_SEED)"

dotnet build Signing.sln -nologo -v quiet -clp:ErrorsOnly

# Formatting and the style rules of .editorconfig: a change that `dotnet format` would rewrite fails the run (the
# files are named here); the tests still run so that their counts are reported.
format_status=0
dotnet format Signing.sln --verify-no-changes --no-restore -v quiet || format_status=$?

status=0
dotnet test Signing.sln --no-build -nologo \
  --logger "trx;LogFilePrefix=run" \
  --results-directory "$results" \
  --blame-hang-timeout 10m || status=$?

passed=0; failed=0; total=0
shopt -s nullglob globstar
for trx in "$results"/**/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$((total + $(get total)))
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
done
# Tests that never reported (crashed host, hang) count as failed.
notrun=$((total - passed - failed))
[ $notrun -gt 0 ] && failed=$((failed + notrun))

# Each fuzz run logs one line (inputs, outcomes, inputs per second, worst time and allocation); show them together.
grep -ho 'fuzz [a-z0-9]* seed [0-9]*: [^<]*findings' "$results"/**/*.trx 2>/dev/null | sort || true

if [ "$format_status" -ne 0 ]; then
  echo "test.sh: the code is not formatted; run 'dotnet format Signing.sln' and commit the result" >&2
fi
echo "tests: ${passed} passed, ${failed} failed"
if [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ] || [ "$format_status" -ne 0 ]; then
  exit 1
fi
