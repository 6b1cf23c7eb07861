using System.Security.Cryptography;
using System.Text;
using Signing.Pdf.Signatures;
using Signing.Pdf.Tests.Infrastructure;
using Signing.Testing;

namespace Signing.Pdf.Tests;

/// <summary>A ~20 MB document: reading is on demand and signing streams from file to file.</summary>
public sealed class LargeFileTests : IDisposable
{
    private const int ImageWidth = 4096;
    private const int ImageHeight = 5120;
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private string WriteLargeDocument()
    {
        var pixels = new byte[ImageWidth * ImageHeight];
        new Random(20261122).NextBytes(pixels);
        var document = new ClassicPdfBuilder()
            .Add(1, "<< /Type /Catalog /Pages 2 0 R >>")
            .Add(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .Add(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>")
            .Add(4, ClassicPdfBuilder.StreamBody(string.Empty, Encoding.ASCII.GetBytes("q 400 0 0 500 100 200 cm /Im1 Do Q")))
            .Add(5, ClassicPdfBuilder.StreamBody($"/Type /XObject /Subtype /Image /Width {ImageWidth} /Height {ImageHeight} /ColorSpace /DeviceGray /BitsPerComponent 8", pixels))
            .Build();
        var path = directory.File("large.pdf");
        File.WriteAllBytes(path, document);
        return path;
    }

    [Fact]
    public void Reader_OpensAndWalksPages_WithoutReadingTheImage()
    {
        var path = WriteLargeDocument();
        using var file = new CountingStream(File.OpenRead(path));

        var reader = PdfReader.Open(file);
        var pages = reader.GetPageReferences();
        reader.ResolveDictionary(pages[0], "page");

        Assert.Single(pages);
        Assert.True(file.BytesRead < 256 * 1024, $"reading the structure of a {file.Length}-byte file read {file.BytesRead} bytes");
    }

    [Fact]
    public async Task Sign_TwentyMegabyteFile_FileToFile_IsValid()
    {
        var path = WriteLargeDocument();
        var signedPath = directory.File("large-signed.pdf");
        PreparedSignature state;
        await using (var input = File.OpenRead(path))
        await using (var output = new FileStream(signedPath, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            var options = new PdfSignatureOptions { ContentsCapacity = SignatureSizeEstimator.EstimateContentsBytes(TestSigner.Shared.Chain) };
            state = await PdfSigner.SignAsync(input, output, options, TestSigner.Shared.Producer);
        }

        var original = new FileInfo(path).Length;
        Assert.True(original > 20_000_000);
        Assert.Equal(new FileInfo(signedPath).Length, state.FileLength);
        var signed = await File.ReadAllBytesAsync(signedPath);
        Assert.Equal(await File.ReadAllBytesAsync(path), signed[..(int)original]);
        var range = state.ByteRange;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(signed, 0, (int)range.FirstLength);
        hash.AppendData(signed, (int)range.SecondStart, (int)range.SecondLength);
        Assert.Equal(hash.GetHashAndReset(), state.Digest);

        SignedPdfAssert.AllSignaturesValid(signedPath, 1);
        SignedPdfAssert.QpdfClean(signedPath);
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
