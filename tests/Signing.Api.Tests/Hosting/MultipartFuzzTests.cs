using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Signing.Api.Features.Signing;
using Signing.Api.Hosting;
using Signing.Api.Tests.Fixtures;
using Signing.Testing;
using Xunit.Abstractions;

namespace Signing.Api.Tests.Hosting;

/// <summary>
/// The seeded mutation fuzzer (<see cref="MutationFuzzer"/>) over the multipart reader of the signing endpoints:
/// mutated multipart/form-data bodies (the PDF, key and level fields, PNG image and seal parts, appearance fields)
/// go through <see cref="PdfUpload.ReadAsync"/>, which reads them with ASP.NET Core's form reader. Each must give an
/// upload or a failure, or throw an exception that the problem map answers with a 4xx, within its time and memory
/// budget. No server is involved, so the 20,000 inputs take seconds.
/// </summary>
public sealed class MultipartFuzzTests(ITestOutputHelper output)
{
    private const string Boundary = "fuzz-boundary-5b0e";
    private static readonly FuzzBudget Budget = new(TimeSpan.FromSeconds(2), 32L * 1024 * 1024);

    [Fact]
    public void MutatedForms_GiveAnUploadAFailureOrA4xxException_WithinBudget()
    {
        var pdf = TestPdfs.Simple();
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        byte[][] corpus =
        [
            Form(pdf, ("keyId", "k-1"), ("level", "B-B")),
            Form(pdf, ("keyId", "k-1"), ("page", "1"), ("rect", "340,120,180,90"), ("line", "Nguyễn Văn An"), ("line", "Chủ tịch")),
            FormWithImages(pdf, png),
        ];
        var findings = new List<string>();
        foreach (var seed in MutationFuzzer.Seeds())
        {
            var report = MutationFuzzer.Run("multipart", corpus, seed, MutationFuzzer.InputsPerSeed(), Budget, Read, IsTyped);
            output.WriteLine(report.ToString());
            findings.AddRange(report.Findings);
        }

        Assert.True(findings.Count == 0, string.Join("\n\n", findings));
    }

    private static void Read(byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = $"multipart/form-data; boundary={Boundary}";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        var result = PdfUpload.ReadAsync(context.Request, CancellationToken.None).GetAwaiter().GetResult();
        result.Value?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    // UploadForm answers a body cut short and a part header the framework cannot decode with a 400 failure, so an
    // exception may only be one that the problem map itself answers with a 4xx.
    private static bool IsTyped(Exception exception) =>
        ProblemMap.Classify(exception, NullLogger.Instance) is { } failure && ProblemMap.StatusOf(failure.Kind) is >= 400 and < 500;

    private static byte[] Form(byte[] pdf, params (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent(Boundary);
        var file = new ByteArrayContent(pdf);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "văn bản.pdf");
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form.ReadAsByteArrayAsync().GetAwaiter().GetResult();
    }

    private static byte[] FormWithImages(byte[] pdf, byte[] png)
    {
        using var form = new MultipartFormDataContent(Boundary);
        form.Add(new ByteArrayContent(pdf), "file", "in.pdf");
        form.Add(new ByteArrayContent(png), "image", "chu-ky.png");
        form.Add(new ByteArrayContent(png), "seal", "con-dau.png");
        form.Add(new StringContent("CHỦ TỊCH"), "anchor");
        return form.ReadAsByteArrayAsync().GetAwaiter().GetResult();
    }
}
