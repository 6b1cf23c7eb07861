using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Signing.Pkcs11.Internal;

// CKA_EC_PARAMS holds DER ECParameters (X9.62, RFC 5480 2.1.1); we only use namedCurve:
//
//   ECParameters ::= CHOICE {
//       namedCurve      OBJECT IDENTIFIER
//       -- implicitCurve   NULL
//       -- specifiedCurve  SpecifiedECDomain }
internal static class EcCurves
{
    public const string P256 = "1.2.840.10045.3.1.7";
    public const string P384 = "1.3.132.0.34";
    public const string P521 = "1.3.132.0.35";

    public static byte[] EncodeNamedCurve(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        return writer.Encode();
    }

    public static ECCurve DecodeNamedCurve(byte[] ecParams, out int fieldBytes)
    {
        string oid;
        try
        {
            var reader = new AsnReader(ecParams, AsnEncodingRules.DER);
            oid = reader.ReadObjectIdentifier();
            reader.ThrowIfNotEmpty();
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException("CKA_EC_PARAMS is not a DER namedCurve OBJECT IDENTIFIER.", e);
        }

        fieldBytes = oid switch
        {
            P256 => 32,
            P384 => 48,
            P521 => 66,
            _ => throw new CryptographicException($"EC curve {oid} is not supported; use P-256 or P-384."),
        };
        return ECCurve.CreateFromValue(oid);
    }

    // CKA_EC_POINT is DER ECPoint ::= OCTET STRING around the uncompressed point 04||X||Y
    // (PKCS#11 v2.40 2.3.3); some modules return the bare point, which we accept too.
    public static ECPoint DecodePoint(byte[] ecPoint, int fieldBytes)
    {
        ReadOnlySpan<byte> point = ecPoint;
        if (point.Length != 1 + 2 * fieldBytes)
        {
            try
            {
                point = new AsnReader(ecPoint, AsnEncodingRules.DER).ReadOctetString();
            }
            catch (AsnContentException e)
            {
                throw new CryptographicException("CKA_EC_POINT is neither a DER OCTET STRING nor a bare EC point.", e);
            }
        }

        if (point.Length != 1 + 2 * fieldBytes || point[0] != 0x04)
        {
            throw new CryptographicException($"CKA_EC_POINT is not an uncompressed point of {1 + 2 * fieldBytes} bytes.");
        }

        return new ECPoint { X = point.Slice(1, fieldBytes).ToArray(), Y = point.Slice(1 + fieldBytes, fieldBytes).ToArray() };
    }
}
