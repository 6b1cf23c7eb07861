using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Tsp;

namespace Signing.Pki.Timestamping;

/// <summary>
/// The TSA's reply envelope (RFC 3161 section 2.4.2, <c>TimeStampResp</c>): status, status text,
/// the first failure bit and the token. .NET's Rfc3161TimestampRequest.ProcessResponse reads the
/// token but neither reports why a TSA refused nor writes replies; BouncyCastle's
/// Org.BouncyCastle.Asn1.Tsp types encode and parse the envelope here.
/// </summary>
internal sealed record TimestampReply(int Status, string? StatusText, int? FailureBit, ReadOnlyMemory<byte>? Token)
{
    internal const int Granted = 0;
    internal const int GrantedWithMods = 1;
    internal const int Rejection = 2;

    // PKIFailureInfo bit numbers (RFC 3161 section 2.4.2).
    internal const int BadAlg = 0;
    internal const int BadRequest = 2;
    internal const int BadDataFormat = 5;
    internal const int UnacceptedPolicy = 15;
    internal const int UnacceptedExtension = 16;
    internal const int SystemFailure = 25;

    /// <summary>Most PKIFreeText strings read into <see cref="StatusText"/>.</summary>
    private const int MaxStatusStrings = 8;

    internal byte[] Encode()
    {
        var status = new PkiStatusInfo(
            Status,
            StatusText is null ? null : new PkiFreeText(StatusText),
            FailureBit is { } bit ? new PkiFailureInfo(SingleNamedBit(bit)) : null);
        var token = Token is { } encoded ? ContentInfo.GetInstance(Asn1Object.FromByteArray(encoded.ToArray())) : null;
        return new TimeStampResp(status, token).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>Parses a DER TimeStampResp; the caller runs <see cref="Asn1.DerInputGuard"/> first.</summary>
    internal static TimestampReply Decode(ReadOnlyMemory<byte> der)
    {
        var reply = TimeStampResp.GetInstance(Asn1Object.FromByteArray(der.ToArray()));
        var info = reply.Status;
        var texts = info.StatusString;
        var text = texts is null
            ? null
            : string.Join(" ", Enumerable.Range(0, Math.Min(texts.Count, MaxStatusStrings)).Select(i => texts[i].GetString()));
        return new TimestampReply(
            info.Status.IntValueExact,
            text,
            info.FailInfo is { } failInfo ? FirstSetBit(failInfo) : null,
            reply.TimeStampToken?.GetEncoded(Asn1Encodable.Der));
    }

    // DER drops trailing zero bits of a named bit list, so bit n alone is n + 1 bits long.
    private static DerBitString SingleNamedBit(int bit)
    {
        var bytes = new byte[bit / 8 + 1];
        bytes[bit / 8] = (byte)(0x80 >> (bit % 8));
        return new DerBitString(bytes, 7 - bit % 8);
    }

    private static int? FirstSetBit(DerBitString bits)
    {
        var bytes = bits.GetBytes();
        for (var i = 0; i < bytes.Length * 8 - bits.PadBits; i++)
        {
            if ((bytes[i / 8] & (0x80 >> (i % 8))) != 0)
            {
                return i;
            }
        }

        return null;
    }
}
