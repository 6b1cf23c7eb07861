#!/bin/sh
# Regenerates the validation corpus in ../ (the PDFs, corpus-root.pem, corpus.crl.pem).
# Needs: openssl, python3, poppler-utils (pdfsig), libnss3-tools (certutil, pk12util),
#        default-jdk-headless, libpdfbox2-java, libbcpkix-java.
# Keys are made in a temporary directory and thrown away: only certificates, the CRL and PDFs are kept.
# Every certificate and key here is TEST-ONLY.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "$HERE/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
PY="python3 $HERE/corpus_pdf.py"
CP=/usr/share/java/pdfbox2.jar:/usr/share/java/fontbox2.jar:/usr/share/java/commons-logging.jar:/usr/share/java/bcprov.jar:/usr/share/java/bcpkix.jar:/usr/share/java/bcutil.jar

# --- a dedicated corpus CA valid to 2045, run with `openssl ca` so dates and the CRL are explicit ---
mkdir -p ca/new && : > ca/index.txt && echo 1000 > ca/serial && echo 1000 > ca/crlnumber
cat > ca.cnf <<CNF
[ ca ]
default_ca = corpus
[ corpus ]
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
[ root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -subj "/C=VN/O=Corpus (test only)/CN=Corpus Test Root G2" \
  -sha256 -days 6900 -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
issue() { # name subject keyspec startdate enddate
  openssl req -new -newkey "$3" -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  openssl ca -batch -config ca.cnf -cert root.pem -keyfile root.key -extensions leaf -in "$1.csr" -out "$1.pem" \
    -startdate "$4" -enddate "$5" -notext 2>/dev/null
}
issue alice "/C=VN/O=Corpus (test only)/CN=Nguyen Van An" rsa:2048 20250101000000Z 20450101000000Z
openssl ecparam -name prime256v1 -out ec.param
issue binh "/C=VN/O=Corpus (test only)/CN=Tran Thi Binh" ec:ec.param 20250101000000Z 20450101000000Z
issue revoked "/C=VN/O=Corpus (test only)/CN=Le Van Thu Hoi" rsa:2048 20250101000000Z 20450101000000Z
issue expired "/C=VN/O=Corpus (test only)/CN=Pham Het Han" rsa:2048 20200101000000Z 20210101000000Z
openssl ca -batch -config ca.cnf -cert root.pem -keyfile root.key -revoke revoked.pem -crl_reason keyCompromise -crl_compromise 20250601000000Z 2>/dev/null
openssl ca -batch -config ca.cnf -cert root.pem -keyfile root.key -gencrl -out corpus.crl.pem 2>/dev/null

# A certificate with alice's issuer and serial number but another key: signing with it yields a signature
# that does not verify with alice's certificate, which is the one the CMS carries.
openssl req -new -newkey rsa:2048 -nodes -keyout mallory.key -out mallory.csr -subj "/C=VN/O=Corpus (test only)/CN=Nguyen Van An" 2>/dev/null
openssl x509 -req -in mallory.csr -CA root.pem -CAkey root.key -set_serial "0x$(openssl x509 -in alice.pem -noout -serial | cut -d= -f2)" -days 3650 -out mallory.pem 2>/dev/null

# An unrelated root nobody configured.
openssl req -x509 -newkey rsa:2048 -nodes -keyout stranger-root.key -out stranger-root.pem -subj "/C=VN/O=Stranger (test only)/CN=Untrusted Root" -days 6900 \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout stranger.key -out stranger.csr -subj "/C=VN/O=Stranger (test only)/CN=Nguoi La" 2>/dev/null
openssl x509 -req -in stranger.csr -CA stranger-root.pem -CAkey stranger-root.key -set_serial 77 -days 6000 -out stranger.pem \
  -extfile ca.cnf -extensions leaf 2>/dev/null

for n in alice binh revoked expired; do
  openssl pkcs12 -export -inkey $n.key -in $n.pem -certfile root.pem -name $n -passout pass:corpus -out $n.p12
done
openssl pkcs12 -export -inkey stranger.key -in stranger.pem -certfile stranger-root.pem -name stranger -passout pass:corpus -out stranger.p12

# --- NSS database for pdfsig ---
mkdir nss && certutil -N -d sql:nss --empty-password
for n in alice binh; do pk12util -i $n.p12 -d sql:nss -W corpus >/dev/null; done
certutil -M -n "Corpus Test Root G2 - Corpus (test only)" -t "CT,C,C" -d sql:nss 2>/dev/null || true

$PY base base.pdf "Corpus document"

# --- pdfsig (poppler + NSS) ---
pdfsig -add-signature -nssdir sql:nss -nick alice -new-signature-field-name PdfsigAlice -reason "pdfsig corpus" base.pdf pdfsig-valid.pdf >/dev/null
# poppler 22.12 sometimes fails "unable update signature" on the second signature; a retry succeeds.
for attempt in 1 2 3 4 5; do
  pdfsig -add-signature -nssdir sql:nss -nick binh -new-signature-field-name PdfsigBinh pdfsig-valid.pdf pdfsig-two-signatures.pdf >/dev/null && break
done

# --- openssl cms -sign with a hand-built PDF (ByteRange computed in corpus_pdf.py) ---
$PY sign base.pdf openssl-valid.pdf adbe.pkcs7.detached alice.pem alice.key root.pem
$PY sign base.pdf openssl-cades-valid.pdf ETSI.CAdES.detached binh.pem binh.key root.pem 0 -cades
$PY sign base.pdf openssl-pkcs7-sha1.pdf adbe.pkcs7.sha1 alice.pem alice.key root.pem 0 -nodetach
$PY sign base.pdf openssl-rsa-pss.pdf ETSI.CAdES.detached alice.pem alice.key root.pem 0 -keyopt rsa_padding_mode:pss -keyopt rsa_pss_saltlen:digest
$PY sign base.pdf openssl-broken-byterange.pdf adbe.pkcs7.detached alice.pem alice.key root.pem 12
$PY sign base.pdf openssl-wrong-key.pdf adbe.pkcs7.detached mallory.pem mallory.key alice.pem 0 -nocerts
$PY sign base.pdf openssl-expired-no-timestamp.pdf adbe.pkcs7.detached expired.pem expired.key root.pem

# --- PDFBox + BouncyCastle ---
mkdir -p classes && javac -d classes -cp $CP "$HERE/PdfBoxSign.java"
java -cp classes:$CP PdfBoxSign base.pdf pdfbox-valid.pdf alice.p12 corpus "Nguyen Van An" 2>/dev/null
java -cp classes:$CP PdfBoxSign openssl-valid.pdf pdfbox-after-openssl.pdf binh.p12 corpus "Tran Thi Binh" 2>/dev/null
java -cp classes:$CP PdfBoxSign base.pdf pdfbox-revoked.pdf revoked.p12 corpus "Le Van Thu Hoi" 2>/dev/null
java -cp classes:$CP PdfBoxSign base.pdf pdfbox-untrusted-root.pdf stranger.p12 corpus "Nguoi La" 2>/dev/null

# --- altered after signing: a new revision replaces the page's content stream ---
$PY alter openssl-valid.pdf openssl-altered-content.pdf
$PY alter pdfbox-valid.pdf pdfbox-altered-content.pdf

cp base.pdf pdfsig-valid.pdf pdfsig-two-signatures.pdf pdfbox-revoked.pdf pdfbox-valid.pdf pdfbox-after-openssl.pdf pdfbox-untrusted-root.pdf \
   openssl-valid.pdf openssl-cades-valid.pdf openssl-pkcs7-sha1.pdf openssl-rsa-pss.pdf openssl-broken-byterange.pdf openssl-wrong-key.pdf openssl-expired-no-timestamp.pdf \
   openssl-altered-content.pdf pdfbox-altered-content.pdf "$OUT/"
cp root.pem "$OUT/corpus-root.pem"
cp stranger-root.pem "$OUT/stranger-root.pem"
cp corpus.crl.pem "$OUT/corpus.crl.pem"
echo "corpus written to $OUT"
