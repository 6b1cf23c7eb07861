using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Signing.Pki.DevPki;

/// <summary>
/// The development CA modelled on the GCC hierarchy: a root, an issuing sub-CA, a TSA and an OCSP
/// responder certificate, all kept in one directory (certificates as PEM, keys as PKCS#8 PEM with
/// mode 0600, state.json with issued serials and revocations). HTTP-free: <see cref="DevPkiResponder"/>
/// answers protocol messages on top of it.
/// </summary>
public sealed class DevCertificateAuthority : IDisposable
{
    /// <summary>The OCSP no-check extension (RFC 6960 4.2.2.2.1): clients need not check the responder's revocation.</summary>
    internal const string OcspNoCheckOid = "1.3.6.1.5.5.7.48.1.5";

    private readonly RSA _rootKey;
    private readonly RSA _caKey;
    private readonly RSA _tsaKey;
    private readonly RSA _ocspKey;

    private DevCertificateAuthority(string directory, X509Certificate2 root, RSA rootKey, X509Certificate2 ca, RSA caKey, X509Certificate2 tsa, RSA tsaKey, X509Certificate2 ocsp, RSA ocspKey)
    {
        Directory = directory;
        Root = root;
        _rootKey = rootKey;
        SubCa = ca;
        _caKey = caKey;
        Tsa = tsa;
        _tsaKey = tsaKey;
        Ocsp = ocsp;
        _ocspKey = ocspKey;
    }

    /// <summary>The directory holding the dev PKI.</summary>
    public string Directory { get; }

    /// <summary>The root CA certificate (root.pem).</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The issuing CA certificate (ca.pem).</summary>
    public X509Certificate2 SubCa { get; }

    /// <summary>The TSA certificate (tsa.pem).</summary>
    public X509Certificate2 Tsa { get; }

    /// <summary>The OCSP responder certificate (ocsp.pem).</summary>
    public X509Certificate2 Ocsp { get; }

    /// <summary>The base URL written into CRL DP and AIA extensions.</summary>
    public Uri BaseUrl => new(State().BaseUrl);

    internal RSA TsaKey => _tsaKey;

    internal RSA OcspKey => _ocspKey;

    internal RSA CaKey => _caKey;

    internal RSA RootKey => _rootKey;

    internal string TsaPolicyOid => State().TsaPolicyOid;

    /// <summary>
    /// Creates a new dev PKI in <paramref name="directory"/> (which must not already hold one), with
    /// <paramref name="baseUrl"/> (e.g. <c>http://127.0.0.1:8787</c>) as where it will be served.
    /// </summary>
    /// <exception cref="IOException">The directory already holds a dev PKI.</exception>
    public static DevCertificateAuthority Initialize(string directory, DevPkiProfile profile, Uri baseUrl, TimeProvider? time = null)
    {
        System.IO.Directory.CreateDirectory(directory);
        if (File.Exists(Path.Combine(directory, DevPkiState.FileName)))
        {
            throw new IOException($"{directory} already holds a dev PKI ({DevPkiState.FileName} exists).");
        }

        var now = (time ?? TimeProvider.System).GetUtcNow();
        var notBefore = now.AddMinutes(-5);
        var baseText = baseUrl.ToString().TrimEnd('/');
        var state = new DevPkiState
        {
            BaseUrl = baseText,
            TsaPolicyOid = profile.TsaPolicyOid,
            EndEntityValidityYears = profile.EndEntityValidityYears,
            CertificatePolicyOid = profile.CertificatePolicyOid,
        };

        var rootKey = RSA.Create(profile.KeySize);
        var rootRequest = new CertificateRequest(DevPkiProfile.ParseSubject(profile.Root.Subject), rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        using var selfSigned = rootRequest.CreateSelfSigned(notBefore, now.AddYears(profile.Root.ValidityYears));

        // Keep keys apart from certificates, as Open() does, so signing paths behave the same either way.
        var root = X509CertificateLoader.LoadCertificate(selfSigned.RawData);

        var caKey = RSA.Create(profile.KeySize);
        var caRequest = new CertificateRequest(DevPkiProfile.ParseSubject(profile.SubCa.Subject), caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = Sign(caRequest, root, rootKey, baseText, "root", notBefore, Min(now.AddYears(profile.SubCa.ValidityYears), root.NotAfter), state);

        var tsaKey = RSA.Create(profile.KeySize);
        var tsaRequest = new CertificateRequest(DevPkiProfile.ParseSubject(profile.Tsa.Subject), tsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        tsaRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        tsaRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        tsaRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.8")], critical: true));
        var tsa = Sign(tsaRequest, ca, caKey, baseText, "ca", notBefore, Min(now.AddYears(profile.Tsa.ValidityYears), ca.NotAfter), state);

        var ocspKey = RSA.Create(profile.KeySize);
        var ocspRequest = new CertificateRequest(DevPkiProfile.ParseSubject(profile.Ocsp.Subject), ocspKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        ocspRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        ocspRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        ocspRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.9")], critical: false));
        ocspRequest.CertificateExtensions.Add(new X509Extension(OcspNoCheckOid, [0x05, 0x00], false));
        var ocsp = Sign(ocspRequest, ca, caKey, baseText, "ca", notBefore, Min(now.AddYears(profile.Ocsp.ValidityYears), ca.NotAfter), state);

        WriteCertificate(directory, "root.pem", root);
        WriteCertificate(directory, "ca.pem", ca);
        WriteCertificate(directory, "tsa.pem", tsa);
        WriteCertificate(directory, "ocsp.pem", ocsp);
        File.WriteAllText(Path.Combine(directory, "chain.pem"), ca.ExportCertificatePem() + "\n" + root.ExportCertificatePem() + "\n");
        WritePrivate(directory, "root.key", rootKey.ExportPkcs8PrivateKeyPem());
        WritePrivate(directory, "ca.key", caKey.ExportPkcs8PrivateKeyPem());
        WritePrivate(directory, "tsa.key", tsaKey.ExportPkcs8PrivateKeyPem());
        WritePrivate(directory, "ocsp.key", ocspKey.ExportPkcs8PrivateKeyPem());
        state.Save(directory);

        var authority = new DevCertificateAuthority(directory, root, rootKey, ca, caKey, tsa, tsaKey, ocsp, ocspKey);
        foreach (var example in profile.Examples)
        {
            using var key = RSA.Create(profile.KeySize);
            var request = new CertificateRequest(DevPkiProfile.ParseSubject(example.Subject), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var certificate = authority.IssueFromRequest(request, now, null);
            WriteCertificate(directory, example.Name + ".pem", certificate);

            // One PEM with key, certificate and chain: what 'signing sign cms --key' reads.
            WritePrivate(directory, example.Name + ".key", key.ExportPkcs8PrivateKeyPem() + "\n" + certificate.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n");
        }

        return authority;
    }

    /// <summary>Opens an existing dev PKI directory.</summary>
    /// <exception cref="InvalidDataException">The directory does not hold a dev PKI.</exception>
    public static DevCertificateAuthority Open(string directory)
    {
        DevPkiState.Load(directory);
        return new DevCertificateAuthority(
            directory,
            LoadCertificate(directory, "root.pem"), LoadKey(directory, "root.key"),
            LoadCertificate(directory, "ca.pem"), LoadKey(directory, "ca.key"),
            LoadCertificate(directory, "tsa.pem"), LoadKey(directory, "tsa.key"),
            LoadCertificate(directory, "ocsp.pem"), LoadKey(directory, "ocsp.key"));
    }

    /// <summary>
    /// Issues an end-entity certificate from a PKCS#10 CSR (DER or PEM) after checking its signature.
    /// The subject is kept; the extensions are the CA's (requested extensions are ignored).
    /// </summary>
    /// <exception cref="MalformedPkiDataException">The CSR is malformed or its signature does not verify.</exception>
    public X509Certificate2 IssueFromCsr(ReadOnlySpan<byte> csr, TimeProvider? time = null)
    {
        CertificateRequest request;
        try
        {
            request = csr.Length > 0 && csr[0] == (byte)'-'
                ? CertificateRequest.LoadSigningRequestPem(Encoding.ASCII.GetString(csr), HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, RSASignaturePadding.Pkcs1)
                : CertificateRequest.LoadSigningRequest(csr.ToArray(), HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, RSASignaturePadding.Pkcs1);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new MalformedPkiDataException("CertificationRequest", $"not a valid PKCS#10 request or its signature does not verify: {e.Message}", e);
        }

        return IssueFromRequest(request, (time ?? TimeProvider.System).GetUtcNow(), null);
    }

    /// <summary>
    /// Issues an end-entity certificate for <paramref name="publicKey"/> under <paramref name="subject"/>, without a CSR:
    /// what the GCC does when it changes a certificate's information or renews it for a key it already certified.
    /// <paramref name="notAfter"/> defaults to the profile's validity (never past the sub-CA's).
    /// </summary>
    public X509Certificate2 IssueFor(PublicKey publicKey, X500DistinguishedName subject, DateTimeOffset? notAfter = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(subject);
        var request = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return IssueFromRequest(request, (time ?? TimeProvider.System).GetUtcNow(), notAfter);
    }

    /// <summary>Revokes a certificate issued by the sub-CA (or the sub-CA itself, by the root) with <paramref name="reason"/>.</summary>
    /// <returns>The recorded revocation time.</returns>
    /// <exception cref="ArgumentException">The CA did not issue this serial, or it is already revoked.</exception>
    public DateTimeOffset Revoke(X509Certificate2 certificate, X509RevocationReason reason, TimeProvider? time = null)
    {
        var serial = Convert.ToHexString(certificate.SerialNumberBytes.Span);
        var revokedAt = (time ?? TimeProvider.System).GetUtcNow();
        revokedAt = new DateTimeOffset(revokedAt.Ticks - revokedAt.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        lock (DevPkiState.FileLock)
        {
            var state = State();
            var issued = state.Issued.FirstOrDefault(i => i.SerialHex == serial && (i.Issuer == "ca" ? certificate.IssuerName.RawData.AsSpan().SequenceEqual(SubCa.SubjectName.RawData) : certificate.IssuerName.RawData.AsSpan().SequenceEqual(Root.SubjectName.RawData)))
                ?? throw new ArgumentException($"Serial {serial} ('{certificate.Subject}') was not issued by this dev PKI.", nameof(certificate));
            if (state.Revoked.Any(r => r.SerialHex == serial && r.Issuer == issued.Issuer))
            {
                throw new ArgumentException($"Serial {serial} is already revoked.", nameof(certificate));
            }

            state.Revoked.Add(new RevocationRecord(serial, issued.Issuer, revokedAt, reason.ToString()));
            (state with { CrlNumber = state.CrlNumber + 1 }).Save(Directory);
        }

        return revokedAt;
    }

    /// <summary>Builds a CRL, signed with CertificateRevocationListBuilder, for the sub-CA (or the root when <paramref name="rootCrl"/>).</summary>
    public byte[] BuildCrl(bool rootCrl = false, TimeProvider? time = null)
    {
        var state = State();
        var issuerTag = rootCrl ? "root" : "ca";
        var builder = new CertificateRevocationListBuilder();
        foreach (var revoked in state.Revoked.Where(r => r.Issuer == issuerTag))
        {
            builder.AddEntry(Convert.FromHexString(revoked.SerialHex), revoked.RevokedAt, Enum.Parse<X509RevocationReason>(revoked.Reason));
        }

        var now = (time ?? TimeProvider.System).GetUtcNow();
        return builder.Build(rootCrl ? Root.CopyWithPrivateKey(_rootKey) : SubCa.CopyWithPrivateKey(_caKey), state.CrlNumber, now.AddDays(1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, now.AddMinutes(-1));
    }

    /// <summary>The status of a serial under the given issuer ("ca" or "root"): revoked record, issued (good) or unknown.</summary>
    internal (bool Issued, RevocationRecord? Revocation) Lookup(string issuerTag, ReadOnlySpan<byte> serial)
    {
        var state = State();
        var hex = Convert.ToHexString(new BigInteger(serial, isBigEndian: true).ToByteArray(isBigEndian: true));
        var issued = state.Issued.Any(i => i.Issuer == issuerTag && SameSerial(i.SerialHex, hex));
        var revocation = state.Revoked.FirstOrDefault(r => r.Issuer == issuerTag && SameSerial(r.SerialHex, hex));
        return (issued, revocation);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _rootKey.Dispose();
        _caKey.Dispose();
        _tsaKey.Dispose();
        _ocspKey.Dispose();
    }

    private static bool SameSerial(string a, string b) =>
        new BigInteger(Convert.FromHexString(a), isBigEndian: true) == new BigInteger(Convert.FromHexString(b), isBigEndian: true);

    private DevPkiState State() => DevPkiState.Load(Directory);

    private X509Certificate2 IssueFromRequest(CertificateRequest request, DateTimeOffset now, DateTimeOffset? notAfterWanted)
    {
        var state = State();
        var extensions = request.CertificateExtensions;
        extensions.Clear();
        extensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        extensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.DigitalSignature, true));
        if (state.CertificatePolicyOid is { } policy)
        {
            extensions.Add(CertificatePolicies(policy));
        }

        var notAfter = Min(notAfterWanted ?? now.AddYears(state.EndEntityValidityYears), SubCa.NotAfter);
        lock (DevPkiState.FileLock)
        {
            var fresh = State();
            var certificate = Sign(request, SubCa, _caKey, fresh.BaseUrl, "ca", now.AddMinutes(-5), notAfter, fresh);
            fresh.Save(Directory);
            return certificate;
        }
    }

    /// <summary>Adds SKI, AKI, CRL DP and AIA, signs with the issuer key, and records the serial in <paramref name="state"/>.</summary>
    private static X509Certificate2 Sign(CertificateRequest request, X509Certificate2 issuer, RSA issuerKey, string baseUrl, string issuerTag, DateTimeOffset notBefore, DateTimeOffset notAfter, DevPkiState state)
    {
        var crlPath = issuerTag == "root" ? "/root.crl" : "/crl";
        var issuerPath = issuerTag == "root" ? "/root.cer" : "/ca.cer";
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([baseUrl + crlPath]));
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([baseUrl + "/ocsp"], [baseUrl + issuerPath]));

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)(serial[0] & 0x7F | 0x10);
        var certificate = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1), notBefore, notAfter, serial);
        state.Issued.Add(new IssuedCertificateRecord(Convert.ToHexString(serial), issuerTag, certificate.Subject, notAfter));
        return certificate;
    }

    /// <summary>certificatePolicies with one PolicyInformation (RFC 5280 4.2.1.4).</summary>
    /// <remarks>
    /// <code>
    /// certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation
    /// PolicyInformation ::= SEQUENCE {
    ///      policyIdentifier   CertPolicyId,
    ///      policyQualifiers   SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }
    /// </code>
    /// </remarks>
    private static X509Extension CertificatePolicies(string policyOid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.PushSequence();
        writer.WriteObjectIdentifier(policyOid);
        writer.PopSequence();
        writer.PopSequence();
        return new X509Extension("2.5.29.32", writer.Encode(), false);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static void WriteCertificate(string directory, string name, X509Certificate2 certificate) =>
        File.WriteAllText(Path.Combine(directory, name), certificate.ExportCertificatePem() + "\n");

    /// <summary>Creates the file with mode 0600 from the start, so the key is never readable by others.</summary>
    private static void WritePrivate(string directory, string name, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(Path.Combine(directory, name), options);
        stream.Write(Encoding.ASCII.GetBytes(pem));
    }

    private static X509Certificate2 LoadCertificate(string directory, string name) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory, name)));

    private static RSA LoadKey(string directory, string name)
    {
        var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(directory, name)));
        return key;
    }
}
