using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Signing.Pki.Asn1;

namespace Signing.Pki.Cms;

/// <summary>Decodes CMS after the DER guard, so hostile input fails with <see cref="MalformedPkiDataException"/>.</summary>
internal static class CmsDecoding
{
    internal const int MaxCmsBytes = 64 * 1024 * 1024;

    /// <summary>True if the SignedData carries eContent (enveloping), false if detached.</summary>
    /// <remarks>
    /// <code>
    /// ContentInfo ::= SEQUENCE { contentType ContentType, content [0] EXPLICIT ANY DEFINED BY contentType }
    /// SignedData ::= SEQUENCE { version CMSVersion, digestAlgorithms DigestAlgorithmIdentifiers, encapContentInfo EncapsulatedContentInfo, ... }
    /// EncapsulatedContentInfo ::= SEQUENCE { eContentType ContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }
    /// </code>
    /// SignedCms does not say: decoded without content it reports Detached = false and empty content.
    /// </remarks>
    internal static bool HasEncapsulatedContent(ReadOnlyMemory<byte> der)
    {
        try
        {
            return HasEncapsulatedContentCore(der);
        }
        catch (AsnContentException e)
        {
            throw new MalformedPkiDataException("ContentInfo", $"not a SignedData: {e.Message}", e);
        }
    }

    private static bool HasEncapsulatedContentCore(ReadOnlyMemory<byte> der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.BER);
        var contentInfo = reader.ReadSequence();
        contentInfo.ReadObjectIdentifier();
        var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadSetOf();
        var encap = signedData.ReadSequence();
        encap.ReadObjectIdentifier();
        return encap.HasData;
    }

    internal static SignedCms Decode(ReadOnlyMemory<byte> cms, byte[]? detachedContent)
    {
        cms = Unpem(cms);
        return DerInputGuard.Decode(cms, "ContentInfo", bytes =>
        {
            var signedCms = detachedContent is null ? new SignedCms() : new SignedCms(new ContentInfo(detachedContent), detached: true);
            signedCms.Decode(bytes.Span);
            if (signedCms.SignerInfos.Count == 0)
            {
                throw new CryptographicException("SignedData has no SignerInfo");
            }

            // SignedCms loads the certificates set lazily, so a corrupt certificate would surface later as a bare
            // CryptographicException from SignerInfo.Certificate (found by the fuzzer); load them here, under the guard.
            _ = signedCms.Certificates;

            return signedCms;
        }, MaxCmsBytes, allowIndefiniteLength: true);
    }

    /// <summary>Returns DER, decoding a PEM <c>CMS</c> / <c>PKCS7</c> block if the input is PEM.</summary>
    internal static ReadOnlyMemory<byte> Unpem(ReadOnlyMemory<byte> cms)
    {
        if (cms.Length > 10 && cms.Span[0] == (byte)'-')
        {
            var text = System.Text.Encoding.ASCII.GetString(cms.Span);
            if (!PemEncoding.TryFind(text, out var fields))
            {
                throw new MalformedPkiDataException("ContentInfo", "input starts like PEM but has no PEM block");
            }

            cms = Convert.FromBase64String(text[fields.Base64Data]);
        }

        return cms;
    }
}
