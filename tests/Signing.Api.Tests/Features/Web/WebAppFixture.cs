using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Fixtures;
using Signing.Pdf.Drawing;
using Signing.Pdf.Signatures;
using Signing.Pki;
using Signing.Pki.DevPki;
using Signing.Storage.Accounts;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Web;

/// <summary>
/// The web app on Kestrel for one test class, and what its pages are shown: a decision signed on the token by the
/// chairman (a visible signature) and then by the agency seal (the copy stamp), the same file with one letter of its
/// text changed, and a person who signs in with a client certificate.
/// </summary>
public sealed class WebAppFixture(TokenPki pki) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-web-").FullName;

    /// <summary>The running service.</summary>
    public WebAppFactory App { get; private set; } = null!;

    /// <summary>The twice-signed PDF, as a file named like an agency would name it.</summary>
    public string SignedPdfPath { get; private set; } = null!;

    /// <summary>The signed PDF with "Page 1" changed to "Page 7" after signing.</summary>
    public string TamperedPdfPath { get; private set; } = null!;

    /// <summary>The person registered with <see cref="ClientCertificatePath"/>.</summary>
    public User CertificatePerson { get; private set; } = null!;

    /// <summary>That person's certificate (PEM), issued by the dev PKI's sub-CA.</summary>
    public string ClientCertificatePath { get; private set; } = null!;

    /// <summary>That certificate's private key (PKCS#8 PEM).</summary>
    public string ClientKeyPath { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var clientAuthorities = Path.Combine(_directory, "client-ca.pem");
        await File.WriteAllTextAsync(clientAuthorities, await File.ReadAllTextAsync(pki.RootPemFile) + "\n" + pki.SubCaPem);
        // Issued before the service starts, so that its dev PKI (which answers OCSP for the certificate) knows it.
        using var certificate = IssuePersonCertificate();
        App = await new WebAppFactory(pki, clientAuthorities).StartAsync();
        CertificatePerson = await App.Services.GetRequiredService<AccountStore>().CreateUserAsync(App.A.Agency.Id, "tranthibinh",
            "Trần Thị Bình", "Phó Chủ tịch", null, [Roles.Official], CertificateThumbprint.Sha256Hex(certificate), default);

        var signed = await SignTwiceAsync();
        SignedPdfPath = Path.Combine(_directory, "quyet-dinh-da-ky.pdf");
        await File.WriteAllBytesAsync(SignedPdfPath, signed);
        var text = signed.AsSpan().IndexOf("(Page 1)"u8);
        Assert.True(text > 0, "The test document's text was not found in the signed PDF.");
        signed[text + 6] = (byte)'7';
        TamperedPdfPath = Path.Combine(_directory, "quyet-dinh-bi-sua.pdf");
        await File.WriteAllBytesAsync(TamperedPdfPath, signed);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private X509Certificate2 IssuePersonCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Trần Thị Bình, OU=Lãnh đạo, O=ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, C=VN", key,
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var authority = DevCertificateAuthority.Open(pki.PkiDirectory);
        var issued = authority.IssueFromCsr(request.CreateSigningRequest());
        ClientCertificatePath = Path.Combine(_directory, "tranthibinh.pem");
        ClientKeyPath = Path.Combine(_directory, "tranthibinh.key");
        File.WriteAllText(ClientCertificatePath, issued.ExportCertificatePem());
        File.WriteAllText(ClientKeyPath, key.ExportPkcs8PrivateKeyPem());
        return issued;
    }

    private async Task<byte[]> SignTwiceAsync()
    {
        var chain = new X509Certificate2Collection { X509Certificate2.CreateFromPem(pki.SubCaPem) };
        using var approved = new MemoryStream();
        using (var official = pki.Open(pki.Official))
        {
            await PadesSigner.SignAsync(new MemoryStream(ClassicPdfBuilder.SimpleDocument()), approved, official.PrivateKey, new PadesSignOptions
            {
                Certificate = pki.Official.Certificate,
                Chain = chain,
                Pdf = new PdfSignatureOptions
                {
                    Reason = "Phê duyệt",
                    Appearance = new SignatureAppearance
                    {
                        PageNumber = 1,
                        Rectangle = new PdfRectangle(330, 560, 200, 80),
                        TextLines = ["CHỦ TỊCH", "Nguyễn Văn An"],
                    },
                },
            });
        }

        using var sealedCopy = new MemoryStream();
        using (var seal = pki.Open(pki.Seal))
        {
            await PadesSigner.SignAsync(new MemoryStream(approved.ToArray()), sealedCopy, seal.PrivateKey, new PadesSignOptions
            {
                Certificate = pki.Seal.Certificate,
                Chain = chain,
                Pdf = new PdfSignatureOptions
                {
                    Appearance = SignatureAppearance.CopyStamp("Bản sao điện tử", "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", DateTimeOffset.UtcNow),
                },
            });
        }

        return sealedCopy.ToArray();
    }
}
