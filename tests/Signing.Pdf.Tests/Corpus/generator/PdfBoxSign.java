// Signs a PDF incrementally with Apache PDFBox 2 and a BouncyCastle CMS (adbe.pkcs7.detached).
// Test-corpus generator only: java -cp ... PdfBoxSign IN OUT KEYSTORE.p12 PASSWORD FIELDNAME
import java.io.*;
import java.security.*;
import java.security.cert.*;
import java.util.*;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.*;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.*;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.*;

public class PdfBoxSign {
    public static void main(String[] args) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        char[] password = args[3].toCharArray();
        try (InputStream in = new FileInputStream(args[2])) { store.load(in, password); }
        String alias = store.aliases().nextElement();
        PrivateKey key = (PrivateKey) store.getKey(alias, password);
        java.security.cert.Certificate[] chain = store.getCertificateChain(alias);
        X509Certificate signer = (X509Certificate) chain[0];
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";

        try (PDDocument document = PDDocument.load(new File(args[0]));
             FileOutputStream out = new FileOutputStream(args[1])) {
            PDSignature signature = new PDSignature();
            signature.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            signature.setSubFilter(PDSignature.SUBFILTER_ADBE_PKCS7_DETACHED);
            signature.setName(args[4]);
            signature.setReason("PDFBox corpus signature");
            signature.setSignDate(Calendar.getInstance());
            SignatureOptions options = new SignatureOptions();
            options.setPreferredSignatureSize(12000);
            document.addSignature(signature, content -> {
                try {
                    CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
                    generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                        .build(new JcaContentSignerBuilder(algorithm).build(key), signer));
                    generator.addCertificates(new JcaCertStore(Arrays.asList(chain)));
                    CMSSignedData data = generator.generate(new CMSProcessableInputStream(content), false);
                    return data.getEncoded();
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }, options);
            document.saveIncremental(out);
        }
    }

    /** Streams the byte range into the CMS generator without holding it in memory. */
    static final class CMSProcessableInputStream implements CMSTypedData {
        private final InputStream in;
        CMSProcessableInputStream(InputStream in) { this.in = in; }
        public Object getContent() { return in; }
        public void write(OutputStream out) throws IOException { in.transferTo(out); in.close(); }
        public org.bouncycastle.asn1.ASN1ObjectIdentifier getContentType() { return org.bouncycastle.asn1.cms.CMSObjectIdentifiers.data; }
    }
}
