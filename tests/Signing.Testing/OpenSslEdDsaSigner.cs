using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Testing;

/// <summary>
/// An Ed25519 or Ed448 signer whose keys, certificates and signature values all come from the openssl tool: an RSA root
/// (the trust anchor) issues the EdDSA leaf, and <c>openssl pkeyutl -sign -rawin</c> makes the PureEdDSA value over
/// the content itself, which is what a CMS SignerInfo without signed attributes carries (RFC 8419 3.1).
/// </summary>
/// <remarks>
/// OpenSSL cannot write that CMS itself: <c>openssl cms -sign -noattr</c> with an EdDSA key fails in OpenSSL 3.0
/// ("signfinal error", it digests first and EdDSA signs only in one shot), and still does in later releases. So only the
/// SignedData around OpenSSL's value is written here, with <see cref="AsnWriter"/>, as RFC 5652 5.1 lays it out. Every
/// key is made in a temporary directory and is TEST-ONLY.
/// </remarks>
public sealed class OpenSslEdDsaSigner : IDisposable
{
    private const string Sha512Oid = "2.16.840.1.101.3.4.2.3";
    private const string Shake256LenOid = "2.16.840.1.101.3.4.2.18";

    private readonly string _directory = Directory.CreateTempSubdirectory("openssl-eddsa-").FullName;
    private readonly string _key;

    /// <summary>Makes the root, the leaf's key (<c>ED25519</c> or <c>ED448</c>) and the leaf's certificate with openssl.</summary>
    public OpenSslEdDsaSigner(string algorithm)
    {
        Algorithm = algorithm.ToUpperInvariant() is "ED25519" or "ED448" ? algorithm.ToUpperInvariant() : throw new ArgumentException(algorithm, nameof(algorithm));
        var rootKey = File("root.key");
        RootPemFile = File("root.pem");
        _key = File("leaf.key");
        var leaf = File("leaf.pem");
        var extensions = File("leaf.ext");
        System.IO.File.WriteAllText(extensions, "keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n");
        MustSucceed("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rootKey);
        MustSucceed("req", "-x509", "-new", "-key", rootKey, "-subj", "/C=VN/O=EdDSA peer (test only)/CN=EdDSA test root", "-days", "30",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", RootPemFile);
        MustSucceed("genpkey", "-algorithm", Algorithm, "-out", _key);
        MustSucceed("req", "-new", "-key", _key, "-subj", $"/C=VN/O=EdDSA peer (test only)/CN=Signer {Algorithm}", "-out", File("leaf.csr"));
        MustSucceed("x509", "-req", "-in", File("leaf.csr"), "-CA", RootPemFile, "-CAkey", rootKey, "-set_serial", "4242", "-days", "30",
            "-extfile", extensions, "-out", leaf);
        Root = X509CertificateLoader.LoadCertificateFromFile(RootPemFile);
        Certificate = X509CertificateLoader.LoadCertificateFromFile(leaf);
    }

    /// <summary><c>ED25519</c> or <c>ED448</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The RSA root that issued <see cref="Certificate"/>: the trust anchor.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The root as a PEM file, for openssl.</summary>
    public string RootPemFile { get; }

    /// <summary>The EdDSA signer's certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>openssl's PureEdDSA signature over <paramref name="content"/>, checked by <c>openssl pkeyutl -verify</c>.</summary>
    public byte[] Sign(byte[] content)
    {
        var data = File("content.bin");
        var signature = File("signature.bin");
        System.IO.File.WriteAllBytes(data, content);
        MustSucceed("pkeyutl", "-sign", "-inkey", _key, "-rawin", "-in", data, "-out", signature);
        MustSucceed("pkeyutl", "-verify", "-certin", "-inkey", File("leaf.pem"), "-rawin", "-in", data, "-sigfile", signature);
        return System.IO.File.ReadAllBytes(signature);
    }

    /// <summary>
    /// A DER ContentInfo holding SignedData with one SignerInfo without signed attributes: <paramref name="signature"/>
    /// from <see cref="Sign"/>, the leaf certificate, the RFC 8419 digest algorithm (SHA-512 for Ed25519,
    /// id-shake256-len 512 for Ed448) and, when <paramref name="encapsulated"/> is given, the content itself.
    /// </summary>
    public byte[] SignedData(byte[] signature, byte[]? encapsulated = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.113549.1.7.2");
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(1);
                using (writer.PushSetOf())
                {
                    WriteDigestAlgorithm(writer);
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.2.840.113549.1.7.1");
                    if (encapsulated is not null)
                    {
                        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                        {
                            writer.WriteOctetString(encapsulated);
                        }
                    }
                }

                using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                    writer.WriteEncodedValue(Certificate.RawData);
                }

                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteInteger(1);
                    using (writer.PushSequence())
                    {
                        writer.WriteEncodedValue(Certificate.IssuerName.RawData);
                        writer.WriteInteger(Certificate.SerialNumberBytes.Span);
                    }

                    WriteDigestAlgorithm(writer);
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(Algorithm == "ED25519" ? "1.3.101.112" : "1.3.101.113");
                    }

                    writer.WriteOctetString(signature);
                }
            }
        }

        return writer.Encode();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Root.Dispose();
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void WriteDigestAlgorithm(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            if (Algorithm == "ED25519")
            {
                writer.WriteObjectIdentifier(Sha512Oid);
            }
            else
            {
                writer.WriteObjectIdentifier(Shake256LenOid);
                writer.WriteInteger(512);
            }
        }
    }

    private string File(string name) => Path.Combine(_directory, name);

    private static void MustSucceed(params string[] arguments)
    {
        var result = ExternalTool.Run("openssl", arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.Combined}");
        }
    }
}
