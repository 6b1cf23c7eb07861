using System.Formats.Asn1;

namespace Signing.Pki.Asn1;

/// <summary>The TSA's reply envelope (RFC 3161 section 2.4.2).</summary>
/// <remarks>
/// <code>
/// TimeStampResp ::= SEQUENCE  {
///    status                  PKIStatusInfo,
///    timeStampToken          TimeStampToken     OPTIONAL  }
///
/// PKIStatusInfo ::= SEQUENCE {
///    status        PKIStatus,
///    statusString  PKIFreeText     OPTIONAL,
///    failInfo      PKIFailureInfo  OPTIONAL  }
///
/// PKIStatus ::= INTEGER {
///    granted                (0),
///    grantedWithMods        (1),
///    rejection              (2),
///    waiting                (3),
///    revocationWarning      (4),
///    revocationNotification (5) }
///
/// PKIFreeText ::= SEQUENCE SIZE (1..MAX) OF UTF8String
///
/// PKIFailureInfo ::= BIT STRING {
///    badAlg               (0),
///    badRequest           (2),
///    badDataFormat        (5),
///    timeNotAvailable    (14),
///    unacceptedPolicy    (15),
///    unacceptedExtension (16),
///    addInfoNotAvailable (17),
///    systemFailure       (25) }
///
/// TimeStampToken ::= ContentInfo
/// </code>
/// </remarks>
internal sealed record TimeStampRespAsn(int Status, string? StatusText, int? FailureBit, ReadOnlyMemory<byte>? Token)
{
    internal const int Granted = 0;
    internal const int GrantedWithMods = 1;
    internal const int Rejection = 2;
    internal const int BadAlg = 0;
    internal const int BadRequest = 2;
    internal const int BadDataFormat = 5;
    internal const int SystemFailure = 25;

    internal byte[] Encode()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.PushSequence();
        writer.WriteInteger(Status);
        if (StatusText is not null)
        {
            writer.PushSequence();
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, StatusText);
            writer.PopSequence();
        }

        if (FailureBit is { } bit)
        {
            // Named bit lists drop trailing zero bits in DER; WriteNamedBitList does that for us.
            writer.WriteNamedBitList(new System.Collections.BitArray(bit + 1) { [bit] = true });
        }

        writer.PopSequence();
        if (Token is { } token)
        {
            writer.WriteEncodedValue(token.Span);
        }

        writer.PopSequence();
        return writer.Encode();
    }

    internal static TimeStampRespAsn Decode(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var resp = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var info = resp.ReadSequence();
        if (!info.TryReadInt32(out var status))
        {
            throw new AsnContentException("PKIStatus is out of range");
        }

        string? text = null;
        if (info.HasData && info.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var texts = info.ReadSequence();
            var parts = new List<string>();
            while (texts.HasData && parts.Count < 8)
            {
                parts.Add(texts.ReadCharacterString(UniversalTagNumber.UTF8String));
            }

            text = string.Join(" ", parts);
        }

        int? failure = null;
        if (info.HasData)
        {
            var bits = info.ReadNamedBitList();
            for (var i = 0; i < bits.Length && failure is null; i++)
            {
                if (bits[i])
                {
                    failure = i;
                }
            }
        }

        info.ThrowIfNotEmpty();
        ReadOnlyMemory<byte>? token = resp.HasData ? resp.ReadEncodedValue() : (ReadOnlyMemory<byte>?)null;
        resp.ThrowIfNotEmpty();
        return new TimeStampRespAsn(status, text, failure, token);
    }
}
