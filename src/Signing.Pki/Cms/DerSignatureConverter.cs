using System.Formats.Asn1;

namespace Signing.Pki.Cms;

/// <summary>
/// Converts ECDSA signatures from the raw <c>r || s</c> form tokens return (CKM_ECDSA, IEEE P1363)
/// to the DER form CMS carries.
/// </summary>
/// <remarks><c>ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }</c> (RFC 3279 2.2.3).</remarks>
public static class DerSignatureConverter
{
    /// <summary>Encodes <c>r || s</c> (two equal halves) as <c>ECDSA-Sig-Value</c>.</summary>
    /// <exception cref="ArgumentException">The input is empty or of odd length.</exception>
    public static byte[] IeeeP1363ToDer(ReadOnlySpan<byte> rawSignature)
    {
        if (rawSignature.IsEmpty || rawSignature.Length % 2 != 0 || rawSignature.Length > 264)
        {
            throw new ArgumentException($"An r||s ECDSA signature has two equal halves; got {rawSignature.Length} bytes.", nameof(rawSignature));
        }

        var half = rawSignature.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteIntegerUnsigned(Minimal(rawSignature[..half]));
        writer.WriteIntegerUnsigned(Minimal(rawSignature[half..]));
        writer.PopSequence();
        return writer.Encode();
    }

    /// <summary>
    /// Drops the leading zero bytes a fixed-width field carries when r or s is short (about one signature in 128),
    /// because DER demands the minimal encoding and <see cref="AsnWriter"/> refuses anything else.
    /// </summary>
    private static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> field)
    {
        var firstSignificant = field.IndexOfAnyExcept((byte)0);
        return firstSignificant < 0 ? field[^1..] : field[firstSignificant..];
    }
}
