#!/usr/bin/env bash
# Walks one outgoing document through Decree 30's steps against a service started by ./run.sh:
#   the demo portal submits data/demo-document.pdf routed: official signs -> clerk registers -> clerk seals;
#   the demo official signs with the key the service holds (unlocked by his own signing PIN),
#   the demo clerk registers it (number, symbol, date) and seals it with the agency's key (her signing PIN);
#   the final PDF is written to OUT.pdf. Each step's HTTP status is printed.
#     ./examples/signature-request.sh OUT.pdf        (SIGNING_URL and SIGNING_DATA as for ./run.sh)
# Needs curl and jq.
set -euo pipefail
out=${1:?usage: examples/signature-request.sh OUT.pdf}
root=$(cd "$(dirname "$0")/.." && pwd)
url=${SIGNING_URL:-http://127.0.0.1:5080}
data=${SIGNING_DATA:-$root/data}
demo="$data/demo.json"
for tool in curl jq; do command -v "$tool" >/dev/null || { echo "signature-request.sh: needs $tool" >&2; exit 1; }; done
[ -f "$demo" ] || { echo "signature-request.sh: $demo is missing; start the service with ./run.sh first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
field() { jq -r "$1" "$demo"; }
api_key=$(field .apiKey)
document=$(field .documentPath)

# call NAME METHOD PATH [curl args...]: prints "NAME: STATUS", keeps the body in $work/body, fails on a non-2xx answer.
call() {
  local name=$1 method=$2 path=$3; shift 3
  local status
  status=$(curl -s -o "$work/body" -w '%{http_code}' -X "$method" "$@" "$url$path")
  printf '%-28s %s\n' "$name:" "$status"
  if [ "${status:0:1}" != "2" ]; then jq . "$work/body" >&2 2>/dev/null || cat "$work/body" >&2; exit 1; fi
}

sign_in() { # sign_in JAR USERNAME PASSWORD
  call "sign in as $2" POST /api/v1/auth/login -c "$1" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg u "$2" --arg p "$3" '{username: $u, password: $p}')"
}

# 1. The calling system submits the document with its route.
route=$(jq -n --arg official "$(field .officialUsername)" --arg ref "WALKTHROUGH-$(date +%s)" '{
  title: "Về việc ban hành Quy chế sử dụng chữ ký số trong hoạt động của Ủy ban nhân dân xã",
  documentType: "Quyết định", symbolPattern: "{số}/QĐ-UBND", urgency: "urgent", secrecy: "none", externalRef: $ref,
  route: [ {kind: "sign", assignees: [$official], anchor: "CHỦ TỊCH"},
           {kind: "register", assignees: ["role:clerk"]},
           {kind: "seal", assignees: ["role:clerk"]} ] }')
call "submit" POST /api/v1/signature-requests -H "X-Api-Key: $api_key" -H "Idempotency-Key: $(jq -r .externalRef <<<"$route")" \
  -F "request=$route" -F "document=@$document;type=application/pdf"
id=$(jq -r .id "$work/body")
step() { jq -r --arg k "$1" '.steps[] | select(.kind == $k) | .id' "$work/body"; }
sign_step=$(step sign); register_step=$(step register); seal_step=$(step seal)

# 2. The official looks at the exact revision, then signs it with his signing PIN.
sign_in "$work/official" "$(field .officialUsername)" "$(field .officialPassword)"
call "official reads the request" GET "/api/v1/signature-requests/$id" -b "$work/official"
head=$(jq -r .headSha256 "$work/body")
call "official signs" POST "/api/v1/signature-requests/$id/steps/$sign_step/sign" -b "$work/official" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg h "$head" --arg pin "$(field .officialSigningPin)" '{expectedSha256: $h, pin: $pin}')"

# 3. The clerk registers it (the next number of the year) and seals it with the agency's key.
sign_in "$work/clerk" "$(field .clerkUsername)" "$(field .clerkPassword)"
call "clerk reads the request" GET "/api/v1/signature-requests/$id" -b "$work/clerk"
head=$(jq -r .headSha256 "$work/body")
call "clerk registers" POST "/api/v1/signature-requests/$id/steps/$register_step/register" -b "$work/clerk" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg h "$head" '{expectedSha256: $h}')"
symbol=$(jq -r .symbol "$work/body")
call "clerk seals" POST "/api/v1/signature-requests/$id/steps/$seal_step/seal" -b "$work/clerk" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg h "$head" --arg pin "$(field .clerkSigningPin)" '{expectedSha256: $h, pin: $pin}')"
state=$(jq -r .state "$work/body")

# 4. The issued document.
call "download the issued PDF" GET "/api/v1/signature-requests/$id/document" -H "X-Api-Key: $api_key"
cp "$work/body" "$out"
echo "request $id is $state: số $symbol -> $out"
