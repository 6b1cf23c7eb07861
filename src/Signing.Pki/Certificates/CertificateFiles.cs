using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Signing.Pki.Certificates;

/// <summary>
/// Reads the certificate files people bring: a PEM file with one or more certificates, a single DER certificate, or a
/// PKCS#7 bundle (.p7b, .p7c; DER or PEM <c>-----BEGIN PKCS7-----</c>), as the GCC hands out a certificate with its
/// chain. Anything else is refused with the reason, never half-read.
/// </summary>
public static class CertificateFiles
{
    /// <summary>The largest file read (a P7B of a long chain is a few KiB; 4 MiB leaves room for bundles).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private const int MaxCertificates = 1000;

    /// <summary>The certificates in <paramref name="data"/>, in file order.</summary>
    /// <exception cref="MalformedPkiDataException">The data is not a certificate, a PEM of certificates or a PKCS#7 bundle.</exception>
    public static IReadOnlyList<X509Certificate2> Read(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new MalformedPkiDataException("Certificate", "the file is empty.");
        }

        if (data.Length > MaxBytes)
        {
            throw new MalformedPkiDataException("Certificate", $"the file is larger than {MaxBytes / (1024 * 1024)} MiB.");
        }

        // Files glued together by hand often lack the line break after an END line, which PEM needs before the next BEGIN.
        return LooksLikePem(data)
            ? ReadPem(Encoding.ASCII.GetString(data).Replace("-----END CERTIFICATE----------BEGIN", "-----END CERTIFICATE-----\n-----BEGIN", StringComparison.Ordinal))
            : ReadDer(data);
    }

    private static bool LooksLikePem(ReadOnlySpan<byte> data)
    {
        var start = data.TrimStart("\xEF\xBB\xBF \t\r\n"u8);
        return start.StartsWith("-----BEGIN"u8);
    }

    private static List<X509Certificate2> ReadPem(string text)
    {
        var certificates = new List<X509Certificate2>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            var der = Convert.FromBase64String(rest[fields.Base64Data].ToString());
            if (label.SequenceEqual("CERTIFICATE") || label.SequenceEqual("X509 CERTIFICATE"))
            {
                certificates.Add(LoadCertificate(der));
            }
            else if (label.SequenceEqual("PKCS7") || label.SequenceEqual("CMS"))
            {
                certificates.AddRange(ReadPkcs7(der));
            }
            else
            {
                throw new MalformedPkiDataException("Certificate", $"the PEM block '{label}' is not a certificate or a PKCS#7 bundle.");
            }

            if (certificates.Count > MaxCertificates)
            {
                throw new MalformedPkiDataException("Certificate", $"the file holds more than {MaxCertificates} certificates.");
            }

            rest = rest[fields.Location.End..];
        }

        return certificates.Count > 0
            ? certificates
            : throw new MalformedPkiDataException("Certificate", "the PEM file holds no complete BEGIN/END block.");
    }

    private static List<X509Certificate2> ReadDer(ReadOnlySpan<byte> data)
    {
        // A certificate and a PKCS#7 ContentInfo are both DER SEQUENCEs; a ContentInfo starts with an OBJECT IDENTIFIER.
        if (IsContentInfo(data))
        {
            return ReadPkcs7(data.ToArray());
        }

        return [LoadCertificate(data.ToArray())];
    }

    private static bool IsContentInfo(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new System.Formats.Asn1.AsnReader(data.ToArray(), System.Formats.Asn1.AsnEncodingRules.BER);
            var sequence = reader.ReadSequence();
            return sequence.PeekTag().HasSameClassAndValue(System.Formats.Asn1.Asn1Tag.ObjectIdentifier);
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
            return false;
        }
    }

    private static List<X509Certificate2> ReadPkcs7(byte[] der)
    {
        var cms = new SignedCms();
        try
        {
            cms.Decode(der);
        }
        catch (CryptographicException e)
        {
            throw new MalformedPkiDataException("PKCS#7", $"not a readable certificate bundle: {e.Message}", e);
        }

        if (cms.Certificates.Count == 0)
        {
            throw new MalformedPkiDataException("PKCS#7", "the bundle holds no certificates.");
        }

        return [.. cms.Certificates];
    }

    private static X509Certificate2 LoadCertificate(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            throw new MalformedPkiDataException("Certificate", $"not a DER X.509 certificate: {e.Message}", e);
        }
    }
}
