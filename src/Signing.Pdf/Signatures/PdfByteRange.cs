namespace Signing.Pdf.Signatures;

/// <summary>The /ByteRange of a signature: two spans that together cover the whole file except the /Contents hex string.</summary>
/// <param name="FirstStart">Start of the first span (0).</param>
/// <param name="FirstLength">Length of the first span (the offset of the '&lt;' of /Contents).</param>
/// <param name="SecondStart">Start of the second span (just after the '&gt;' of /Contents).</param>
/// <param name="SecondLength">Length of the second span (to the end of the file).</param>
public readonly record struct PdfByteRange(long FirstStart, long FirstLength, long SecondStart, long SecondLength)
{
    /// <summary>The total number of bytes covered.</summary>
    public long CoveredLength => FirstLength + SecondLength;

    /// <summary>The four numbers as written in /ByteRange.</summary>
    public long[] ToArray() => [FirstStart, FirstLength, SecondStart, SecondLength];
}
