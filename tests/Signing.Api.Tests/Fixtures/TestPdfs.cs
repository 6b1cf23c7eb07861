using System.Net.Http.Headers;
using Signing.Testing;

namespace Signing.Api.Tests.Fixtures;

/// <summary>PDFs for the sign API tests, and the ways to post them.</summary>
internal static class TestPdfs
{
    public static byte[] Simple(int pages = 1) => ClassicPdfBuilder.SimpleDocument(pages);

    /// <summary>A multipart form with the PDF as 'file' and the given option fields.</summary>
    public static MultipartFormDataContent Form(byte[] pdf, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(pdf);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "document.pdf");
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    /// <summary>A raw application/pdf body.</summary>
    public static ByteArrayContent Raw(byte[] pdf)
    {
        var content = new ByteArrayContent(pdf);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return content;
    }

    /// <summary>Runs pdfsig on <paramref name="pdf"/> and returns its output (fails naming the tool when it is missing).</summary>
    public static string Pdfsig(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"signed-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            return ExternalTool.Pdfsig(path).Combined;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
