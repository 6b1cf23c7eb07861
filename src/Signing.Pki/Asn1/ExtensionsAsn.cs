using System.Formats.Asn1;

namespace Signing.Pki.Asn1;

/// <summary>One X.509 extension as it appears in CRL messages (OCSP extensions go through BouncyCastle).</summary>
/// <remarks>
/// <code>
/// Extension  ::=  SEQUENCE  {
///      extnID      OBJECT IDENTIFIER,
///      critical    BOOLEAN DEFAULT FALSE,
///      extnValue   OCTET STRING }
/// Extensions  ::=  SEQUENCE SIZE (1..MAX) OF Extension
/// </code>
/// </remarks>
internal readonly record struct ExtensionAsn(string Oid, bool Critical, ReadOnlyMemory<byte> Value)
{
    /// <summary>Most extensions a message may carry; anything beyond is hostile.</summary>
    internal const int MaxCount = 64;

    internal void Encode(AsnWriter writer)
    {
        writer.PushSequence();
        writer.WriteObjectIdentifier(Oid);
        if (Critical)
        {
            writer.WriteBoolean(true);
        }

        writer.WriteOctetString(Value.Span);
        writer.PopSequence();
    }

    internal static ExtensionAsn Decode(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var oid = seq.ReadObjectIdentifier();
        var critical = false;
        if (seq.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
        {
            critical = seq.ReadBoolean();
        }

        var value = seq.ReadOctetString();
        seq.ThrowIfNotEmpty();
        return new ExtensionAsn(oid, critical, value);
    }

    internal static void EncodeAll(AsnWriter writer, IReadOnlyCollection<ExtensionAsn> extensions)
    {
        writer.PushSequence();
        foreach (var extension in extensions)
        {
            extension.Encode(writer);
        }

        writer.PopSequence();
    }

    internal static List<ExtensionAsn> DecodeAll(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var result = new List<ExtensionAsn>();
        while (seq.HasData)
        {
            if (result.Count == MaxCount)
            {
                throw new AsnContentException($"more than {MaxCount} extensions");
            }

            result.Add(Decode(seq));
        }

        return result;
    }
}
