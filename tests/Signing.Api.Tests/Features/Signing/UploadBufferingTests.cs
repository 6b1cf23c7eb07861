using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Signing.Api.Features.Signing;
using Signing.Api.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>
/// Uploads are buffered in memory up to <see cref="PdfUpload.InMemoryBytes"/> and in a scratch file beyond; a chunked
/// body declares no length, so it starts in memory and must move over intact when it outgrows it.
/// </summary>
[Collection(TokenCollection.Name)]
public sealed class UploadBufferingTests(TokenPki pki) : IAsyncLifetime
{
    private SigningApiFactory _api = null!;

    public async Task InitializeAsync() => _api = await new SigningApiFactory(pki).SeedAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData(16 * 1024, true)]
    [InlineData(PdfUpload.InMemoryBytes + (1024 * 1024), true)]
    [InlineData(PdfUpload.InMemoryBytes + (1024 * 1024), false)]
    public async Task SmallAndLargeBodies_WithAndWithoutLength_AreSignedWhole(int fillerBytes, bool chunked)
    {
        var keyId = await _api.RegisterGrantedAsync(pki.Seal);
        using var caller = _api.WithApiKey(_api.A.CallerKey);
        var pdf = DocumentWithFiller(fillerBytes);
        HttpContent body = chunked ? new StreamContent(new UnknownLengthStream(pdf)) : new ByteArrayContent(pdf);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");

        var response = await caller.PostAsync($"/api/v1/sign/pdf?keyId={keyId}", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var signed = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(pdf, signed.AsSpan(0, pdf.Length).ToArray());
        Assert.Contains("Signature is Valid.", TestPdfs.Pdfsig(signed), StringComparison.Ordinal);
    }

    // A one-page document with an unreferenced stream of filler bytes, so its size is whatever the test needs.
    private static byte[] DocumentWithFiller(int fillerBytes) => new ClassicPdfBuilder()
        .Add(1, "<< /Type /Catalog /Pages 2 0 R >>")
        .Add(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        .Add(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>")
        .Add(4, ClassicPdfBuilder.StreamBody(string.Empty, Encoding.ASCII.GetBytes("BT /F1 12 Tf 72 720 Td (Filler) Tj ET")))
        .Add(5, ClassicPdfBuilder.StreamBody(string.Empty, new byte[fillerBytes]))
        .Build();

    /// <summary>Hides the length, so HttpClient sends the body without Content-Length (chunked).</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }
}
