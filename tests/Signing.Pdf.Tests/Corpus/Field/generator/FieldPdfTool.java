// The PDFBox peer of the field corpus: signatures with algorithms our signer never makes, certification, form filling
// after certification, a DSS-style LTV extension (a DSS revision, then a document timestamp), as Apache PDFBox 2 with
// BouncyCastle writes them. Test-corpus generator only; nothing here is used by the product.
//   java FieldPdfTool sign IN OUT KEYSTORE.p12 PASSWORD ALGORITHM [options]
//        options: --subfilter NAME, --digest OID (force the message-digest algorithm), --corrupt-signature,
//                 --certify P, --tsa SCRIPT (add a signature-time-stamp), --corrupt-timestamp signature|imprint
//   java FieldPdfTool fill IN OUT FIELD VALUE          (fills a text field; PDFBox regenerates its appearance)
//   java FieldPdfTool dss IN OUT CRL.der CERT.der...   (adds /DSS with /Certs, /CRLs and a /VRI entry per signature)
//   java FieldPdfTool timestamp IN OUT SCRIPT          (adds a document timestamp; SCRIPT DIGESTHEX OUT.tst makes the token)
import java.io.*;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.util.*;
import org.apache.pdfbox.cos.*;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.*;
import org.apache.pdfbox.pdmodel.interactive.form.*;
import org.bouncycastle.asn1.*;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.*;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.*;

public class FieldPdfTool {
    public static void main(String[] args) throws Exception {
        Security.addProvider(new BouncyCastleProvider());
        switch (args[0]) {
            case "sign": sign(args); break;
            case "fill": fill(args[1], args[2], args[3], args[4]); break;
            case "dss": dss(args); break;
            case "timestamp": timestamp(args[1], args[2], args[3]); break;
            default: throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static String option(String[] args, String name) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return args[i + 1];
        return null;
    }

    static boolean flag(String[] args, String name) { return Arrays.asList(args).contains(name); }

    static void sign(String[] args) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12", "BC");
        char[] password = args[4].toCharArray();
        try (InputStream in = new FileInputStream(args[3])) { store.load(in, password); }
        String alias = store.aliases().nextElement();
        PrivateKey key = (PrivateKey) store.getKey(alias, password);
        java.security.cert.Certificate[] chain = store.getCertificateChain(alias);
        X509Certificate signer = (X509Certificate) chain[0];
        String algorithm = args[5];
        String subFilter = Optional.ofNullable(option(args, "--subfilter")).orElse("ETSI.CAdES.detached");
        String digest = option(args, "--digest");
        String certify = option(args, "--certify");
        String tsa = option(args, "--tsa");

        try (PDDocument document = PDDocument.load(new File(args[1]), "");
             FileOutputStream out = new FileOutputStream(args[2])) {
            PDSignature signature = new PDSignature();
            signature.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            signature.setSubFilter(COSName.getPDFName(subFilter));
            signature.setName(signer.getSubjectX500Principal().getName());
            signature.setReason("PDFBox field corpus: " + algorithm);
            signature.setSignDate(Calendar.getInstance());
            if (certify != null) certify(document, signature, Integer.parseInt(certify));
            SignatureOptions options = new SignatureOptions();
            options.setPreferredSignatureSize(24000);
            document.addSignature(signature, content -> {
                try {
                    JcaSignerInfoGeneratorBuilder builder = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider("BC").build());
                    if (digest != null) builder.setContentDigest(new AlgorithmIdentifier(new ASN1ObjectIdentifier(digest)));
                    CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
                    generator.addSignerInfoGenerator(builder.build(new JcaContentSignerBuilder(algorithm).setProvider("BC").build(key), signer));
                    generator.addCertificates(new JcaCertStore(Arrays.asList(chain)));
                    CMSSignedData data = generator.generate(new CMSProcessableByteArray(content.readAllBytes()), false);
                    if (flag(args, "--corrupt-signature")) data = corruptSignature(data);
                    if (tsa != null) data = addSignatureTimestamp(data, tsa, option(args, "--corrupt-timestamp"));
                    return data.getEncoded();
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }, options);
            document.saveIncremental(out);
        }
    }

    /** DocMDP certification (ISO 32000-1 12.8.2.2): a /Reference with /TransformMethod /DocMDP and catalog /Perms. */
    static void certify(PDDocument document, PDSignature signature, int permission) {
        COSDictionary parameters = new COSDictionary();
        parameters.setItem(COSName.TYPE, COSName.getPDFName("TransformParams"));
        parameters.setInt(COSName.P, permission);
        parameters.setName(COSName.V, "1.2");
        COSDictionary reference = new COSDictionary();
        reference.setItem(COSName.TYPE, COSName.getPDFName("SigRef"));
        reference.setItem(COSName.getPDFName("TransformMethod"), COSName.getPDFName("DocMDP"));
        reference.setItem(COSName.getPDFName("TransformParams"), parameters);
        COSArray references = new COSArray();
        references.add(reference);
        signature.getCOSObject().setItem(COSName.getPDFName("Reference"), references);
        COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
        COSDictionary perms = new COSDictionary();
        perms.setItem(COSName.getPDFName("DocMDP"), signature);
        catalog.setItem(COSName.PERMS, perms);
        catalog.setNeedToBeUpdated(true);
    }

    /** Flips one bit of the first SignerInfo's signature value, leaving everything else as signed. */
    static CMSSignedData corruptSignature(CMSSignedData data) throws Exception {
        SignedData signedData = SignedData.getInstance(data.toASN1Structure().getContent());
        SignerInfo original = SignerInfo.getInstance(signedData.getSignerInfos().getObjectAt(0));
        byte[] value = original.getEncryptedDigest().getOctets();
        value[value.length / 2] ^= 0x01;
        SignerInfo changed = new SignerInfo(original.getSID(), original.getDigestAlgorithm(), original.getAuthenticatedAttributes(),
            original.getDigestEncryptionAlgorithm(), new DEROctetString(value), original.getUnauthenticatedAttributes());
        return rebuild(signedData, changed);
    }

    static CMSSignedData rebuild(SignedData signedData, SignerInfo signerInfo) throws Exception {
        SignedData rebuilt = new SignedData(signedData.getDigestAlgorithms(), signedData.getEncapContentInfo(), signedData.getCertificates(),
            signedData.getCRLs(), new DERSet(signerInfo));
        return new CMSSignedData(new ContentInfo(CMSObjectIdentifiers.signedData, rebuilt));
    }

    /**
     * CAdES-T: a signature-time-stamp over the signature value. Corrupted as "signature", the token's own signature has a
     * bit flipped; as "imprint", the token covers other bytes than this signature value.
     */
    static CMSSignedData addSignatureTimestamp(CMSSignedData data, String script, String corrupt) throws Exception {
        SignedData signedData = SignedData.getInstance(data.toASN1Structure().getContent());
        SignerInfo signerInfo = SignerInfo.getInstance(signedData.getSignerInfos().getObjectAt(0));
        byte[] stamped = signerInfo.getEncryptedDigest().getOctets();
        if ("imprint".equals(corrupt)) stamped = "some other signature value".getBytes("US-ASCII");
        byte[] token = timestampToken(MessageDigest.getInstance("SHA-256").digest(stamped), script);
        if ("signature".equals(corrupt)) {
            CMSSignedData tokenData = corruptSignature(new CMSSignedData(token));
            token = tokenData.getEncoded();
        }
        Attribute attribute = new Attribute(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken, new DERSet(ASN1Primitive.fromByteArray(token)));
        SignerInfo withTimestamp = new SignerInfo(signerInfo.getSID(), signerInfo.getDigestAlgorithm(), signerInfo.getAuthenticatedAttributes(),
            signerInfo.getDigestEncryptionAlgorithm(), signerInfo.getEncryptedDigest(), new DERSet(attribute));
        return rebuild(signedData, withTimestamp);
    }

    static byte[] timestampToken(byte[] sha256, String script) throws Exception {
        File out = File.createTempFile("token", ".tst");
        Process process = new ProcessBuilder(script, org.bouncycastle.util.encoders.Hex.toHexString(sha256), out.getPath()).inheritIO().start();
        if (process.waitFor() != 0) throw new IOException("the TSA script failed");
        byte[] token = Files.readAllBytes(out.toPath());
        out.delete();
        return token;
    }

    /** Fills a text field the way a form-filling reader does; PDFBox regenerates the widget's appearance stream. */
    static void fill(String in, String outPath, String name, String value) throws Exception {
        try (PDDocument document = PDDocument.load(new File(in)); FileOutputStream out = new FileOutputStream(outPath)) {
            PDAcroForm form = document.getDocumentCatalog().getAcroForm();
            PDField field = form.getField(name);
            field.setValue(value);
            field.getCOSObject().setNeedToBeUpdated(true);
            for (org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget widget : field.getWidgets()) {
                widget.getCOSObject().setNeedToBeUpdated(true);
                COSDictionary appearance = (COSDictionary) widget.getCOSObject().getDictionaryObject(COSName.AP);
                if (appearance != null) {
                    appearance.setNeedToBeUpdated(true);
                    COSBase normal = appearance.getDictionaryObject(COSName.N);
                    if (normal instanceof COSStream) ((COSStream) normal).setNeedToBeUpdated(true);
                }
            }
            document.saveIncremental(out);
        }
    }

    /** A DSS revision as an LTV extension writes it (ETSI EN 319 142-1 5.4.2): /DSS with /Certs, /CRLs and /VRI. */
    static void dss(String[] args) throws Exception {
        try (PDDocument document = PDDocument.load(new File(args[1])); FileOutputStream out = new FileOutputStream(args[2])) {
            COSArray certs = new COSArray();
            for (int i = 4; i < args.length; i++) certs.add(stream(document, Files.readAllBytes(Paths.get(args[i]))));
            COSArray crls = new COSArray();
            crls.add(stream(document, Files.readAllBytes(Paths.get(args[3]))));
            COSDictionary vri = new COSDictionary();
            for (PDSignature signature : document.getSignatureDictionaries()) {
                byte[] contents = signature.getContents(new FileInputStream(args[1]));
                String key = org.bouncycastle.util.encoders.Hex.toHexString(MessageDigest.getInstance("SHA-1").digest(contents)).toUpperCase(Locale.ROOT);
                COSDictionary entry = new COSDictionary();
                entry.setItem(COSName.getPDFName("Cert"), certs);
                entry.setItem(COSName.getPDFName("CRL"), crls);
                entry.setItem(COSName.TYPE, COSName.getPDFName("VRI"));
                vri.setItem(COSName.getPDFName(key), entry);
            }
            COSDictionary dss = new COSDictionary();
            dss.setItem(COSName.getPDFName("Certs"), certs);
            dss.setItem(COSName.getPDFName("CRLs"), crls);
            dss.setItem(COSName.getPDFName("VRI"), vri);
            COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
            catalog.setItem(COSName.getPDFName("DSS"), dss);
            catalog.setNeedToBeUpdated(true);
            document.saveIncremental(out);
        }
    }

    static COSStream stream(PDDocument document, byte[] data) throws IOException {
        COSStream stream = document.getDocument().createCOSStream();
        try (OutputStream out = stream.createOutputStream(COSName.FLATE_DECODE)) { out.write(data); }
        return stream;
    }

    /** A document timestamp (ISO 32000-2 12.8.5): /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161, an RFC 3161 token. */
    static void timestamp(String in, String outPath, String script) throws Exception {
        try (PDDocument document = PDDocument.load(new File(in)); FileOutputStream out = new FileOutputStream(outPath)) {
            PDSignature signature = new PDSignature();
            signature.setType(COSName.getPDFName("DocTimeStamp"));
            signature.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            signature.setSubFilter(COSName.getPDFName("ETSI.RFC3161"));
            SignatureOptions options = new SignatureOptions();
            options.setPreferredSignatureSize(16000);
            document.addSignature(signature, content -> {
                try {
                    return timestampToken(MessageDigest.getInstance("SHA-256").digest(content.readAllBytes()), script);
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }, options);
            document.saveIncremental(out);
        }
    }
}
