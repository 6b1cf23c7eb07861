using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Asn1;
using Signing.Pki.Timestamping;

namespace Signing.Pki.Cms;

/// <summary>
/// Produces CAdES-B (and CAdES-T with a timestamper) CMS signatures: content-type, message-digest,
/// ESS signing-certificate-v2 and optional signing-time signed attributes.
/// </summary>
public static class CadesSigner
{
    /// <summary>id-aa-signatureTimeStampToken (RFC 3161 appendix A).</summary>
    internal const string SignatureTimeStampOid = "1.2.840.113549.1.9.16.2.14";

    /// <summary>Signs <paramref name="content"/> in memory through <see cref="SignedCms"/>, detached or enveloping.</summary>
    public static async Task<byte[]> SignAsync(ReadOnlyMemory<byte> content, bool detached, AsymmetricAlgorithm key, CadesSignOptions options, CancellationToken cancellationToken)
    {
        var signedCms = new SignedCms(new ContentInfo(content.ToArray()), detached);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, options.Certificate, key)
        {
            DigestAlgorithm = new Oid(SignatureAlgorithms.DigestOid(options.DigestAlgorithm)),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.Certificates.AddRange(options.Chain);
        if (options.SigningTime is { } time)
        {
            signer.SignedAttributes.Add(new Pkcs9SigningTime(time.UtcDateTime));
        }

        signer.SignedAttributes.Add(new AsnEncodedData(EssSigningCertificateV2.Oid, EssSigningCertificateV2.Encode(options.Certificate)));
        signedCms.ComputeSignature(signer, silent: true);
        var encoded = signedCms.Encode();
        return options.Timestamper is null
            ? encoded
            : await AddSignatureTimestampAsync(encoded, options.Timestamper, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Signs a stream detached: the content is hashed as it streams, never held in memory, then signed
    /// through the two-step path with <paramref name="key"/>.
    /// </summary>
    public static async Task<byte[]> SignDetachedAsync(Stream content, AsymmetricAlgorithm key, CadesSignOptions options, CancellationToken cancellationToken)
    {
        using var hasher = IncrementalHash.CreateHash(options.DigestAlgorithm);
        var buffer = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hasher.AppendData(buffer, 0, read);
        }

        var request = Prepare(hasher.GetHashAndReset(), options);
        var cms = request.SignWith(key);
        return options.Timestamper is null
            ? cms
            : await AddSignatureTimestampAsync(cms, options.Timestamper, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Step one of external signing: the signed attributes for a content digest made with <see cref="CadesSignOptions.DigestAlgorithm"/>.</summary>
    public static CadesSignatureRequest Prepare(ReadOnlySpan<byte> contentDigest, CadesSignOptions options)
    {
        var expectedLength = options.DigestAlgorithm.Name switch
        {
            "SHA256" => 32,
            "SHA384" => 48,
            "SHA512" => 64,
            _ => throw new CryptographicException($"Digest {options.DigestAlgorithm.Name} is not supported."),
        };
        if (contentDigest.Length != expectedLength)
        {
            throw new ArgumentException($"A {options.DigestAlgorithm.Name} digest has {expectedLength} bytes; got {contentDigest.Length}.", nameof(contentDigest));
        }

        return new CadesSignatureRequest(SignedDataAssembler.EncodeSignedAttributes(contentDigest, options.Certificate, options.SigningTime), options);
    }

    /// <summary>Adds a signature-time-stamp over the first SignerInfo's signature value (CAdES-T).</summary>
    public static async Task<byte[]> AddSignatureTimestampAsync(byte[] cms, ITimestampClient timestamper, CancellationToken cancellationToken)
    {
        var signedCms = CmsDecoding.Decode(cms, null);
        var signerInfo = signedCms.SignerInfos[0];
        var digest = SHA256.HashData(signerInfo.GetSignature());
        var token = await timestamper.TimestampHashAsync(digest, HashAlgorithmName.SHA256, cancellationToken).ConfigureAwait(false);
        signerInfo.AddUnsignedAttribute(new AsnEncodedData(SignatureTimeStampOid, token.AsSignedCms().Encode()));
        return signedCms.Encode();
    }
}
