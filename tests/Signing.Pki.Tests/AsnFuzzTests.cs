using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Cms;
using Signing.Pki.DevPki;
using Signing.Pki.Revocation;
using Signing.Pki.Timestamping;
using Signing.Testing;
using Xunit.Abstractions;

namespace Signing.Pki.Tests;

/// <summary>
/// The seeded mutation fuzzer (<see cref="MutationFuzzer"/>) over the ASN.1 decoders that read what other parties
/// send: CMS signatures (through the whole offline verifier), OCSP responses, RFC 3161 time-stamp responses and CRLs.
/// Each mutated input must give a result or a <see cref="MalformedPkiDataException"/> naming the structure (for a
/// time-stamp response also the <see cref="TimestampAuthorityException"/> of a reply that does not match its request),
/// within its time and memory budget.
/// </summary>
[Collection(DevPkiCollection.Name)]
public sealed class AsnFuzzTests(DevPkiFixture pki, ITestOutputHelper output)
{
    // Inputs are a few KB: 2 s leaves room for a loaded CI machine (the slowest seen is about 0.25 s, most take under a
    // millisecond) and still catches a hang or a quadratic loop; 16 MiB catches a length field believed.
    private static readonly FuzzBudget Budget = new(TimeSpan.FromSeconds(2), 16L * 1024 * 1024);

    [Fact]
    public async Task Cms_MutatedSignatures_GiveAReportOrAMalformedPkiDataException()
    {
        var signer = pki.IssueFresh("CMS fuzz");
        using var key = signer.GetRSAPrivateKey()!;
        var options = new CadesSignOptions { Certificate = signer, Chain = [pki.Authority.SubCa] };
        var timestamped = options with { Timestamper = new HttpTimestampClient(pki.Http, new Uri(pki.BaseUrl, "tsa")) };
        byte[][] corpus =
        [
            await CadesSigner.SignAsync("văn bản"u8.ToArray(), false, key, options, CancellationToken.None),
            await CadesSigner.SignAsync("văn bản"u8.ToArray(), false, key, timestamped, CancellationToken.None),
        ];
        var verifier = pki.Verifier(online: false);
        Run("cms", corpus, Budget, input => verifier.VerifyAsync(input, null, CancellationToken.None).GetAwaiter().GetResult());
    }

    /// <summary>
    /// Inputs the fuzzer once found failing, kept in <c>FuzzFindings/</c> (named target-seed-index, as the fuzzer saves
    /// them): the seeded corpus is signed afresh each run, so a finding's seed alone does not bring its input back.
    /// </summary>
    [Theory]
    [InlineData("cms-33986023-5621.bin")]
    public async Task Cms_EarlierFindings_GiveAReportOrAMalformedPkiDataException(string finding)
    {
        var input = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "FuzzFindings", finding));
        var verifier = pki.Verifier(online: false);
        try
        {
            var report = await verifier.VerifyAsync(input, null, CancellationToken.None);
            Assert.NotNull(report);
        }
        catch (MalformedPkiDataException e)
        {
            Assert.NotEmpty(e.Structure);
        }
    }

    [Fact]
    public void Ocsp_MutatedResponses_GiveAResultOrAMalformedPkiDataException()
    {
        var responder = new DevPkiResponder(pki.Authority);
        var good = pki.IssueFresh("OCSP fuzz good");
        var revoked = pki.IssueFresh("OCSP fuzz revoked");
        pki.Authority.Revoke(revoked, X509RevocationReason.KeyCompromise);
        var certId = OcspCertificateId.For(pki.Authority.SubCa, good.SerialNumberBytes.ToArray(), HashAlgorithmName.SHA1);
        var revokedId = OcspCertificateId.For(pki.Authority.SubCa, revoked.SerialNumberBytes.ToArray(), HashAlgorithmName.SHA256);
        byte[][] corpus =
        [
            responder.RespondToOcsp(new OcspRequestMessage([certId], null).Encode()),
            responder.RespondToOcsp(new OcspRequestMessage([revokedId], null).Encode()),
        ];
        var client = new OcspClient(pki.Http);
        Run("ocsp", corpus, Budget, input => client.Interpret(input, certId, null, pki.Authority.SubCa, "fuzz"));
    }

    [Fact]
    public void Tsp_MutatedResponses_GiveATokenOrAMalformedPkiDataException()
    {
        var responder = new DevPkiResponder(pki.Authority);
        var request = Rfc3161TimestampRequest.CreateFromHash(SHA256.HashData("t"u8), HashAlgorithmName.SHA256, requestSignerCertificates: true);
        var bare = Rfc3161TimestampRequest.CreateFromHash(SHA256.HashData("t"u8), HashAlgorithmName.SHA256, requestSignerCertificates: false);
        byte[][] corpus = [responder.RespondToTimestampQuery(request.Encode()), responder.RespondToTimestampQuery(bare.Encode())];
        // A response that decodes but does not answer the request (another hash, no TSA certificate) is the client's
        // documented TimestampAuthorityException, the 503 tsa-unavailable of the API.
        Run("tsp", corpus, Budget, input => HttpTimestampClient.ReadResponse(request, input), exception => exception is TimestampAuthorityException);
    }

    [Fact]
    public void Crl_MutatedLists_GiveAListOrAMalformedPkiDataException()
    {
        var revoked = pki.IssueFresh("CRL fuzz revoked");
        pki.Authority.Revoke(revoked, X509RevocationReason.Superseded);
        byte[][] corpus = [pki.Authority.BuildCrl()];
        Run("crl", corpus, Budget, input =>
        {
            // Read what a revocation check reads: every entry, and the list's signature against its issuer.
            var crl = CertificateRevocationList.Decode(input);
            _ = crl.RevokedCertificates.Count;
            crl.IsSignedBy(pki.Authority.SubCa);
        });
    }

    private void Run(string target, IReadOnlyList<byte[]> corpus, FuzzBudget budget, Action<byte[]> parse, Func<Exception, bool>? alsoTyped = null)
    {
        var findings = new List<string>();
        foreach (var seed in MutationFuzzer.Seeds())
        {
            var report = MutationFuzzer.Run(target, corpus, seed, MutationFuzzer.InputsPerSeed(), budget, parse,
                exception => exception is MalformedPkiDataException { Structure.Length: > 0 } || alsoTyped?.Invoke(exception) == true);
            output.WriteLine(report.ToString());
            findings.AddRange(report.Findings);
        }

        Assert.True(findings.Count == 0, string.Join("\n\n", findings));
    }
}
