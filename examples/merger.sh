#!/usr/bin/env bash
# The merger wizard end to end, against a service started by ./run.sh:
#   1. makes two extra demo communes with ten staff each ('signing demo communes'); each commune's certificate admin
#      imports its agency certificate and its staff's certificates (issued by the dev CA) into the inventory;
#   2. the demo admin runs the merger wizard: the demo commune and the two new ones become one new commune, with a
#      per-person mapping (CSV) of new unit, position and e-mail; the plan's counts are printed; confirming makes the
#      dossier;
#   3. the demo head (the demo official) signs the dossier through the signature-request flow, with his signing PIN;
#      the admin records it as submitted under a dispatch number;
#   4. the GCC's answers, made with the dev CA: each change of information reissued for the same key under the new
#      subject ('signing devpki reissue'), the other agency certificates revoked ('signing devpki revoke'); importing
#      them closes every item, and the agencies are merged;
#   5. the signed dossier PDF and its CSV are written into OUTDIR.
#     ./examples/merger.sh OUTDIR        (SIGNING_URL and SIGNING_DATA as for ./run.sh)
# Needs curl and jq. Each run makes two more communes (codes 000.00.90.H42 to .98 while free) and merges them in.
set -euo pipefail
out=${1:?usage: examples/merger.sh OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
url=${SIGNING_URL:-http://127.0.0.1:5080}
data=${SIGNING_DATA:-$root/data}
demo="$data/demo.json"
cli_dll="$root/src/Signing.Cli/bin/Release/net10.0/signing.dll"
for tool in curl jq dotnet; do command -v "$tool" >/dev/null || { echo "merger.sh: needs $tool" >&2; exit 1; }; done
[ -f "$demo" ] || { echo "merger.sh: $demo is missing; start the service with ./run.sh first" >&2; exit 1; }
[ -f "$cli_dll" ] || { echo "merger.sh: $cli_dll is missing; ./run.sh builds it" >&2; exit 1; }
export Storage__DataDirectory="$data"
cli() { dotnet "$cli_dll" "$@"; }

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
field() { jq -r "$1" "$demo"; }

# call NAME METHOD PATH [curl args...]: prints "NAME: STATUS", keeps the body in $work/body, fails on a non-2xx answer.
call() {
  local name=$1 method=$2 path=$3; shift 3
  local status
  status=$(curl -s -o "$work/body" -w '%{http_code}' -X "$method" "$@" "$url$path")
  printf '%-44s %s\n' "$name:" "$status"
  if [ "${status:0:1}" != "2" ]; then jq . "$work/body" >&2 2>/dev/null || cat "$work/body" >&2; exit 1; fi
}
sign_in() { # sign_in JAR USERNAME PASSWORD
  call "sign in as $2" POST /api/v1/auth/login -c "$1" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg u "$2" --arg p "$3" '{username: $u, password: $p}')"
}
json() { printf '%s' "$1" | jq -c .; }

# 1. Two communes beside the demo one, their inventories imported by their own certificate admins.
echo "== 1. two demo communes with ten staff each"
cli demo communes --data "$data" --pki "$data/pki" --out "$work/communes" --count 2 --staff 10
communes="$work/communes/communes.json"
jars=("$work/admin")
sign_in "$work/admin" "$(field .adminUsername)" "$(field .adminPassword)"
demo_agency=$(field .agencyId)
call "demo commune's current code" GET "/api/v1/agencies/$demo_agency/history" -b "$work/admin"
codes=("$(jq -r .code "$work/body")")
agency_ids=("$demo_agency")
for i in $(seq 0 $(( $(jq '.communes | length' "$communes") - 1 ))); do
  c() { jq -r ".communes[$i].$1" "$communes"; }
  jar="$work/commune$i"
  jars+=("$jar"); codes+=("$(c code)"); agency_ids+=("$(c agencyId)")
  sign_in "$jar" "$(c adminUsername)" "$(c adminPassword)"
  call "$(c code): import the agency certificate" POST /api/v1/certificates/import/file -b "$jar" \
    -F "file=@$(c agencyPem);type=application/x-pem-file" -F kind=agency
  call "$(c code): import the staff's certificates" POST /api/v1/certificates/import/table -b "$jar" \
    -F "file=@$(c staffCsv);type=text/csv"
  echo "   added $(jq .added "$work/body"), rejected $(jq .rejected "$work/body")"
done

# 2. The wizard: the merging communes, the new one, and who moves where (everyone moves; units are redistributed).
echo "== 2. the merger wizard"
new_code=$(jq -r .freeCode "$communes")
new_name="ỦY BAN NHÂN DÂN XÃ HÒA AN"
call "plan the merger" POST /api/v1/mergers -b "$work/admin" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg code "$new_code" --arg name "$new_name" --args '{agencyCodes: $ARGS.positional,
        newAgency: {name: $name, province: "Tỉnh Phú Thọ", code: $code, parentBody: "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ"}}' "${codes[@]}")"
merger=$(jq -r .id "$work/body")
echo "username,action,unit,position,email" > "$work/mapping.csv"
for i in "${!agency_ids[@]}"; do
  call "people of ${codes[$i]}" GET "/api/v1/agencies/${agency_ids[$i]}/users" -b "${jars[$i]}"
  jq -r --arg host "hoaan.demo.gov.vn" '
    ["Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Trung tâm Phục vụ hành chính công"] as $units
    | to_entries[] | .key as $n | .value | select(.disabled | not)
    | [.username, "move", $units[$n % 4], (.title // "Công chức"), "\(.username)@\($host)"] | @csv' "$work/body" >> "$work/mapping.csv"
done
call "import the mapping ($(( $(wc -l < "$work/mapping.csv") - 1 )) people)" POST "/api/v1/mergers/$merger/mapping" -b "$work/admin" \
  -F "file=@$work/mapping.csv;type=text/csv"
echo "   plan: $(jq -c .plan.counts "$work/body")"
jq -r '.plan.flags[] | "   flagged: \(.username // "-"): \(.problem)"' "$work/body"
jq -r '.plan.items[] | select(.certificateKind == "agency") | "   \(.kind) \(.agencyCode): \(.subjectBefore)\n      -> \(.subjectAfter // "(revoked)")"' "$work/body"
call "confirm: make the dossier" POST "/api/v1/mergers/$merger/confirm" -b "$work/admin"
dossier=$(jq -r .dossierId "$work/body")

# 3. The head signs the dossier's PDF in the signature-request flow; the admin submits it.
echo "== 3. the head signs"
call "send the dossier to the head" POST "/api/v1/dossiers/$dossier/send" -b "$work/admin" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg head "$(field .officialUsername)" '{head: $head}')"
request=$(jq -r .signatureRequestId "$work/body")
sign_in "$work/official" "$(field .officialUsername)" "$(field .officialPassword)"
call "head reads the request" GET "/api/v1/signature-requests/$request" -b "$work/official"
step=$(jq -r '.steps[] | select(.kind == "sign") | .id' "$work/body")
call "head signs" POST "/api/v1/signature-requests/$request/steps/$step/sign" -b "$work/official" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg h "$(jq -r .headSha256 "$work/body")" --arg pin "$(field .officialSigningPin)" '{expectedSha256: $h, pin: $pin}')"
call "submit under dispatch 01/UBND-VP" POST "/api/v1/dossiers/$dossier/submit" -b "$work/admin" -H 'Content-Type: application/json' \
  -d '{"dispatchNumber": "01/UBND-VP"}'
echo "   state $(jq -r .state "$work/body"), due $(jq -r .dueDate "$work/body")"
call "download the signed PDF" GET "/api/v1/dossiers/$dossier/pdf" -b "$work/admin"
cp "$work/body" "$out/ho-so-sap-nhap.pdf"
call "download the CSV" GET "/api/v1/dossiers/$dossier/csv" -b "$work/admin"
cp "$work/body" "$out/ho-so-sap-nhap.csv"

# 4. The GCC's answers from the dev CA. Each certificate is read by the admin of the agency that holds it.
echo "== 4. the GCC's answers"
call "the dossier's items" GET "/api/v1/dossiers/$dossier" -b "$work/admin"
cp "$work/body" "$work/dossier.json"
fetch_pem() { # fetch_pem CERTIFICATE_ID FILE: tries each agency's admin
  local jar
  for jar in "${jars[@]}"; do
    if [ "$(curl -s -o "$2" -w '%{http_code}' -b "$jar" "$url/api/v1/certificates/$1/pem")" = 200 ]; then return 0; fi
  done
  echo "merger.sh: certificate $1 is not readable" >&2; exit 1
}
: > "$work/answers.pem"
reissued=0 revoked=0
while IFS=$'\t' read -r kind certificate subject; do
  fetch_pem "$certificate" "$work/old.pem"
  if [ "$kind" = change-info ]; then
    cli devpki reissue --dir "$data/pki" --cert "$work/old.pem" --subject "$subject" --out "$work/new.pem" >/dev/null
    cat "$work/new.pem" >> "$work/answers.pem"
    reissued=$((reissued + 1))
  else
    cli devpki revoke --dir "$data/pki" --cert "$work/old.pem" --reason cessationOfOperation >/dev/null
    revoked=$((revoked + 1))
  fi
done < <(jq -r '.items[] | [.kind, .certificateId, (.subjectAfter // "")] | @tsv' "$work/dossier.json")
cat "$data/pki/ca.pem" >> "$work/answers.pem"
echo "   dev CA: $reissued certificates reissued, $revoked revoked"
call "import the answers" POST "/api/v1/dossiers/$dossier/answers" -b "$work/admin" -F "file=@$work/answers.pem;type=application/x-pem-file"
echo "   matched $(jq .matched "$work/body"), revocations closed $(jq .revocationsClosed "$work/body"), open $(jq .open "$work/body"), dossier $(jq -r .dossierState "$work/body"), merged $(jq .mergerCompleted "$work/body")"
call "the merged commune" GET "/api/v1/agencies/$demo_agency/history" -b "$work/admin"
echo "   $(jq -r '"\(.name) (\(.code)); earlier: \([.versions[] | "\(.name) (\(.code))"] | join("; "))"' "$work/body")"

echo "== 5. written: $out/ho-so-sap-nhap.pdf and $out/ho-so-sap-nhap.csv"
