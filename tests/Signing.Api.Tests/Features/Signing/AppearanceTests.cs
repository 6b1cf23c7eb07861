using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Signing.Api.Tests.Fixtures;
using Signing.Pdf;
using Signing.Pdf.Signatures;
using Signing.Pdf.Text;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>
/// Visible signatures through sign/pdf and the two-step prepare: placed by rect or anchor, with signature and seal
/// images, default text from the certificate, the copy stamp, and a named 400 for every unusable option.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class AppearanceTests(TokenPki pki) : IAsyncLifetime
{
    private static readonly Lazy<byte[]> SignaturePng = new(() => RenderPng(200, 80, "0 0 1 RG 6 w 1 J 10 20 m 60 70 l 100 10 l 190 60 l S"));
    private static readonly Lazy<byte[]> SealPng = new(() => RenderPng(120, 120, "1 0 0 RG 10 w 15 15 90 90 re S 1 0 0 rg 45 45 30 30 re f"));
    private SigningApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new SigningApiFactory(pki).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task RectImageSealAndLines_Multipart_IsValid_WidgetOnTheChosenPage_AuditSaysWhere()
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var pdf = TestPdfs.Simple(pages: 2);
        using var form = TestPdfs.Form(pdf, ("keyId", keyId), ("page", "2"), ("rect", "300,100,180,90"),
            ("line", "Nguyễn Văn An"), ("line", "Chủ tịch"));
        form.Add(Png(SignaturePng.Value), "image", "signature.png");
        form.Add(Png(SealPng.Value), "seal", "seal.png");

        var response = await caller.PostAsync("/api/v1/sign/pdf", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var signed = await response.Content.ReadAsByteArrayAsync();
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(signed), StringComparison.Ordinal);
        var (page, rect) = SignatureWidget(signed);
        Assert.Equal(2, page);
        Assert.Equal([300, 100, 480, 190], rect);
        var text = PdfToText(signed, page: 2);
        Assert.Contains("Nguyễn Văn An", text, StringComparison.Ordinal);
        Assert.Contains("Chủ tịch", text, StringComparison.Ordinal);

        var signatureId = response.Headers.GetValues(global::Signing.Api.Features.Signing.SignEndpoints.SignatureIdHeader).Single();
        using var auditor = await _api.SignedInAsync(_api.A.Auditor);
        var entry = AuditText(await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=50"));
        Assert.Contains(signatureId, entry, StringComparison.Ordinal);
        Assert.Contains("visible=page 2 rect 300,100,180,90 +image +seal", entry, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(SealPng.Value)[..40], entry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnchorInARawBody_PlacesTheSignatureUnderTheTitle_WithTheSignerNameAndTimeByDefault()
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var pdf = LibreOfficeDocument();

        var response = await caller.PostAsync($"/api/v1/sign/pdf?keyId={keyId}&anchor={Uri.EscapeDataString("chủ tịch")}", TestPdfs.Raw(pdf));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var signed = await response.Content.ReadAsByteArrayAsync();
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(signed), StringComparison.Ordinal);
        var (page, rect) = SignatureWidget(signed);
        var title = PdfTextAnchor.ReadLines(new MemoryStream(pdf), page).Single(l => l.Text == "CHỦ TỊCH");
        Assert.Equal(SignatureAppearanceOptions.DefaultAnchoredWidth, rect[2] - rect[0], 2);
        Assert.Equal(SignatureAppearanceOptions.DefaultAnchoredHeight, rect[3] - rect[1], 2);
        Assert.Equal(title.X + (title.Width / 2), (rect[0] + rect[2]) / 2, 1);
        Assert.True(rect[3] < title.Baseline, $"the signature's top {rect[3]} is below the title's baseline {title.Baseline}");

        // poppler's own text positions (top-left origin) agree: the widget starts below the title line (which poppler
        // splits into words at the precomposed letters, so the line is found by joining the words at one height).
        var titleBottom = BoundingBoxes(signed, page).GroupBy(w => w.YMin)
            .Single(line => string.Concat(line.Select(w => w.Word)) == "CHỦTỊCH").Max(w => w.YMax);
        var pageHeight = PageHeight(signed, page);
        Assert.True(pageHeight - rect[3] >= titleBottom - 1, $"widget top {pageHeight - rect[3]} (from the top) is under the title's bottom {titleBottom}");

        // No line given: the signer's name (the seal certificate's CN, which the document's own letterhead also
        // shows, hence reading only the widget's area) and the signing time (ISO 8601, +07:00) are drawn.
        var text = PdfToText(signed, page, rect, pageHeight);
        Assert.DoesNotContain("CHỦ TỊCH", text, StringComparison.Ordinal);
        Assert.Contains(pki.Seal.Certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false), text, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00", text);
    }

    [Fact]
    public async Task Stamp_IsDrawnAtTheTopRightOfPageOne()
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);

        var stamp = Uri.EscapeDataString("Bản sao điện tử|Ủy ban nhân dân xã Hòa Bình");
        var response = await caller.PostAsync($"/api/v1/sign/pdf?keyId={keyId}&stamp={stamp}", TestPdfs.Raw(TestPdfs.Simple(pages: 2)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var signed = await response.Content.ReadAsByteArrayAsync();
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(signed), StringComparison.Ordinal);
        var (page, rect) = SignatureWidget(signed);
        Assert.Equal(1, page);
        Assert.True(rect[2] > 595 - 30 && rect[2] <= 595 && rect[3] > 842 - 30 && rect[3] <= 842, $"stamp at [{string.Join(' ', rect)}] is top-right");
        var text = PdfToText(signed, 1);
        Assert.Contains("Bản sao điện tử", text, StringComparison.Ordinal);
        Assert.Contains("Ủy ban nhân dân xã Hòa Bình", text, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00", text);
    }

    [Fact]
    public async Task UnusableOptions_Get400Or413_NamingTheField_AndNothingIsSigned()
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var pdf = TestPdfs.Simple();
        var notPng = Encoding.ASCII.GetBytes("GIF89a this is not a PNG");
        var oversized = new byte[global::Signing.Pdf.Signatures.SignatureAppearanceOptions.MaxImageBytes + 1];
        var cases = new (string Name, Func<HttpContent> Content, string Query, HttpStatusCode Status, string Field, string DetailPart)[]
        {
            ("bad rect", () => TestPdfs.Form(pdf, ("keyId", keyId), ("rect", "10,20,30")), "", HttpStatusCode.BadRequest, "rect", "not a rectangle"),
            ("negative size", () => TestPdfs.Form(pdf, ("keyId", keyId), ("rect", "10,20,-30,40")), "", HttpStatusCode.BadRequest, "rect", "positive size"),
            ("page beyond the document", () => TestPdfs.Form(pdf, ("keyId", keyId), ("rect", "10,20,100,50"), ("page", "3")), "", HttpStatusCode.BadRequest, "page", "1 page"),
            ("page zero", () => TestPdfs.Raw(pdf), "&rect=10,20,100,50&page=0", HttpStatusCode.BadRequest, "page", "does not exist"),
            ("page not a number", () => TestPdfs.Raw(pdf), "&rect=10,20,100,50&page=two", HttpStatusCode.BadRequest, "page", "not a page number"),
            ("anchor not found", () => TestPdfs.Raw(pdf), "&anchor=CH%E1%BB%A6%20T%E1%BB%8ACH", HttpStatusCode.BadRequest, "anchor", "No line of the document contains 'CHỦ TỊCH'"),
            ("anchor on a missing page", () => TestPdfs.Raw(pdf), "&anchor=Page&page=4", HttpStatusCode.BadRequest, "page", "1 page"),
            ("bad PNG", () => WithFile(TestPdfs.Form(pdf, ("keyId", keyId), ("rect", "10,20,100,50")), "image", notPng), "", HttpStatusCode.BadRequest, "image", "not a usable PNG"),
            ("bad seal PNG", () => WithFile(TestPdfs.Form(pdf, ("keyId", keyId), ("rect", "10,20,100,50")), "seal", notPng), "", HttpStatusCode.BadRequest, "seal", "not a usable PNG"),
            ("image without rect or anchor", () => WithFile(TestPdfs.Form(pdf, ("keyId", keyId)), "image", SignaturePng.Value), "", HttpStatusCode.BadRequest, "image", "needs rect or anchor"),
            ("line without rect or anchor", () => TestPdfs.Raw(pdf), "&line=Nguy%E1%BB%85n", HttpStatusCode.BadRequest, "line", "needs rect or anchor"),
            ("image as a text field", () => TestPdfs.Form(pdf, ("keyId", keyId), ("rect", "10,20,100,50"), ("image", "iVBORw0KGgo=")), "", HttpStatusCode.BadRequest, "image", "file part"),
            ("image in a raw body's query", () => TestPdfs.Raw(pdf), "&rect=10,20,100,50&image=x", HttpStatusCode.BadRequest, "image", "multipart"),
            ("image too large", () => WithFile(TestPdfs.Form(pdf, ("keyId", keyId), ("rect", "10,20,100,50")), "image", oversized), "", HttpStatusCode.RequestEntityTooLarge, "image", "limited to"),
            ("rect too small for image and text", () => WithFile(TestPdfs.Form(pdf, ("keyId", keyId), ("rect", "10,20,100,20")), "image", SignaturePng.Value), "", HttpStatusCode.BadRequest, "rect", "no room for the image"),
            ("stamp with rect", () => TestPdfs.Raw(pdf), "&stamp=B%E1%BA%A3n%20sao&rect=10,20,100,50", HttpStatusCode.BadRequest, "stamp", "cannot be combined with rect"),
            ("empty stamp", () => TestPdfs.Raw(pdf), "&stamp=%7Cagency", HttpStatusCode.BadRequest, "stamp", "copy form"),
            ("too many lines", () => TestPdfs.Raw(pdf), "&rect=10,20,100,50" + string.Concat(Enumerable.Repeat("&line=x", 17)), HttpStatusCode.BadRequest, "line", "at most 16"),
        };

        foreach (var (name, content, query, status, field, detailPart) in cases)
        {
            using var body = content();
            var url = body is MultipartFormDataContent ? "/api/v1/sign/pdf" : $"/api/v1/sign/pdf?keyId={keyId}{query}";
            var response = await caller.PostAsync(url, body);
            Assert.True(response.StatusCode == status, $"{name}: expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var problem = await response.AssertProblemAsync(status);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{name}: the problem names '{field}': {problem}");
            Assert.Contains(detailPart, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.False(response.Headers.Contains(global::Signing.Api.Features.Signing.SignEndpoints.SignatureIdHeader), $"{name}: nothing was signed");
        }
    }

    [Fact]
    public async Task TwoStepPrepare_WithAnAppearance_CompletesToAValidVisibleSignature()
    {
        var keyId = await _api.RegisterAsync("agency-seal", "desk-token", null, pki.Seal.CertificatePem);
        await _api.GrantAsync(keyId);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var pdf = TestPdfs.Simple();
        using var form = TestPdfs.Form(pdf, ("keyId", keyId), ("rect", "72,72,200,100"), ("line", "Văn thư"));
        form.Add(Png(SealPng.Value), "seal", "seal.png");

        var prepare = await caller.PostAsync("/api/v1/sign/pdf/prepare", form);
        Assert.Equal(HttpStatusCode.OK, prepare.StatusCode);
        var prepared = await prepare.Content.ReadFromJsonAsync<JsonElement>();
        var dataToSign = Convert.FromBase64String(prepared.GetProperty("dataToSign").GetString()!);
        byte[] signature;
        using (var desk = pki.Open(pki.Seal))
        {
            signature = ((RSA)desk.PrivateKey).SignData(dataToSign, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        var completed = await caller.PostAsJsonAsync($"/api/v1/sign/pdf/{prepared.GetProperty("operationId").GetString()}/complete",
            new { signature = Convert.ToBase64String(signature), certificate = Convert.ToBase64String(pki.Seal.Certificate.RawData) });

        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var signed = await completed.Content.ReadAsByteArrayAsync();
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(signed), StringComparison.Ordinal);
        var (page, rect) = SignatureWidget(signed);
        Assert.Equal(1, page);
        Assert.Equal([72, 72, 272, 172], rect);
        Assert.Contains("Văn thư", PdfToText(signed, 1), StringComparison.Ordinal);

        using var auditor = await _api.SignedInAsync(_api.A.Auditor);
        var audit = AuditText(await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=50"));
        Assert.Contains("visible=page 1 rect 72,72,200,100 +seal", audit, StringComparison.Ordinal);
    }

    /// <summary>Every string in the audit page, unescaped, one per line.</summary>
    private static string AuditText(JsonElement page)
    {
        var text = new StringBuilder();
        Collect(page);
        return text.ToString();

        void Collect(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String: text.AppendLine(element.GetString()); break;
                case JsonValueKind.Array: foreach (var item in element.EnumerateArray()) { Collect(item); } break;
                case JsonValueKind.Object: foreach (var property in element.EnumerateObject()) { Collect(property.Value); } break;
            }
        }
    }

    private static ByteArrayContent Png(byte[] png)
    {
        var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    private static MultipartFormDataContent WithFile(MultipartFormDataContent form, string name, byte[] data)
    {
        form.Add(Png(data), name, $"{name}.png");
        return form;
    }

    /// <summary>The page and /Rect (x1 y1 x2 y2) of the document's one signature widget, read with our reader.</summary>
    private static (int Page, double[] Rect) SignatureWidget(byte[] pdf)
    {
        var reader = PdfReader.Open(new MemoryStream(pdf));
        var pages = reader.GetPageReferences();
        var found = new List<(int, double[])>();
        for (var i = 0; i < pages.Count; i++)
        {
            var page = reader.ResolveDictionary(pages[i], "page");
            foreach (var item in (reader.Resolve(page["Annots"]) as PdfArray)?.Items ?? [])
            {
                if (reader.Resolve(item) is PdfDictionary annotation && annotation["FT"] is PdfName { Value: "Sig" }
                    && reader.Resolve(annotation["Rect"]) is PdfArray rect)
                {
                    found.Add((i + 1, [.. rect.Items.Select(n => Math.Round(Number(reader.Resolve(n)), 2))]));
                }
            }
        }

        return Assert.Single(found);

        static double Number(PdfObject? value) => value switch
        {
            PdfInteger integer => integer.Value,
            PdfReal real => real.Value,
            _ => throw new InvalidOperationException($"/Rect holds {value}"),
        };
    }

    private static double PageHeight(byte[] pdf, int page)
    {
        var reader = PdfReader.Open(new MemoryStream(pdf));
        var box = (PdfArray)reader.Resolve(reader.ResolveDictionary(reader.GetPageReferences()[page - 1], "page")["MediaBox"])!;
        return box.Items[3] is PdfInteger top ? top.Value : ((PdfReal)box.Items[3]).Value;
    }

    /// <summary>Text of one page as poppler extracts it, widget appearances included.</summary>
    private static string PdfToText(byte[] pdf, int page) => WithFile(pdf, path =>
    {
        var result = ExternalTool.Run("pdftotext", "-f", $"{page}", "-l", $"{page}", "-enc", "UTF-8", path, "-");
        Assert.True(result.ExitCode == 0, $"pdftotext failed: {result.Combined}");
        return result.StandardOutput;
    });

    /// <summary>The text poppler finds inside <paramref name="rect"/> (PDF space) of one page, cropped at 72 dpi.</summary>
    private static string PdfToText(byte[] pdf, int page, double[] rect, double pageHeight) => WithFile(pdf, path =>
    {
        string Points(double value) => Math.Round(value).ToString(CultureInfo.InvariantCulture);
        var result = ExternalTool.Run("pdftotext", "-f", $"{page}", "-l", $"{page}", "-r", "72",
            "-x", Points(rect[0]), "-y", Points(pageHeight - rect[3]), "-W", Points(rect[2] - rect[0]), "-H", Points(rect[3] - rect[1]),
            "-enc", "UTF-8", path, "-");
        Assert.True(result.ExitCode == 0, $"pdftotext failed: {result.Combined}");
        return result.StandardOutput;
    });

    /// <summary>Words of one page with poppler's bounding boxes (points, origin top-left).</summary>
    private static List<(string Word, double YMin, double YMax)> BoundingBoxes(byte[] pdf, int page) => WithFile(pdf, path =>
    {
        var result = ExternalTool.Run("pdftotext", "-bbox", "-f", $"{page}", "-l", $"{page}", "-enc", "UTF-8", path, "-");
        Assert.True(result.ExitCode == 0, $"pdftotext -bbox failed: {result.Combined}");
        var words = System.Text.RegularExpressions.Regex.Matches(result.StandardOutput,
            "<word xMin=\"[^\"]+\" yMin=\"([^\"]+)\" xMax=\"[^\"]+\" yMax=\"([^\"]+)\">([^<]*)</word>");
        return words.Select(m => (WebUtility.HtmlDecode(m.Groups[3].Value),
            double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
    });

    private static T WithFile<T>(byte[] pdf, Func<string, T> use)
    {
        var path = Path.Combine(Path.GetTempPath(), $"appearance-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            return use(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The LibreOffice export of an outgoing document (title "CHỦ TỊCH" above the name) the PDF tests use.</summary>
    private static byte[] LibreOfficeDocument()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Signing.Pdf.Tests", "Inputs", "libreoffice-van-ban-di.pdf");
            if (File.Exists(candidate))
            {
                return File.ReadAllBytes(candidate);
            }
        }

        throw new FileNotFoundException($"tests/Signing.Pdf.Tests/Inputs/libreoffice-van-ban-di.pdf was not found above {AppContext.BaseDirectory}");
    }

    /// <summary>A PNG with alpha drawn by poppler's cairo backend (pdftocairo -transp), an encoder independent of ours.</summary>
    private static byte[] RenderPng(int width, int height, string content)
    {
        var pdf = new ClassicPdfBuilder()
            .Add(1, "<< /Type /Catalog /Pages 2 0 R >>")
            .Add(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .Add(3, string.Create(CultureInfo.InvariantCulture, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Contents 4 0 R >>"))
            .Add(4, ClassicPdfBuilder.StreamBody(string.Empty, Encoding.ASCII.GetBytes(content)))
            .Build();
        var directory = Directory.CreateTempSubdirectory("appearance-png-");
        try
        {
            var source = Path.Combine(directory.FullName, "image.pdf");
            File.WriteAllBytes(source, pdf);
            var result = ExternalTool.Run("pdftocairo", "-png", "-transp", "-singlefile", "-r", "72", source, Path.Combine(directory.FullName, "image"));
            Assert.True(result.ExitCode == 0, $"pdftocairo -png failed ({result.ExitCode}): {result.Combined}");
            return File.ReadAllBytes(Path.Combine(directory.FullName, "image.png"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
