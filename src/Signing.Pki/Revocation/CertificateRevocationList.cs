using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Asn1;

namespace Signing.Pki.Revocation;

/// <summary>One revoked certificate listed in a CRL.</summary>
/// <param name="SerialNumber">The serial number, big-endian as in the certificate.</param>
/// <param name="RevocationDate">When the CA revoked it.</param>
/// <param name="Reason">The reasonCode entry extension, when present.</param>
public sealed record RevokedCertificateEntry(byte[] SerialNumber, DateTimeOffset RevocationDate, X509RevocationReason? Reason);

/// <summary>
/// A decoded X.509 CRL (RFC 5280 section 5), full or delta. Decoding checks structure only; call
/// <see cref="IsSignedBy"/> before trusting its contents.
/// </summary>
/// <remarks>
/// <code>
/// CertificateList  ::=  SEQUENCE  {
///      tbsCertList          TBSCertList,
///      signatureAlgorithm   AlgorithmIdentifier,
///      signatureValue       BIT STRING  }
///
/// TBSCertList  ::=  SEQUENCE  {
///      version                 Version OPTIONAL, -- if present, MUST be v2
///      signature               AlgorithmIdentifier,
///      issuer                  Name,
///      thisUpdate              Time,
///      nextUpdate              Time OPTIONAL,
///      revokedCertificates     SEQUENCE OF SEQUENCE  {
///           userCertificate         CertificateSerialNumber,
///           revocationDate          Time,
///           crlEntryExtensions      Extensions OPTIONAL } OPTIONAL,
///      crlExtensions           [0]  EXPLICIT Extensions OPTIONAL  }
///
/// Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }
/// CRLNumber ::= INTEGER (0..MAX)                     -- id-ce-cRLNumber 2.5.29.20
/// BaseCRLNumber ::= CRLNumber                        -- id-ce-deltaCRLIndicator 2.5.29.27
/// CRLReason ::= ENUMERATED { ... }                   -- id-ce-cRLReasons 2.5.29.21
/// </code>
/// </remarks>
public sealed class CertificateRevocationList
{
    private const string CrlNumberOid = "2.5.29.20";
    private const string DeltaCrlIndicatorOid = "2.5.29.27";
    private const string ReasonCodeOid = "2.5.29.21";
    private const string FreshestCrlOid = "2.5.29.46";

    private readonly Dictionary<BigInteger, RevokedCertificateEntry> _revoked;
    private readonly ReadOnlyMemory<byte> _tbs;
    private readonly string _signatureAlgorithm;
    private readonly byte[] _signature;

    private CertificateRevocationList(
        ReadOnlyMemory<byte> tbs,
        string signatureAlgorithm,
        byte[] signature,
        X500DistinguishedName issuer,
        DateTimeOffset thisUpdate,
        DateTimeOffset? nextUpdate,
        BigInteger? crlNumber,
        BigInteger? baseCrlNumber,
        IReadOnlyList<Uri> freshestCrlUrls,
        Dictionary<BigInteger, RevokedCertificateEntry> revoked)
    {
        _tbs = tbs;
        _signatureAlgorithm = signatureAlgorithm;
        _signature = signature;
        Issuer = issuer;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        CrlNumber = crlNumber;
        BaseCrlNumber = baseCrlNumber;
        FreshestCrlUrls = freshestCrlUrls;
        _revoked = revoked;
    }

    /// <summary>The DER CertificateList as decoded (PEM input is unwrapped), e.g. for a PDF's /DSS /CRLs.</summary>
    public ReadOnlyMemory<byte> Encoded { get; private set; }

    /// <summary>The CRL issuer's name.</summary>
    public X500DistinguishedName Issuer { get; }

    /// <summary>When this CRL was issued.</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>When the next CRL is due; null if the CRL does not say.</summary>
    public DateTimeOffset? NextUpdate { get; }

    /// <summary>The cRLNumber extension.</summary>
    public BigInteger? CrlNumber { get; }

    /// <summary>For a delta CRL, the number of the base CRL it updates (deltaCRLIndicator); null for a full CRL.</summary>
    public BigInteger? BaseCrlNumber { get; }

    /// <summary>True if this is a delta CRL.</summary>
    public bool IsDelta => BaseCrlNumber is not null;

    /// <summary>Where delta CRLs for this CRL are published (freshestCRL extension).</summary>
    public IReadOnlyList<Uri> FreshestCrlUrls { get; }

    /// <summary>The revoked entries.</summary>
    public IReadOnlyCollection<RevokedCertificateEntry> RevokedCertificates => _revoked.Values;

    /// <summary>Decodes a DER (or PEM <c>X509 CRL</c>) CRL; throws <see cref="MalformedPkiDataException"/> when malformed.</summary>
    public static CertificateRevocationList Decode(ReadOnlyMemory<byte> data, int maxLength = 64 * 1024 * 1024)
    {
        if (data.Length > 10 && data.Span[0] == (byte)'-')
        {
            // PemEncoding.Find throws ArgumentException for text with no PEM block: a malformed CRL, not a caller's bug.
            var text = System.Text.Encoding.ASCII.GetString(data.Span);
            if (!System.Security.Cryptography.PemEncoding.TryFind(text, out var fields))
            {
                throw new MalformedPkiDataException("CertificateList", "input starts like PEM but has no PEM block");
            }

            data = Convert.FromBase64String(text[fields.Base64Data]);
        }

        var crl = DerInputGuard.Decode(data, "CertificateList", DecodeCore, maxLength);
        crl.Encoded = data;
        return crl;
    }

    /// <summary>Finds the entry for <paramref name="serialNumber"/>, or null if it is not listed.</summary>
    public RevokedCertificateEntry? Find(ReadOnlySpan<byte> serialNumber) =>
        _revoked.GetValueOrDefault(new BigInteger(serialNumber, isUnsigned: false, isBigEndian: true));

    /// <summary>True if the CRL's signature verifies with <paramref name="issuer"/>'s key and names it as issuer.</summary>
    public bool IsSignedBy(X509Certificate2 issuer) =>
        issuer.SubjectName.RawData.AsSpan().SequenceEqual(Issuer.RawData)
        && SignatureAlgorithms.Verify(_signatureAlgorithm, _tbs.Span, _signature, issuer);

    /// <summary>The entries of a base CRL updated by a delta CRL (RFC 5280 5.2.4): removeFromCRL entries are dropped.</summary>
    public static IReadOnlyCollection<RevokedCertificateEntry> Merge(CertificateRevocationList full, CertificateRevocationList delta)
    {
        if (full.IsDelta || !delta.IsDelta)
        {
            throw new ArgumentException("Merge takes a full CRL and a delta CRL.");
        }

        if (full.CrlNumber is null || delta.BaseCrlNumber > full.CrlNumber)
        {
            throw new ArgumentException($"Delta CRL is based on CRL {delta.BaseCrlNumber}, newer than full CRL {full.CrlNumber}.");
        }

        var merged = new Dictionary<BigInteger, RevokedCertificateEntry>(full._revoked);
        foreach (var (serial, entry) in delta._revoked)
        {
            if (entry.Reason == X509RevocationReason.RemoveFromCrl)
            {
                merged.Remove(serial);
            }
            else
            {
                merged[serial] = entry;
            }
        }

        return merged.Values;
    }

    private static CertificateRevocationList DecodeCore(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var list = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbsBytes = list.PeekEncodedValue();
        var tbs = list.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            if (!tbs.TryReadInt32(out var version) || version != 1)
            {
                throw new AsnContentException("CRL version is not v2");
            }
        }

        var innerAlgorithm = SignatureAlgorithms.ReadAlgorithmOid(tbs);
        var issuer = new X500DistinguishedName(tbs.ReadEncodedValue().Span);
        var thisUpdate = ReadTime(tbs);
        DateTimeOffset? nextUpdate = null;
        if (tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
        {
            nextUpdate = ReadTime(tbs);
        }

        var revoked = new Dictionary<BigInteger, RevokedCertificateEntry>();
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var entries = tbs.ReadSequence();
            while (entries.HasData)
            {
                // Each entry costs at least ~15 input bytes, so the input size bounds this loop.
                var entry = entries.ReadSequence();
                var serial = entry.ReadIntegerBytes().ToArray();
                var date = ReadTime(entry);
                X509RevocationReason? reason = null;
                if (entry.HasData)
                {
                    foreach (var extension in ExtensionAsn.DecodeAll(entry))
                    {
                        if (extension.Oid == ReasonCodeOid)
                        {
                            reason = new AsnReader(extension.Value, AsnEncodingRules.DER).ReadEnumeratedValue<X509RevocationReason>();
                        }
                        else if (extension.Critical)
                        {
                            throw new AsnContentException($"unsupported critical CRL entry extension {extension.Oid}");
                        }
                    }
                }

                entry.ThrowIfNotEmpty();
                revoked[new BigInteger(serial, isBigEndian: true)] = new RevokedCertificateEntry(serial, date, reason);
            }
        }

        BigInteger? crlNumber = null;
        BigInteger? baseCrlNumber = null;
        var freshest = new List<Uri>();
        if (tbs.HasData)
        {
            var wrapper = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            foreach (var extension in ExtensionAsn.DecodeAll(wrapper))
            {
                switch (extension.Oid)
                {
                    case CrlNumberOid:
                        crlNumber = new AsnReader(extension.Value, AsnEncodingRules.DER).ReadInteger();
                        break;
                    case DeltaCrlIndicatorOid:
                        baseCrlNumber = new AsnReader(extension.Value, AsnEncodingRules.DER).ReadInteger();
                        break;
                    case FreshestCrlOid:
                        freshest.AddRange(CertificateLocations.DecodeDistributionPointUris(extension.Value));
                        break;
                    default:
                        if (extension.Critical && extension.Oid is not "2.5.29.28" and not "2.5.29.35")
                        {
                            throw new AsnContentException($"unsupported critical CRL extension {extension.Oid}");
                        }

                        break;
                }
            }

            wrapper.ThrowIfNotEmpty();
        }

        tbs.ThrowIfNotEmpty();
        var outerAlgorithm = SignatureAlgorithms.ReadAlgorithmOid(list);
        if (outerAlgorithm != innerAlgorithm)
        {
            throw new AsnContentException($"signatureAlgorithm {outerAlgorithm} differs from TBSCertList.signature {innerAlgorithm}");
        }

        var signature = list.ReadBitString(out _);
        list.ThrowIfNotEmpty();
        return new CertificateRevocationList(tbsBytes, outerAlgorithm, signature, issuer, thisUpdate, nextUpdate, crlNumber, baseCrlNumber, freshest, revoked);
    }

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}
