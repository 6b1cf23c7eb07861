using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Signing.Pdf;
using Signing.Pdf.Signatures;
using Signing.Pki.Cms;

namespace Signing.Bench;

/// <summary>
/// The PDF work around one signature, with a software RSA-2048 key so the token's cost is left out:
/// how much a signature costs on top of the token's own C_Sign.
/// </summary>
[MemoryDiagnoser]
public class PdfBenchmarks
{
    private byte[] _document = [];
    private RSA _key = null!;
    private X509Certificate2 _certificate = null!;

    /// <summary>Makes a 10-page document and a signing key.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _document = SamplePdf.Create(pages: 10);
        _key = RSA.Create(2048);
        var request = new CertificateRequest("CN=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH (BENCH), C=VN", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>Opens the document and resolves every page.</summary>
    [Benchmark]
    public int OpenAndWalkPages()
    {
        var reader = PdfReader.Open(new MemoryStream(_document, writable: false));
        var pages = reader.GetPageReferences();
        foreach (var page in pages)
        {
            reader.GetObject(page);
        }

        return pages.Count;
    }

    /// <summary>A complete PAdES B-B signature: prepare, digest, CAdES, embed.</summary>
    [Benchmark]
    public async Task<long> SignBaselineB()
    {
        using var output = new MemoryStream();
        await PdfSigner.SignAsync(new MemoryStream(_document, writable: false), output, new PdfSignatureOptions(), ProduceCms);
        return output.Length;
    }

    private ValueTask<byte[]> ProduceCms(ByteRangeToSign toSign, CancellationToken cancellationToken)
    {
        var request = CadesSigner.Prepare(toSign.Digest.Span, new CadesSignOptions { Certificate = _certificate });
        var signature = _key.SignHash(request.DigestToSign(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return ValueTask.FromResult(request.Assemble(signature));
    }

    /// <summary>Releases the key.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _key.Dispose();
        _certificate.Dispose();
    }
}
