using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Signing.Api.Tests.Fixtures;
using Signing.Pdf.Drawing;
using Signing.Pdf.Signatures;
using Signing.Testing;

namespace Signing.Api.Tests.Features.SignatureRequests;

/// <summary>
/// Outgoing documents through Decree 30's steps on the real pipeline, on SQLite and on PostgreSQL: submit, the official
/// signs (with a key the service holds, with a desk token through the desk signer, or through CSC-style prepare and
/// complete), the clerk registers and seals; checked by pdfsig, qpdf, pdftotext and our own validator.
/// </summary>
public abstract class SignatureRequestFlows(TokenPki pki) : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("requests-").FullName;
    private SigningApiFactory _api = null!;

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    public async Task InitializeAsync()
    {
        var settings = await StorageSettingsAsync();
        settings["Storage:DataDirectory"] = _dataDirectory;
        _api = await new SigningApiFactory(pki, settings).SeedAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task SubmitSignRegisterSeal_TwoValidSignatures_SealOverTheLeftThird_NumberAndDateInTheText()
    {
        var workflow = await Workflow.SetUpAsync(_api, pki);
        var attachment = Workflow.Document("Phụ lục: danh sách chứng thư số");
        var request = await workflow.SubmittedAsync(document: Workflow.Document(), attachments: attachment);
        Assert.Equal("in-progress", request.GetProperty("state").GetString());

        var done = await workflow.SignRegisterSealAsync(request);

        Assert.Equal("completed", done.GetProperty("state").GetString());
        var symbol = done.GetProperty("symbol").GetString()!;
        Assert.Equal("01/QĐ-UBND", symbol);
        var issued = done.GetProperty("issuedDate").GetString()!;
        var pdf = await workflow.DownloadAsync(done);
        Assert.Equal(done.GetProperty("headSha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(pdf)));

        var pdfsig = TestPdfs.Pdfsig(pdf);
        Assert.Equal(2, Workflow.CountOf(pdfsig, "Signature is Valid."));
        Assert.Contains("Total document signed", pdfsig, StringComparison.Ordinal);
        Assert.Equal(0, Workflow.Qpdf(pdf));

        var report = await ValidateAsync(pdf);
        var signatures = report.GetProperty("signatures").EnumerateArray().ToList();
        Assert.Equal(2, signatures.Count);
        Assert.All(signatures, signature => Assert.Equal("TOTAL_PASSED", signature.GetProperty("indication").GetString()));
        Assert.All(signatures, signature => Assert.DoesNotContain(signature.GetProperty("modifications").EnumerateArray(),
            change => !change.GetProperty("allowed").GetBoolean()));

        // Decree 30 Art. 33: the seal overlaps about the left third of the official's signature image.
        var (officialPage, official) = Widget(pdf, signatures[0].GetProperty("fieldName").GetString()!);
        var (sealPage, seal) = Widget(pdf, signatures[1].GetProperty("fieldName").GetString()!);
        Assert.Equal(officialPage, sealPage);
        var sealRight = seal.X + seal.Width;
        Assert.InRange(sealRight, official.X + 1, official.X + (official.Width / 3) + 1);
        Assert.True(seal.X < official.X, "the seal sticks out on the left of the official's image");
        Assert.InRange(seal.Y + (seal.Height / 2), official.Y, official.Y + official.Height);

        var text = Workflow.PdfText(pdf);
        Assert.Contains($"Số: {symbol}", text, StringComparison.Ordinal);
        var date = DateOnly.ParseExact(issued, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(global::Signing.Pdf.Text.RegistrationOverlays.DateLine(date), text, StringComparison.Ordinal);
        Assert.Contains("Nguyễn Văn An", text, StringComparison.Ordinal);

        // The attachment carries the agency's signature too: valid, on page 1, naming the document's number.
        var stamped = await workflow.DownloadAsync(done, index: 1);
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(stamped), StringComparison.Ordinal);
        Assert.Contains($"Phụ lục văn bản số {symbol}", Workflow.PdfText(stamped), StringComparison.Ordinal);

        // Every step recorded the revision it was shown and the one it produced; they chain.
        var steps = done.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(steps[0].GetProperty("outputSha256").GetString(), steps[1].GetProperty("inputSha256").GetString());
        Assert.Equal(steps[1].GetProperty("outputSha256").GetString(), steps[2].GetProperty("inputSha256").GetString());
        Assert.Equal(done.GetProperty("headSha256").GetString(), steps[2].GetProperty("outputSha256").GetString());
        using var auditor = await _api.SignedInAsync(_api.A.Auditor);
        var audit = await auditor.GetStringAsync("/api/v1/audit?limit=500");
        foreach (var action in new[] { "request.submit", "request.sign", "request.register", "request.seal" })
        {
            Assert.Contains($"\"action\":\"{action}\"", audit, StringComparison.Ordinal);
        }

        Assert.Contains($"output={steps[0].GetProperty("outputSha256").GetString()}", audit, StringComparison.Ordinal);
        Assert.Contains("capacity=own", audit, StringComparison.Ordinal);

        // One record per action: the one each action committed with its step, not a second from the endpoint.
        var requestId = done.GetProperty("id").GetString();
        var trail = JsonDocument.Parse(audit).RootElement.GetProperty("records").EnumerateArray()
            .Where(record => record.GetProperty("target").GetString() == requestId).Select(record => record.GetProperty("action").GetString()).ToList();
        Assert.Equal(["request.submit", "request.sign", "request.register", "request.seal"], trail);
    }

    [Fact]
    public async Task DeskSigner_SignsTheRevisionFromTheOneTimeUrl_TheUploadCompletesTheStep_ATamperedUploadIsRefusedAndTheStepStaysOpen()
    {
        var workflow = await Workflow.SetUpAsync(_api, pki, officialKeyLocation: "desk-token");
        var request = await workflow.SubmittedAsync();
        using var official = await _api.SignedInAsync(_api.A.Official);
        var head = Workflow.Head(request);

        // A server-held key is refused: this official signs with a USB token.
        await (await Workflow.ActAsync(official, request, "sign", "sign", new { expectedSha256 = head, pin = workflow.OfficialPin }))
            .AssertProblemAsync(HttpStatusCode.Conflict);

        var links = await (await Workflow.ActAsync(official, request, "sign", "desk-session", new { expectedSha256 = head }))
            .Content.ReadFromJsonAsync<JsonElement>();
        using var deskSigner = _api.CreateClient();
        var original = await deskSigner.GetByteArrayAsync(links.GetProperty("fileName").GetString());
        Assert.Equal(head, Convert.ToHexStringLower(SHA256.HashData(original)));
        var uploadUrl = links.GetProperty("fileUploadHandler").GetString()!;

        // Anything besides the one new signature is refused, and the step stays open: here the page's content is
        // replaced in a revision before the signature.
        var tampered = await DeskSignAsync(ChangePageContent(original));
        var (tamperedStatus, tamperedReply) = await UploadAsync(deskSigner, uploadUrl, tampered);
        Assert.NotEqual(HttpStatusCode.OK, tamperedStatus);
        Assert.Equal(2, tamperedReply.GetProperty("Status").GetInt32());
        var stillOpen = await official.GetFromJsonAsync<JsonElement>($"/api/v1/signature-requests/{request.GetProperty("id").GetString()}");
        Assert.Equal("active", stillOpen.GetProperty("steps")[0].GetProperty("state").GetString());
        Assert.Equal(head, Workflow.Head(stillOpen));

        var signed = await DeskSignAsync(original);
        var (status, reply) = await UploadAsync(deskSigner, uploadUrl, signed);
        Assert.True(status == HttpStatusCode.OK, reply.ToString());
        var afterSign = await official.GetFromJsonAsync<JsonElement>($"/api/v1/signature-requests/{request.GetProperty("id").GetString()}");
        Assert.Equal("done", afterSign.GetProperty("steps")[0].GetProperty("state").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(signed)), Workflow.Head(afterSign));

        var done = await workflow.RegisterSealAsync(afterSign);
        var pdf = await workflow.DownloadAsync(done);
        Assert.Equal(2, Workflow.CountOf(TestPdfs.Pdfsig(pdf), "Signature is Valid."));
        Assert.Equal(0, Workflow.Qpdf(pdf));

        // The seal goes over the left third of the widget the desk signer drew, found from the uploaded signature.
        var fields = (await ValidateAsync(pdf)).GetProperty("signatures").EnumerateArray().Select(s => s.GetProperty("fieldName").GetString()!).ToList();
        var (_, deskWidget) = Widget(pdf, fields[0]);
        var (_, seal) = Widget(pdf, fields[1]);
        Assert.InRange(seal.X + seal.Width, deskWidget.X + 1, deskWidget.X + (deskWidget.Width / 3) + 1);
        Assert.True(seal.X < deskWidget.X, "the seal sticks out on the left of the desk signer's widget");
    }

    [Fact]
    public async Task PrepareAndComplete_AnExternalSignatureOverTheOfficialBlock_CompletesTheStep()
    {
        var workflow = await Workflow.SetUpAsync(_api, pki);
        var request = await workflow.SubmittedAsync();
        using var official = await _api.SignedInAsync(_api.A.Official);
        var prepared = await (await Workflow.ActAsync(official, request, "sign", "prepare", new { expectedSha256 = Workflow.Head(request) }))
            .Content.ReadFromJsonAsync<JsonElement>();

        // What a CSC client or another external signer does: sign the signed attributes with the official's key.
        using var key = pki.Open(pki.Official);
        var signature = ((RSA)key.PrivateKey).SignData(Convert.FromBase64String(prepared.GetProperty("dataToSign").GetString()!),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var afterSign = await Workflow.DoAsync(official, request, "sign", "complete", new
        {
            expectedSha256 = Workflow.Head(request),
            operationId = prepared.GetProperty("operationId").GetString(),
            signature = Convert.ToBase64String(signature),
            certificate = pki.Official.CertificatePem,
        });

        Assert.Equal("done", afterSign.GetProperty("steps")[0].GetProperty("state").GetString());
        var done = await workflow.RegisterSealAsync(afterSign);
        Assert.Equal(2, Workflow.CountOf(TestPdfs.Pdfsig(await workflow.DownloadAsync(done)), "Signature is Valid."));
    }

    [Fact]
    public async Task ActionsAgainstAStaleRevision_Get409_AndOnlyTheRoutedOfficialMaySign()
    {
        var workflow = await Workflow.SetUpAsync(_api, pki);
        var request = await workflow.SubmittedAsync();
        var original = Workflow.Head(request);
        using var official = await _api.SignedInAsync(_api.A.Official);

        var wrongHash = await Workflow.ActAsync(official, request, "sign", "sign", new { expectedSha256 = new string('0', 64), pin = workflow.OfficialPin });
        var problem = await wrongHash.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("urn:signing:problem:stale-revision", problem.GetProperty("type").GetString());
        await (await Workflow.ActAsync(official, request, "sign", "sign", new { pin = workflow.OfficialPin })).AssertProblemAsync(HttpStatusCode.BadRequest);

        var signed = await Workflow.DoAsync(official, request, "sign", "sign", new { expectedSha256 = original, pin = workflow.OfficialPin });
        using var clerk = await _api.SignedInAsync(workflow.Clerk);
        // The clerk looked at the document before the official signed: her hash is stale now.
        await (await Workflow.ActAsync(clerk, signed, "register", "register", new { expectedSha256 = original })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await Workflow.ActAsync(clerk, signed, "sign", "sign", new { expectedSha256 = Workflow.Head(signed), pin = workflow.ClerkPin }))
            .AssertProblemAsync(HttpStatusCode.Conflict);

        // Other agencies learn nothing; people not on the route are refused.
        using var otherAgency = await _api.SignedInAsync(_api.B.Official);
        await (await otherAgency.GetAsync($"/api/v1/signature-requests/{request.GetProperty("id").GetString()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var otherCaller = _api.WithApiKey(_api.B.CallerKey);
        await (await otherCaller.GetAsync($"/api/v1/signature-requests/{request.GetProperty("id").GetString()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var second = await workflow.SubmittedAsync();
        using var auditor = await _api.SignedInAsync(_api.A.Auditor);
        await (await Workflow.ActAsync(auditor, second, "sign", "sign", new { expectedSha256 = Workflow.Head(second), pin = "x" }))
            .AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BadSubmissions_Get4xx_NamingTheField()
    {
        var workflow = await Workflow.SetUpAsync(_api, pki);
        async Task<string?> FieldOf(HttpResponseMessage response, HttpStatusCode status)
        {
            var problem = await response.AssertProblemAsync(status);
            return problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Single().Name : null;
        }

        var unknownUser = new
        {
            title = "T",
            documentType = "Quyết định",
            symbolPattern = "{số}/QĐ-UBND",
            route = new object[] { new { kind = "sign", assignees = new[] { "nobody-here" } } },
        };
        Assert.Equal("route[0].assignees[0]", await FieldOf(await workflow.SubmitAsync(unknownUser), HttpStatusCode.BadRequest));

        var noSign = new
        {
            title = "T",
            documentType = "Quyết định",
            symbolPattern = "{số}/QĐ-UBND",
            route = new object[] { new { kind = "register", assignees = new[] { "role:clerk" } } },
        };
        Assert.Equal("route", await FieldOf(await workflow.SubmitAsync(noSign), HttpStatusCode.BadRequest));
        var registerWithoutSeal = noSign with
        {
            route = new object[]
            {
                new { kind = "sign", assignees = new[] { _api.A.Official.Username } },
                new { kind = "register", assignees = new[] { "role:clerk" } },
            },
        };
        var unsealed = await (await workflow.SubmitAsync(registerWithoutSeal)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("seal step after it", unsealed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("deadline", await FieldOf(await workflow.SubmitAsync(workflow.Metadata(deadline: DateTimeOffset.UtcNow.AddMinutes(-1))), HttpStatusCode.BadRequest));

        var certified = await CertifyAsync(Workflow.Document(), CertificationPermissions.NoChanges);
        var docMdp = await (await workflow.SubmitAsync(workflow.Metadata(), certified)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("DocMDP", docMdp.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("document", docMdp.GetProperty("errors").EnumerateObject().Single().Name);

        var encrypted = await (await workflow.SubmitAsync(workflow.Metadata(), Encrypt(Workflow.Document()))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:signing:problem:encrypted-pdf", encrypted.GetProperty("type").GetString());

        Assert.Equal("document", await FieldOf(await workflow.SubmitAsync(workflow.Metadata(), "not a pdf"u8.ToArray()), HttpStatusCode.UnprocessableEntity));

        // What the route writes at must be in the document: the submitter hears of it now, not the official or the clerk later.
        var missingAnchor = noSign with
        {
            route = new object[]
            {
                new { kind = "sign", assignees = new[] { _api.A.Official.Username }, anchor = "PHÓ CHỦ TỊCH THƯỜNG TRỰC" },
                new { kind = "seal", assignees = new[] { "role:clerk" } },
            },
        };
        var anchor = await (await workflow.SubmitAsync(missingAnchor, Workflow.Document())).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:signing:problem:anchor-not-found", anchor.GetProperty("type").GetString());
        Assert.Equal("route[0].anchor", anchor.GetProperty("errors").EnumerateObject().Single().Name);
        var noSuchPage = noSign with
        {
            route = new object[] { new { kind = "sign", assignees = new[] { _api.A.Official.Username }, rect = "300,100,200,80", page = 9 } },
        };
        Assert.Equal("route[0].page", await FieldOf(await workflow.SubmitAsync(noSuchPage, Workflow.Document()), HttpStatusCode.BadRequest));
        var registered = noSign with
        {
            route = new object[]
            {
                new { kind = "sign", assignees = new[] { _api.A.Official.Username }, rect = "300,100,200,80", page = 1 },
                new { kind = "register", assignees = new[] { "role:clerk" } },
                new { kind = "seal", assignees = new[] { "role:clerk" } },
            },
        };
        var unnumbered = await (await workflow.SubmitAsync(registered, ClassicPdfBuilder.SimpleDocument())).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:signing:problem:registration-lines-not-found", unnumbered.GetProperty("type").GetString());
        Assert.Equal("document", unnumbered.GetProperty("errors").EnumerateObject().Single().Name);
        // Readable as a PDF, but the page whose text the anchor is looked up in does not inflate.
        var unreadablePage = new ClassicPdfBuilder()
            .Add(1, "<< /Type /Catalog /Pages 2 0 R >>")
            .Add(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .Add(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>")
            .Add(4, ClassicPdfBuilder.StreamBody("/Filter /FlateDecode", "not deflate data at all"u8.ToArray()))
            .Build();
        var unreadable = await (await workflow.SubmitAsync(missingAnchor, unreadablePage)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:signing:problem:malformed-pdf", unreadable.GetProperty("type").GetString());
        Assert.Equal("document", unreadable.GetProperty("errors").EnumerateObject().Single().Name);

        using var caller = _api.WithApiKey(_api.A.CallerKey);
        Assert.Empty((await caller.GetFromJsonAsync<JsonElement>("/api/v1/signature-requests?box=all")).EnumerateArray());
    }

    [Fact]
    public async Task TheOfficialsBlock_HangsUnderTheAnchorLineFoundAtSubmission_AsForAStepStoredBeforeSubmissionsLookedItUp()
    {
        var workflow = await Workflow.SetUpAsync(_api, pki);
        var document = Workflow.Document();
        var located = await workflow.SubmittedAsync(document: document);
        var legacy = await workflow.SubmittedAsync(document: document);
        // A step stored before migration 0014 has no anchor line; signing looks the anchor up in the document then.
        Assert.Equal(3, await ExecuteAsync($"UPDATE signature_request_steps SET anchor_line = NULL WHERE request_id = '{legacy.GetProperty("id").GetString()}'"));

        using var official = await _api.SignedInAsync(_api.A.Official);
        async Task<PdfRectangle> OfficialWidgetAsync(JsonElement request)
        {
            var signed = await Workflow.DoAsync(official, request, "sign", "sign", new { expectedSha256 = Workflow.Head(request), pin = workflow.OfficialPin });
            var pdf = await workflow.DownloadAsync(signed);
            var field = (await ValidateAsync(pdf)).GetProperty("signatures").EnumerateArray().Single().GetProperty("fieldName").GetString()!;
            var (page, widget) = Widget(pdf, field);
            Assert.Equal(1, page);
            return widget;
        }

        var fromSubmission = await OfficialWidgetAsync(located);
        var fromDocument = await OfficialWidgetAsync(legacy);

        var line = global::Signing.Pdf.Text.PdfTextAnchor.FindLine(new MemoryStream(document), "CHỦ TỊCH")!;
        Assert.Equal(line.X + (line.Width / 2), fromSubmission.X + (fromSubmission.Width / 2), 0.01);
        Assert.Equal(line.Baseline - (line.FontSize * 0.4), fromSubmission.Y + fromSubmission.Height, 0.01);
        Assert.Equal(fromDocument.X, fromSubmission.X, 0.01);
        Assert.Equal(fromDocument.Y, fromSubmission.Y, 0.01);
        Assert.Equal(fromDocument.Width, fromSubmission.Width, 0.01);
        Assert.Equal(fromDocument.Height, fromSubmission.Height, 0.01);
    }

    [Fact]
    public async Task AStepStoredBeforeSubmissionsCheckedItsPage_WithAPageTheDocumentLacks_Gets422AtSigning_AndStaysOpen()
    {
        var workflow = await Workflow.SetUpAsync(_api, pki);
        var request = await workflow.SubmittedAsync(document: Workflow.Document());
        var id = request.GetProperty("id").GetString();
        Assert.Equal(1, await ExecuteAsync($"UPDATE signature_request_steps SET page = 9, anchor_line = NULL WHERE request_id = '{id}' AND kind = 'sign'"));

        using var official = await _api.SignedInAsync(_api.A.Official);
        var refused = await (await Workflow.ActAsync(official, request, "sign", "sign", new { expectedSha256 = Workflow.Head(request), pin = workflow.OfficialPin }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("urn:signing:problem:page-not-found", refused.GetProperty("type").GetString());
        var after = await official.GetFromJsonAsync<JsonElement>($"/api/v1/signature-requests/{id}");
        Assert.Equal("active", after.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "sign").GetProperty("state").GetString());
        Assert.Equal(Workflow.Head(request), Workflow.Head(after));
    }

    [Fact]
    public async Task OversizedDocument_Gets413_BeforeAnythingIsStored()
    {
        await using var small = await new SigningApiFactory(pki, new Dictionary<string, string?>(await StorageSettingsAsync())
        {
            ["Limits:MaxDocumentBytes"] = "200000",
        }).SeedAsync();
        var workflow = await Workflow.SetUpAsync(small, pki);
        byte[] big = [.. Workflow.Document(), .. new byte[400_000]];
        var response = await workflow.SubmitAsync(workflow.Metadata(), big);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        using var caller = small.WithApiKey(small.A.CallerKey);
        Assert.Empty((await caller.GetFromJsonAsync<JsonElement>("/api/v1/signature-requests?box=all")).EnumerateArray());
    }

    [Fact]
    public async Task ARetriedSubmission_WithTheSameIdempotencyKey_GetsTheSameRequest_EvenWhenTheFirstReplyWasNeverRecorded()
    {
        var workflow = await Workflow.SetUpAsync(_api, pki);
        var metadata = workflow.Metadata();
        var key = "submit-" + Guid.NewGuid().ToString("N");
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        async Task<HttpResponseMessage> SubmitAsync(byte[] document)
        {
            // A new multipart boundary on every attempt, as HTTP clients do.
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/signature-requests") { Content = Workflow.Form(metadata, document) };
            message.Headers.Add("Idempotency-Key", key);
            return await caller.SendAsync(message);
        }

        var document = Workflow.Document();
        var first = await SubmitAsync(document);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var replayed = await SubmitAsync(document);
        Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(id, (await replayed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

        // The node died after the commit and before it recorded the reply: the key's record is gone once its lease ran
        // out. The request itself remembers the key.
        await ExecuteAsync("DELETE FROM idempotency_records");

        var afterCrash = await SubmitAsync(document);
        Assert.Equal(HttpStatusCode.Created, afterCrash.StatusCode);
        Assert.Equal(id, (await afterCrash.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        var sent = await caller.GetFromJsonAsync<JsonElement>("/api/v1/signature-requests?box=sent&limit=200");
        Assert.Single(sent.EnumerateArray(), r => r.GetProperty("id").GetString() == id);

        await ExecuteAsync("DELETE FROM idempotency_records");

        var otherDocument = await SubmitAsync(Workflow.Document("Về việc khác hẳn"));
        var problem = await otherDocument.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:signing:problem:idempotency-key-reused", problem.GetProperty("type").GetString());
    }

    private async Task<byte[]> DeskSignAsync(byte[] pdf)
    {
        using var token = pki.Open(pki.Official);
        using var input = new MemoryStream(pdf);
        using var output = new MemoryStream();
        await PadesSigner.SignAsync(input, output, token.PrivateKey, new PadesSignOptions
        {
            Certificate = pki.Official.Certificate,
            Pdf = new PdfSignatureOptions
            {
                Appearance = new SignatureAppearance { PageNumber = 1, Rectangle = new PdfRectangle(330, 300, 180, 80), TextLines = ["Nguyễn Văn An"] },
            },
        });
        return output.ToArray();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Reply)> UploadAsync(HttpClient client, string uploadUrl, byte[] file)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(content, "uploadfile", "van-ban.pdf");
        var response = await client.PostAsync(uploadUrl, form);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    // An incremental update that replaces page 1's content stream: a change no signing step may make.
    private static byte[] ChangePageContent(byte[] pdf)
    {
        using var input = new MemoryStream(pdf);
        var reader = global::Signing.Pdf.PdfReader.Open(input);
        var writer = new global::Signing.Pdf.PdfIncrementalWriter(reader);
        var pageReference = reader.GetPageReferences()[0];
        var page = reader.ResolveDictionary(writer.GetObject(pageReference), "page 1").Clone();
        page["Contents"] = writer.AddObject(new global::Signing.Pdf.PdfStream(new global::Signing.Pdf.PdfDictionary(), "BT /F1 24 Tf 72 700 Td (Noi dung khac) Tj ET"u8.ToArray()));
        writer.SetObject(pageReference, page);
        using var output = new MemoryStream();
        writer.WriteToAsync(output).GetAwaiter().GetResult();
        return output.ToArray();
    }

    private async Task<byte[]> CertifyAsync(byte[] pdf, CertificationPermissions permissions)
    {
        using var token = pki.Open(pki.Seal);
        using var input = new MemoryStream(pdf);
        using var output = new MemoryStream();
        await PadesSigner.SignAsync(input, output, token.PrivateKey, new PadesSignOptions
        {
            Certificate = pki.Seal.Certificate,
            Pdf = new PdfSignatureOptions { Certification = permissions },
        });
        return output.ToArray();
    }

    private static byte[] Encrypt(byte[] pdf)
    {
        var directory = Directory.CreateTempSubdirectory("encrypt-").FullName;
        try
        {
            var plain = Path.Combine(directory, "plain.pdf");
            var encrypted = Path.Combine(directory, "encrypted.pdf");
            File.WriteAllBytes(plain, pdf);
            var result = ExternalTool.Run("qpdf", "--encrypt", "", "owner-secret", "256", "--", plain, encrypted);
            Assert.True(result.ExitCode is 0 or 3, result.Combined);
            return File.ReadAllBytes(encrypted);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<JsonElement> ValidateAsync(byte[] pdf)
    {
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var response = await caller.PostAsync("/api/v1/verify/pdf", TestPdfs.Raw(pdf));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    // Changes the database behind the service's back, as a crash or an older version would have left it; returns the rows changed.
    private async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = await _api.Services.GetRequiredService<global::Signing.Storage.Database>().OpenAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    private static (int Page, PdfRectangle Rectangle) Widget(byte[] pdf, string fieldName)
    {
        using var stream = new MemoryStream(pdf);
        return SignatureWidgets.Find(stream, fieldName) ?? throw new InvalidOperationException($"field {fieldName} has no widget");
    }
}

[Collection(TokenCollection.Name)]
public sealed class SqliteSignatureRequestFlows(TokenPki pki) : SignatureRequestFlows(pki)
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() => Task.FromResult(new Dictionary<string, string?>());
}

[Collection(TokenCollection.Name)]
public sealed class PostgresSignatureRequestFlows(TokenPki pki, PostgresCluster cluster) : SignatureRequestFlows(pki)
{
    protected override async Task<Dictionary<string, string?>> StorageSettingsAsync() => new()
    {
        ["Storage:Provider"] = "postgres",
        ["Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
    };
}
