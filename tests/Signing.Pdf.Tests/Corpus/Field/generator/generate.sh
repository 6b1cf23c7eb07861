#!/bin/bash
# Regenerates the field corpus in ../ (PDFs, field-root.pem, stranger-root.pem, field.crl.pem): documents signed and
# changed by other tools, for the classes of issue 15 (algorithms, integrity, changes after signing, hybrid reference
# files, encrypted files). Expected verdicts are in ../expected-outcomes.txt.
# Needs: openssl, python3, qpdf, poppler-utils (pdfsig), libnss3-tools (certutil, pk12util), default-jdk-headless,
#        libpdfbox2-java, libbcpkix-java.
# OpenSSL 3.0 cannot put EdDSA, SHA-3 ECDSA/DSA or SHA-3 PSS into CMS ("no default digest", "unsupported signature
# algorithm"), so those come from the PDFBox peer with BouncyCastle; OpenSSL makes every key and certificate, and the
# SHA-3 RSA, DSA and PSS signatures it can make.
# Keys are made in a temporary directory and thrown away. Every certificate and key here is TEST-ONLY.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "$HERE/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
PY="python3 $HERE/field_pdf.py"
CPY="python3 $HERE/../../generator/corpus_pdf.py"
CP=/usr/share/java/pdfbox2.jar:/usr/share/java/fontbox2.jar:/usr/share/java/commons-logging.jar:/usr/share/java/bcprov.jar:/usr/share/java/bcpkix.jar:/usr/share/java/bcutil.jar
mkdir classes && javac -d classes -cp $CP "$HERE/FieldPdfTool.java"
peer() { java -cp classes:$CP FieldPdfTool "$@" 2>peer.err || { cat peer.err >&2; return 1; }; }

# --- a field-corpus CA (openssl ca, explicit dates), leaves of every key type, a TSA, an untrusted stranger ---
mkdir -p ca/new && : > ca/index.txt && echo 2000 > ca/serial && echo 2000 > ca/crlnumber
cat > ca.cnf <<CNF
[ ca ]
default_ca = field
[ field ]
dir = $WORK/ca
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
default_crl_days = 7000
[ anything ]
commonName = supplied
organizationName = optional
countryName = optional
[ leaf ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_section
[ tsa_section ]
serial = $WORK/tsaserial
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ess_cert_id_alg = sha256
CNF
echo 01 > tsaserial
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -subj "/C=VN/O=Field corpus (test only)/CN=Field Corpus Root" \
  -sha256 -days 6900 -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl dsaparam -out dsa.param 2048 2>/dev/null
issue() { # name subject keyspec [extensions]
  openssl req -new -newkey "$3" -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  openssl ca -batch -config ca.cnf -cert root.pem -keyfile root.key -extensions "${4:-leaf}" -in "$1.csr" -out "$1.pem" \
    -startdate 20250101000000Z -enddate 20450101000000Z -notext 2>/dev/null
  openssl pkcs12 -export -inkey "$1.key" -in "$1.pem" -certfile root.pem -name "$1" -passout pass:field -out "$1.p12"
}
issue rsa "/C=VN/O=Field corpus (test only)/CN=Nguyen Van RSA" rsa:2048
issue ec "/C=VN/O=Field corpus (test only)/CN=Tran Thi ECDSA" ec:<(openssl ecparam -name prime256v1)
issue dsa "/C=VN/O=Field corpus (test only)/CN=Le Van DSA" dsa:dsa.param
issue ed25519 "/C=VN/O=Field corpus (test only)/CN=Pham Ed25519" ed25519
issue ed448 "/C=VN/O=Field corpus (test only)/CN=Hoang Ed448" ed448
issue tsa "/C=VN/O=Field corpus (test only)/CN=Field Corpus TSA" rsa:2048 tsa_ext
openssl ca -batch -config ca.cnf -cert root.pem -keyfile root.key -gencrl -out field.crl.pem 2>/dev/null
openssl crl -in field.crl.pem -outform DER -out field.crl.der
for n in root rsa tsa; do openssl x509 -in $n.pem -outform DER -out $n.der; done

openssl req -x509 -newkey rsa:2048 -nodes -keyout stranger-root.key -out stranger-root.pem -subj "/C=VN/O=Stranger (test only)/CN=Untrusted Root" -days 6900 \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout stranger.key -out stranger.csr -subj "/C=VN/O=Stranger (test only)/CN=Nguoi La" 2>/dev/null
openssl x509 -req -in stranger.csr -CA stranger-root.pem -CAkey stranger-root.key -set_serial 77 -days 6000 -out stranger.pem -extfile ca.cnf -extensions leaf 2>/dev/null
openssl pkcs12 -export -inkey stranger.key -in stranger.pem -certfile stranger-root.pem -name stranger -passout pass:field -out stranger.p12

# The TSA the peer calls: DIGESTHEX OUT writes an RFC 3161 token for a SHA-256 digest.
cat > tsa.sh <<TSA
#!/bin/sh
set -e
openssl ts -query -digest "\$1" -sha256 -cert -out "\$2.tsq" 2>/dev/null
openssl ts -reply -config $WORK/ca.cnf -queryfile "\$2.tsq" -inkey $WORK/tsa.key -signer $WORK/tsa.pem -chain $WORK/root.pem -token_out -out "\$2" 2>/dev/null
rm -f "\$2.tsq"
TSA
chmod +x tsa.sh

$CPY base base.pdf "Field corpus document"
$PY base-form base-form.pdf
qpdf --object-streams=generate --compress-streams=y base-form.pdf base-form-objstm.pdf

# --- 2. algorithms: OpenSSL CMS where OpenSSL 3.0 can, the PDFBox + BouncyCastle peer for the rest ---
$CPY sign base.pdf openssl-rsa-sha3-256.pdf ETSI.CAdES.detached rsa.pem rsa.key root.pem 0 -md sha3-256 -cades
$CPY sign base.pdf openssl-dsa-sha256.pdf adbe.pkcs7.detached dsa.pem dsa.key root.pem 0
$CPY sign base.pdf openssl-pss-sha256-max-salt.pdf ETSI.CAdES.detached rsa.pem rsa.key root.pem 0 -keyopt rsa_padding_mode:pss -keyopt rsa_pss_saltlen:max
$CPY sign base.pdf openssl-pss-sha384-mgf1-sha256-no-salt.pdf ETSI.CAdES.detached rsa.pem rsa.key root.pem 0 -md sha384 -keyopt rsa_padding_mode:pss -keyopt rsa_pss_saltlen:0 -keyopt rsa_mgf1_md:sha256
$CPY sign base.pdf openssl-pss-sha512-mgf1-sha1-salt20.pdf ETSI.CAdES.detached rsa.pem rsa.key root.pem 0 -md sha512 -keyopt rsa_padding_mode:pss -keyopt rsa_pss_saltlen:20 -keyopt rsa_mgf1_md:sha1
peer sign base.pdf pdfbox-ed25519.pdf ed25519.p12 field Ed25519
peer sign base.pdf pdfbox-ed448.pdf ed448.p12 field Ed448
peer sign base.pdf pdfbox-ecdsa-sha3-256.pdf ec.p12 field SHA3-256withECDSA
peer sign base.pdf pdfbox-dsa-sha3-256.pdf dsa.p12 field SHA3-256withDSA
peer sign base.pdf pdfbox-plain-ecdsa-sha256.pdf ec.p12 field SHA256withPLAIN-ECDSA
peer sign base.pdf pdfbox-pss-sha3-512.pdf rsa.p12 field SHA3-512withRSAandMGF1
peer sign base.pdf pdfbox-ed25519-corrupt.pdf ed25519.p12 field Ed25519 --corrupt-signature
peer sign base.pdf pdfbox-ed448-with-sha512.pdf ed448.p12 field Ed448 --digest 2.16.840.1.101.3.4.2.3
peer sign base.pdf pdfbox-rsa-ripemd160.pdf rsa.p12 field RIPEMD160withRSA

# --- 3. integrity before trust: an untrusted signer whose signed bytes or signature-time-stamp were altered ---
peer sign base.pdf pdfbox-untrusted.pdf stranger.p12 field SHA256withRSA
$PY tamper pdfbox-untrusted.pdf pdfbox-untrusted-digest-mismatch.pdf "Field corpus document" "Field corpus documenT"
peer sign base.pdf pdfbox-untrusted-timestamp-corrupt.pdf stranger.p12 field SHA256withRSA --tsa "$WORK/tsa.sh" --corrupt-timestamp signature
peer sign base.pdf pdfbox-untrusted-timestamp-wrong-imprint.pdf stranger.p12 field SHA256withRSA --tsa "$WORK/tsa.sh" --corrupt-timestamp imprint
peer sign base.pdf pdfbox-timestamp-valid.pdf rsa.p12 field SHA256withRSA --tsa "$WORK/tsa.sh"
$CPY sign base.pdf openssl-detached-subfilter-with-content.pdf adbe.pkcs7.detached rsa.pem rsa.key root.pem 0 -nodetach

# --- 1. changes after signing that other validators accept, and each with a real change on top ---
peer sign base-form.pdf signed-form.pdf rsa.p12 field SHA256withRSA
$PY adobe signed-form.pdf adobe-xmp-update.pdf xmp
$PY adobe signed-form.pdf adobe-moddate-update.pdf moddate
peer sign base-form-objstm.pdf signed-form-objstm.pdf rsa.p12 field SHA256withRSA
$PY adobe signed-form-objstm.pdf adobe-xref-stream-update.pdf streams
$PY new-widget signed-form.pdf new-widget-resources.pdf resources
peer sign base-form.pdf certified-p2.pdf rsa.p12 field SHA256withRSA --certify 2
peer fill certified-p2.pdf certified-p2-filled.pdf SoVanBan "13/UBND"
$PY regenerate-appearance certified-p2.pdf certified-p2-appearance-regenerated.pdf
peer sign base-form.pdf certified-p1.pdf rsa.p12 field SHA256withRSA --certify 1
$PY regenerate-appearance certified-p1.pdf certified-p1-appearance-regenerated.pdf
peer dss signed-form.pdf dss-extended.pdf field.crl.der rsa.der root.der tsa.der
peer timestamp dss-extended.pdf dss-extended-lta.pdf "$WORK/tsa.sh"
for f in adobe-xmp-update adobe-moddate-update adobe-xref-stream-update new-widget-resources certified-p2-filled \
         certified-p2-appearance-regenerated dss-extended-lta; do
  $PY alter $f.pdf $f-then-altered.pdf
done

# --- 4. hybrid-reference file whose revisions share one /XRefStm, signed on top ---
$PY shared-xrefstm shared-xrefstm.pdf
$CPY sign shared-xrefstm.pdf shared-xrefstm-signed.pdf ETSI.CAdES.detached rsa.pem rsa.key root.pem 0 -cades

# --- 5. encrypted with qpdf at each method (empty user password), then signed by the PDFBox peer ---
for method in "rc4-40 40" "rc4-128 128 --use-aes=n" "aes-128 128 --use-aes=y" "aes-256 256"; do
  set -- $method; name=$1; shift
  qpdf --allow-weak-crypto --encrypt "" owner-secret "$@" -- base-form.pdf "encrypted-$name.pdf"
  peer sign "encrypted-$name.pdf" "encrypted-$name-signed.pdf" rsa.p12 field SHA256withRSA
done
# Encrypting a signed file rewrites it: the signature no longer covers the file.
qpdf --encrypt "" owner-secret 256 -- signed-form.pdf encrypted-after-signing.pdf

# --- every class that used to be wrongly rejected, with a real change on top (page 1's content replaced) ---
for f in pdfbox-ed25519 openssl-pss-sha256-max-salt shared-xrefstm-signed encrypted-aes-256-signed encrypted-rc4-40-signed; do
  $PY alter $f.pdf $f-then-altered.pdf
done

rm -f "$OUT"/*.pdf
cp ./*.pdf "$OUT/"
rm -f "$OUT/signed-form.pdf.tsq"
cp root.pem "$OUT/field-root.pem"
cp stranger-root.pem "$OUT/stranger-root.pem"
cp field.crl.pem "$OUT/field.crl.pem"
echo "field corpus written to $OUT"
