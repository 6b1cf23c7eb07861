using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Signing.Pkcs11.Internal;

// CKM_ECDSA returns r||s, each as wide as the curve order (IEEE P1363). CMS, X.509 and
// PKCS#10 want the DER form from RFC 3279, 2.2.3:
//
//   Ecdsa-Sig-Value ::= SEQUENCE {
//       r  INTEGER,
//       s  INTEGER }
//
// This is the one place in this library that conversion happens; Signing.Pki, which does not reference
// PKCS#11, has its own DerSignatureConverter for r||s values that arrive from desk signers and CSC.
internal static class EcdsaSignatureConverter
{
    public static int MaxDerLength(int rawLength) => rawLength + 3 + 2 * 3 + 2;

    public static bool TryRawToDer(ReadOnlySpan<byte> raw, Span<byte> destination, out int bytesWritten)
    {
        if (raw.IsEmpty || raw.Length % 2 != 0)
        {
            throw new CryptographicException($"A raw ECDSA signature has two equal halves; {raw.Length} bytes were given.");
        }

        var half = raw.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: MaxDerLength(raw.Length));
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(Minimal(raw[..half]));
            writer.WriteIntegerUnsigned(Minimal(raw[half..]));
        }

        return writer.TryEncode(destination, out bytesWritten);
    }

    // DER integers carry no redundant leading zero bytes; WriteIntegerUnsigned adds the sign byte.
    private static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return value[start..];
    }

    public static byte[] RawToDer(ReadOnlySpan<byte> raw)
    {
        Span<byte> buffer = stackalloc byte[MaxDerLength(raw.Length)];
        TryRawToDer(raw, buffer, out var written);
        return buffer[..written].ToArray();
    }
}
