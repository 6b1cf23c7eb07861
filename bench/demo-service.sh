# Sourced by the bench drivers that measure the running service: starts ./run.sh on a fresh data directory and
# measures the token in the same run.
# start_demo_service ROOT WORK URL [VAR=VALUE...]: starts ./run.sh with SIGNING_DATA=WORK/data and SIGNING_URL=URL
# (plus the given environment) and waits until it serves; sets api_pid (the run.sh process, stopped by
# stop_demo_service) and server_pid (the API process, for its CPU time), and sources WORK/data/demo-keys.env.
start_demo_service() {
  local root=$1 work=$2 url=$3
  shift 3
  env SIGNING_DATA="$work/data" SIGNING_URL="$url" "$@" "$root/run.sh" > "$work/run.log" 2>&1 &
  api_pid=$!
  for _ in $(seq 1 300); do
    grep -q "Demo seal key" "$work/run.log" 2>/dev/null && break
    kill -0 "$api_pid" 2>/dev/null || { cat "$work/run.log" >&2; echo "bench: the service did not start" >&2; exit 1; }
    sleep 1
  done
  # shellcheck disable=SC1091
  . "$work/data/demo-keys.env"
  server_pid=$(pgrep -f "Signing.Api.dll --urls $url" | head -1)
}

stop_demo_service() {
  if [ -n "${api_pid:-}" ]; then kill -TERM "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
}

# token_sign_rate ROOT WORK KEY_URI THREADS SECONDS: the first line of `signing bench pkcs11` on the service's token.
token_sign_rate() {
  local out
  out=$(SOFTHSM2_CONF="$2/data/softhsm/softhsm2.conf" SIGNING_PKCS11_MODULE="${SIGNING_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}" \
    dotnet "$1/src/Signing.Cli/bin/Release/net10.0/signing.dll" bench pkcs11 --key "$3" --pin-file "$2/data/secrets/token-pin" \
    --threads "$4" --seconds "$5")
  echo "${out%%$'\n'*}"
}
