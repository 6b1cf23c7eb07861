#!/usr/bin/env bash
# Starts the signing service on the embedded defaults: SQLite, a SoftHSM2 dev token and the dev PKI,
# all created under ./data/ on first run and reused afterwards.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$PWD"
DATA="${SIGNING_DATA:-$ROOT/data}"
URL="${SIGNING_URL:-http://127.0.0.1:5080}"
MODULE="${SIGNING_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"

missing=()
{ [ -f "$MODULE" ] && command -v softhsm2-util >/dev/null 2>&1; } || missing+=(softhsm2)
# The build installs the web app's PDF preview (pdfjs-dist) with npm.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "run.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "run.sh: missing ${missing[*]}. Install with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "run.sh: the .NET 10 SDK is missing (https://dotnet.microsoft.com/download)." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "run.sh: building"
dotnet build src/Signing.Cli/Signing.Cli.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build src/Signing.Api/Signing.Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
CLI="dotnet $ROOT/src/Signing.Cli/bin/Release/net10.0/signing.dll"
API="$ROOT/src/Signing.Api/bin/Release/net10.0/Signing.Api.dll"

mkdir -p "$DATA/secrets" "$DATA/softhsm/tokens"
chmod 700 "$DATA/secrets"
export SOFTHSM2_CONF="$DATA/softhsm/softhsm2.conf"
export SIGNING_PKCS11_MODULE="$MODULE"
export Storage__DataDirectory="$DATA"

if [ ! -f "$DATA/.initialised" ]; then
  echo "run.sh: first run, creating $DATA"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$DATA/softhsm/tokens" > "$SOFTHSM2_CONF"
  # Dev PINs are random per installation and kept in data/secrets (0600), never in the repository.
  [ -f "$DATA/secrets/token-pin" ] || (umask 077; head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DATA/secrets/token-pin")
  [ -f "$DATA/secrets/token-so-pin" ] || (umask 077; head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DATA/secrets/token-so-pin")
  export SIGNING_PIN_FILE="$DATA/secrets/token-pin"
  SIGNING_SO_PIN="$(cat "$DATA/secrets/token-so-pin")" SIGNING_PIN="$(cat "$DATA/secrets/token-pin")" \
    $CLI token init --slot 0 --label dev
  SIGNING_PIN="$(cat "$DATA/secrets/token-pin")" $CLI devpki init --dir "$DATA/pki" --token dev --base-url "$URL/dev-pki" \
    | tee "$DATA/devpki-init.txt"
  # devpki prints "  <name> key on token: <URI>  (certificate …)"; keep the URIs for later runs.
  {
    echo "SEAL_URI='$(awk '$1=="agency" && $2=="key" {print $5}' "$DATA/devpki-init.txt")'"
    echo "OFFICIAL_URI='$(awk '$1=="official" && $2=="key" {print $5}' "$DATA/devpki-init.txt")'"
  } > "$DATA/demo-keys.env"
  touch "$DATA/.initialised"
fi

# The token key that signs checkpoints of the audit chain (older data directories get one on their next run).
if ! grep -q '^AUDIT_URI=' "$DATA/demo-keys.env" 2>/dev/null; then
  AUDIT_URI="$(SIGNING_PIN="$(cat "$DATA/secrets/token-pin")" $CLI key generate --token dev --label audit-checkpoints --algorithm ecp256 | tail -1)"
  echo "AUDIT_URI='$AUDIT_URI'" >> "$DATA/demo-keys.env"
fi

# Registering the demo keys is idempotent (by certificate), so older data directories get them too.
KEY_OPTIONS=()
if [ -f "$DATA/demo-keys.env" ]; then
  # shellcheck disable=SC1091
  . "$DATA/demo-keys.env"
  [ -n "${SEAL_URI:-}" ] && KEY_OPTIONS+=(--seal-key "$SEAL_URI" --seal-cert "$DATA/pki/agency.token.pem")
  [ -n "${OFFICIAL_URI:-}" ] && KEY_OPTIONS+=(--official-key "$OFFICIAL_URI" --official-cert "$DATA/pki/official.token.pem")
  KEY_OPTIONS+=(--chain "$DATA/pki/ca.pem")
fi
DEMO="$($CLI demo init --data "$DATA" "${KEY_OPTIONS[@]}")"
API_KEY="$(echo "$DEMO" | tail -1)"
SEAL_KEY_ID="$(echo "$DEMO" | awk '$1=="Seal" {print $3}')"

echo "run.sh: starting the API on $URL"
# The API logs in to the dev token with the PIN from data/secrets/token-pin; the PIN never enters configuration values.
ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
DevPki__Directory="$DATA/pki" \
Pkcs11__Module="$MODULE" \
Pkcs11__Tokens__0__Label=dev \
Pkcs11__Tokens__0__PinFile="$DATA/secrets/token-pin" \
Verification__TrustAnchorsFile="$DATA/pki/root.pem" \
Audit__CheckpointKey="${AUDIT_URI:-}" \
Demo__Seed="${SIGNING_DEMO_SEED:-true}" \
  dotnet "$API" --urls "$URL" --contentRoot "$(dirname "$API")" --webroot "$ROOT/src/Signing.Api/wwwroot" &
API_PID=$!
trap 'kill -TERM $API_PID 2>/dev/null; wait $API_PID' INT TERM

# curl is not on every fresh machine; bash's /dev/tcp is.
ready() {
  local hostport="${URL#http://}"; hostport="${hostport%%/*}"
  { exec 3<>"/dev/tcp/${hostport%%:*}/${hostport##*:}"; } 2>/dev/null || return 1
  printf 'GET /health/ready HTTP/1.0\r\nHost: %s\r\n\r\n' "$hostport" >&3
  local status; read -r _ status _ <&3 || true
  exec 3>&-
  [ "$status" = "200" ]
}
for _ in $(seq 1 120); do
  if ready; then break; fi
  if ! kill -0 $API_PID 2>/dev/null; then echo "run.sh: the API exited during start-up" >&2; exit 1; fi
  sleep 1
done

cat <<INFO

  Signing service: $URL   (ready: $URL/health/ready)
  Web app:         $URL/   (sign in as 'chutich', 'vanthu' or 'quantri'; passwords in $DATA/demo.json)
  Demo API key:    $API_KEY
  Demo seal key:   ${SEAL_KEY_ID:-none} (granted to demo-portal)
  Demo people:     see $DATA/demo.json (official 'chutich', clerk 'vanthu', admin 'quantri')

  Try next:
    curl -s -H "X-Api-Key: $API_KEY" $URL/api/v1/auth/me
    curl -s -H "X-Api-Key: $API_KEY" $URL/api/v1/keys
    curl -s -H "X-Api-Key: $API_KEY" $URL/openapi/v1.json | head -c 400
    curl -s -H "X-Api-Key: $API_KEY" -H 'Content-Type: application/pdf' --data-binary @in.pdf \
      "$URL/api/v1/sign/pdf?keyId=${SEAL_KEY_ID:-KEY}&reason=Demo" -o signed.pdf && pdfsig signed.pdf

  Stop with Ctrl+C.
INFO
wait $API_PID
