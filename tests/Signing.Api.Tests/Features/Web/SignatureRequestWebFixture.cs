using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Credentials;
using Signing.Api.Features.SignatureRequests;
using Signing.Api.Features.Verification;
using Signing.Api.Tests.Fixtures;
using Signing.Pdf.Drawing;
using Signing.Pdf.Signatures;
using Signing.Pki.Validation;
using Signing.Storage.Accounts;
using Signing.Storage.Keys;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Web;

/// <summary>
/// The web app on Kestrel with what the signature-request pages need in agency A: the chairman's signing key on the
/// token (with a blue signature image) and the agency's seal key (with a red seal image), a clerk, a deputy and a third
/// official, and a Decision in the form of Decree 30 (a "Số:" line, a date line and a "CHỦ TỊCH" line the signature
/// goes below). Requests are submitted by the agency's portal, as a calling system would.
/// </summary>
public sealed class SignatureRequestWebFixture(TokenPki pki) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("signing-web-requests-").FullName;

    /// <summary>The running service.</summary>
    public WebAppFactory App { get; private set; } = null!;

    /// <summary>The desk signer on the chairman's computer, holding his USB token (the token key of <see cref="TokenPki.Official"/>).</summary>
    public FakeDeskSigner Desk { get; private set; } = null!;

    /// <summary>Agency A's clerk (văn thư).</summary>
    public User Clerk { get; private set; } = null!;

    /// <summary>Agency A's vice-chairman, an official without a key of his own.</summary>
    public User Deputy { get; private set; } = null!;

    /// <summary>Another official of agency A, whom a signature may be delegated to.</summary>
    public User ThirdOfficial { get; private set; } = null!;

    /// <summary>The Decision to sign.</summary>
    public byte[] Decision { get; private set; } = [];

    /// <summary>The service's workflow.</summary>
    public SignatureRequestService Requests => App.Services.GetRequiredService<SignatureRequestService>();

    public async Task InitializeAsync()
    {
        var clientAuthorities = Path.Combine(_directory, "client-ca.pem");
        await File.WriteAllTextAsync(clientAuthorities, await File.ReadAllTextAsync(pki.RootPemFile) + "\n" + pki.SubCaPem);
        Desk = await FakeDeskSigner.StartAsync(SignAtTheDeskAsync);
        App = await new WebAppFactory(pki, clientAuthorities, new Dictionary<string, string?> { ["Web:DeskSignerUrl"] = Desk.Url }).StartAsync();
        var accounts = App.Services.GetRequiredService<AccountStore>();
        var agency = App.A.Agency.Id;
        var hash = new PasswordHasher<User>().HashPassword(null!, ApiFactory.Password);
        Clerk = await accounts.CreateUserAsync(agency, "vanthu-a", "Lê Thị Hoa", "Văn thư", hash, [Roles.Clerk], null, default);
        Deputy = await accounts.CreateUserAsync(agency, "phochutich-a", "Trần Văn Bình", "Phó Chủ tịch", hash, [Roles.Official], null, default);
        ThirdOfficial = await accounts.CreateUserAsync(agency, "uyvien-a", "Phạm Thị Cúc", "Ủy viên", hash, [Roles.Official], null, default);

        var keys = App.Services.GetRequiredService<SigningKeyStore>();
        var official = await keys.CreateAsync(agency, App.A.Official.Id, KeyPurpose.Official, KeyLocation.Pkcs11, pki.Official.Uri,
            pki.Official.Certificate, pki.SubCaPem, default);
        await keys.SetAppearanceAsync(official.Id, SignatureImage(), default);
        var seal = await keys.CreateAsync(agency, null, KeyPurpose.AgencySeal, KeyLocation.Pkcs11, pki.Seal.Uri, pki.Seal.Certificate, pki.SubCaPem, default);
        await keys.SetAppearanceAsync(seal.Id, SealImage(), default);
        Decision = await DecisionAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Desk.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Submits the Decision as agency A's portal along <paramref name="route"/>.</summary>
    public async Task<RequestView> SubmitAsync(string title, RouteStepSpec[] route, string urgency = Urgencies.Normal, DateTimeOffset? deadline = null)
    {
        var portal = new Actor(Actor.Client, App.A.Caller.Id, App.A.Caller.Name, App.A.Agency.Id, [Roles.Caller]);
        var submitted = await Requests.SubmitAsync(portal, new SubmitMetadata(title, "Quyết định", "{số}/QĐ-UBND", urgency, Secrecies.None, deadline,
            null, null, route), new NamedPdf("quyet-dinh.pdf", Decision), [], default);
        Assert.True(submitted.Failure is null, submitted.Failure?.Detail);
        return submitted.Value!;
    }

    /// <summary>A route: the chairman signs below "CHỦ TỊCH", then the clerks register and seal (and copy).</summary>
    public RouteStepSpec[] ChairmanThenClerks(bool copy = false) =>
    [
        new(StepKinds.Sign, [App.A.Official.Username], null, null, null, "CHỦ TỊCH", null, null),
        new(StepKinds.Register, ["role:clerk"], null, null, null, null, null, null),
        new(StepKinds.Seal, ["role:clerk"], null, null, null, null, null, null),
        .. copy ? new RouteStepSpec[] { new(StepKinds.Copy, ["role:clerk"], null, null, null, null, null, null) } : [],
    ];

    /// <summary>The actor a person is to the services.</summary>
    public static Actor ActorOf(User user) => new(Actor.User, user.Id, user.Username, user.AgencyId, Roles.Parse(user.Roles));

    /// <summary>Sets <paramref name="user"/>'s signing PIN through the credential service (no sign-in spent) and returns it.</summary>
    public async Task<string> SetPinAsync(User user)
    {
        var pin = ApiFactory.RandomPassword(10);
        Assert.Null(await App.Services.GetRequiredService<SigningCredentials>().SetPinAsync(ActorOf(user), pin, default));
        return pin;
    }

    /// <summary>
    /// The newest revision of a request's main document, checked twice: by poppler's pdfsig (every signature valid) and
    /// by the service's own validation (every signature TOTAL_PASSED); returns the bytes and the signers' names.
    /// </summary>
    public async Task<(byte[] Pdf, IReadOnlyList<string> Signers)> CheckedDocumentAsync(string requestId, int expectedSignatures, long index = 0)
    {
        var document = await Requests.DocumentAsync(ActorOf(App.A.Admin), requestId, index, null, default);
        Assert.True(document.Failure is null, document.Failure?.Detail);
        var pdf = document.Value.Content;
        var path = Path.Combine(_directory, $"{requestId}-{index}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        var pdfsig = ExternalTool.Run("pdfsig", path);
        Assert.Equal(expectedSignatures, pdfsig.StandardOutput.Split("Signature Validation: Signature is Valid.").Length - 1);

        var verified = await App.Services.GetRequiredService<SignatureVerification>()
            .VerifyPdfAsync(new MemoryStream(pdf), pdf.Length, new AuditTrail { Action = "test" }, default);
        var report = verified.Value!.Report;
        Assert.Equal(expectedSignatures, report.Signatures.Count);
        Assert.All(report.Signatures, signature => Assert.Equal(Indication.TotalPassed, signature.Indication));
        return (pdf, [.. report.Signatures.Select(signature => signature.Validation.SignerName ?? "")]);
    }

    /// <summary>The text of a PDF, by poppler's pdftotext.</summary>
    public string TextOf(byte[] pdf)
    {
        var path = Path.Combine(_directory, $"text-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        var text = ExternalTool.Run("pdftotext", "-enc", "UTF-8", path, "-");
        Assert.True(text.ExitCode == 0, text.Combined);
        return text.StandardOutput;
    }

    // What the desk signer does with the token: a visible signature below the "CHỦ TỊCH" line.
    private async Task<byte[]> SignAtTheDeskAsync(byte[] original)
    {
        using var token = pki.Open(pki.Official);
        using var signed = new MemoryStream();
        await PadesSigner.SignAsync(new MemoryStream(original), signed, token.PrivateKey, new PadesSignOptions
        {
            Certificate = pki.Official.Certificate,
            Chain = [X509Certificate2.CreateFromPem(pki.SubCaPem)],
            Pdf = new PdfSignatureOptions
            {
                Appearance = new SignatureAppearance
                {
                    PageNumber = 1,
                    Rectangle = new PdfRectangle(325, 320, 190, 90),
                    TextLines = ["Nguyễn Văn An"],
                    CenterText = true,
                },
            },
        });
        return signed.ToArray();
    }

    // A Decision in the layout of Decree 30 Appendix I, with the placeholders the clerk's registration fills.
    private static async Task<byte[]> DecisionAsync()
    {
        using var pdf = new MemoryStream();
        await OutgoingDocument.WriteAsync(new OutgoingDocumentContent("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH", "/QĐ-UBND",
            "Hòa Bình", "Quyết định", "Về việc triển khai ký số văn bản đi",
            [
                "Điều 1. Các cơ quan, đơn vị trên địa bàn xã ký số đối với toàn bộ văn bản đi bằng chứng thư chữ ký số chuyên dùng công vụ.",
                "Điều 2. Văn phòng Ủy ban nhân dân xã hướng dẫn, kiểm tra việc thực hiện.",
                "Điều 3. Quyết định có hiệu lực kể từ ngày ký.",
            ], "Chủ tịch", ["Như Điều 2", "Lưu: VT"]), pdf);
        return pdf.ToArray();
    }

    // A handwritten signature in blue: a zigzag stroke on a transparent background.
    private static byte[] SignatureImage()
    {
        const int width = 240, height = 90;
        var rgba = new byte[width * height * 4];
        for (var x = 10; x < width - 10; x++)
        {
            var centre = (height / 2) + (int)(30 * Math.Sin(x / 18.0));
            for (var y = centre - 3; y <= centre + 3; y++)
            {
                Ink(rgba, width, x, y, (20, 45, 170));
            }
        }

        return PngEncoder.Encode(width, height, rgba);
    }

    // The agency's seal in red: a ring with a star-less centre, on a transparent background.
    private static byte[] SealImage()
    {
        const int size = 160;
        var rgba = new byte[size * size * 4];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var r = Math.Sqrt(Math.Pow(x - (size / 2.0), 2) + Math.Pow(y - (size / 2.0), 2));
                if (r is > 66 and < 78 or < 20)
                {
                    Ink(rgba, size, x, y, (200, 24, 32));
                }
            }
        }

        return PngEncoder.Encode(size, size, rgba);
    }

    private static void Ink(byte[] rgba, int width, int x, int y, (byte R, byte G, byte B) colour)
    {
        var i = ((y * width) + x) * 4;
        (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]) = (colour.R, colour.G, colour.B, 255);
    }
}
