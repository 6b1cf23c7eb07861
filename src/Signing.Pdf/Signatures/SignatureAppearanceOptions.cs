using System.Globalization;
using Signing.Pdf.Drawing;
using Signing.Pdf.Text;

namespace Signing.Pdf.Signatures;

/// <summary>An appearance option (<see cref="Option"/>: page, rect, anchor, line, stamp, image or seal) has a value that cannot be used.</summary>
public sealed class AppearanceOptionException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public AppearanceOptionException()
    {
        Option = "";
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public AppearanceOptionException(string message)
        : base(message)
    {
        Option = "";
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying failure.</param>
    public AppearanceOptionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Option = "";
    }

    /// <summary>Creates the exception for one option.</summary>
    /// <param name="option">The option's name as the caller wrote it, without dashes: <c>rect</c>, <c>anchor</c>…</param>
    /// <param name="message">What is wrong with its value.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public AppearanceOptionException(string option, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Option = option;
    }

    /// <summary>The option at fault, e.g. <c>rect</c>.</summary>
    public string Option { get; }
}

/// <summary>
/// A visible-signature request as the CLI and the API take it (page, rect, anchor, line, stamp, image, seal), checked and
/// turned into a <see cref="SignatureAppearance"/> in one place so both front ends mean the same by each option.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>rect</c> "x,y,w,h" places the signature on <c>page</c> (default 1).</item>
/// <item><c>anchor</c> places it centred below the line holding that text, on <c>page</c> or else the last page that has
/// it; its size is <c>rect</c>'s w,h or <see cref="DefaultAnchoredWidth"/> × <see cref="DefaultAnchoredHeight"/>.</item>
/// <item><c>stamp</c> "copy form or number|agency" is the Decree 30 copy stamp at the top-right of page 1, alone.</item>
/// <item>When a signature is placed and no <c>line</c> is given, the lines are the signer's name and the signing time in
/// ISO 8601 with +07:00 (Decree 30's information line); a given empty <c>line</c> means no text at all.</item>
/// </list>
/// </remarks>
public sealed record SignatureAppearanceOptions
{
    /// <summary>The width of an anchored signature when <see cref="Rect"/> gives no size.</summary>
    public const double DefaultAnchoredWidth = 160;

    /// <summary>The height of an anchored signature when <see cref="Rect"/> gives no size.</summary>
    public const double DefaultAnchoredHeight = 70;

    /// <summary>The most text lines an appearance draws.</summary>
    public const int MaxLines = 16;

    /// <summary>The longest text line an appearance draws.</summary>
    public const int MaxLineLength = 500;

    /// <summary>The largest <see cref="ImagePng"/> or <see cref="SealPng"/> accepted: a true-size seal PNG is far smaller.</summary>
    public const int MaxImageBytes = 1024 * 1024;

    /// <summary>The 1-based page, when the caller gave one.</summary>
    public int? Page { get; init; }

    /// <summary>"x,y,w,h" in points from the page's lower-left corner (with <see cref="Anchor"/>, only w,h count).</summary>
    public string? Rect { get; init; }

    /// <summary>Text whose line the signature goes under, e.g. the signer's title "CHỦ TỊCH".</summary>
    public string? Anchor { get; init; }

    /// <summary>Text lines under the image; null when none were given (defaults apply), empty entries are dropped.</summary>
    public IReadOnlyList<string>? Lines { get; init; }

    /// <summary>"copy form or document number|agency name": the copy/attachment stamp.</summary>
    public string? Stamp { get; init; }

    /// <summary>The handwritten-signature PNG.</summary>
    public byte[]? ImagePng { get; init; }

    /// <summary>The agency seal PNG.</summary>
    public byte[]? SealPng { get; init; }

    /// <summary>True when no option was given: the signature is invisible and nothing needs checking.</summary>
    public bool IsEmpty => Page is null && Rect is null && Anchor is null && Lines is null && Stamp is null && ImagePng is null && SealPng is null;

    /// <summary>
    /// Checks the options and builds the appearance, or null when <see cref="IsEmpty"/>. The document is read only for an
    /// anchor (one parse), or to count pages when a page was given.
    /// </summary>
    /// <param name="document">The document to sign (seekable); its position is restored.</param>
    /// <param name="signingTime">The signing time, for the default line and the stamp.</param>
    /// <param name="signerName">The signer's name for the default line; null leaves a placed signature without default text.</param>
    /// <param name="limits">Bounds for reading the document (notably its page count); the default limits when null.</param>
    /// <exception cref="AppearanceOptionException">An option's value cannot be used; <see cref="AppearanceOptionException.Option"/> names it.</exception>
    /// <exception cref="PdfFormatException">The document could not be read to find the anchor or count pages.</exception>
    public SignatureAppearance? Resolve(Stream document, DateTimeOffset signingTime, string? signerName, PdfReaderLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (IsEmpty)
        {
            return null;
        }

        var lines = CheckLines();
        var image = CheckPng("image", ImagePng);
        var seal = CheckPng("seal", SealPng);
        if (Stamp is not null)
        {
            return StampAppearance(signingTime);
        }

        PdfRectangle? placed = null;
        if (Rect is not null)
        {
            try
            {
                placed = PdfRectangle.Parse(Rect);
            }
            catch (FormatException e)
            {
                throw new AppearanceOptionException("rect", e.Message, e);
            }
        }

        if (Page is < 1)
        {
            throw new AppearanceOptionException("page", $"Page {Page} does not exist; pages are numbered from 1");
        }

        var page = Page ?? 1;
        if (Anchor is not null)
        {
            (page, placed) = FindAnchor(document, placed, limits);
        }
        else if (placed is null)
        {
            var orphan = image is not null ? "image" : seal is not null ? "seal" : lines is not null ? "line" : "page";
            throw new AppearanceOptionException(orphan, $"{orphan} needs rect or anchor to place a visible signature (or use stamp)");
        }
        else if (Page is not null)
        {
            var pages = CountPages(document, limits);
            if (page > pages)
            {
                throw new AppearanceOptionException("page", $"Page {page} does not exist; the document has {pages} page(s)");
            }
        }

        lines ??= signerName is null
            ? []
            : [signerName, signingTime.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)];
        var textHeight = Internal.AppearanceBuilder.TextBlockHeight(lines.Count, SignatureAppearance.DefaultFontSize);
        if ((image is not null || seal is not null) && placed!.Value.Height <= textHeight)
        {
            throw new AppearanceOptionException("rect", string.Create(CultureInfo.InvariantCulture,
                $"The signature is {placed.Value.Height:0.##} pt high and its {lines.Count} text line(s) take {textHeight:0.##} pt, leaving no room for the image; make it taller or give fewer lines"));
        }

        return new SignatureAppearance
        {
            PageNumber = page,
            Rectangle = placed,
            SignatureImagePng = image,
            SealImagePng = seal,
            TextLines = lines,
        };
    }

    private (int Page, PdfRectangle Rectangle) FindAnchor(Stream document, PdfRectangle? size, PdfReaderLimits? limits)
    {
        if (string.IsNullOrWhiteSpace(Anchor))
        {
            throw new AppearanceOptionException("anchor", "anchor is empty; give the text of the line to sign under, e.g. the signer's title");
        }

        var start = document.Position;
        (int Page, PdfRectangle Rectangle)? found;
        try
        {
            found = PdfTextAnchor.FindSignatureRectangle(document, Anchor,
                size?.Width ?? DefaultAnchoredWidth, size?.Height ?? DefaultAnchoredHeight, Page, limits);
        }
        catch (ArgumentOutOfRangeException e)
        {
            // Only a page beyond the document's last gets here (page < 1 is refused earlier); counting again is the
            // price of the error path only.
            document.Position = start;
            throw new AppearanceOptionException("page", $"Page {Page} does not exist; the document has {CountPages(document, limits)} page(s)", e);
        }
        finally
        {
            document.Position = start;
        }

        if (found is null)
        {
            throw new AppearanceOptionException("anchor", Page is { } only
                ? $"No line on page {only} contains '{Anchor}'"
                : $"No line of the document contains '{Anchor}'");
        }

        return found.Value;
    }

    private SignatureAppearance StampAppearance(DateTimeOffset signingTime)
    {
        var conflicting = new[] { ("rect", Rect is not null), ("anchor", Anchor is not null), ("line", Lines is not null), ("image", ImagePng is not null), ("seal", SealPng is not null) }
            .Where(o => o.Item2).Select(o => o.Item1).ToList();
        if (conflicting.Count > 0)
        {
            throw new AppearanceOptionException("stamp", $"stamp is a text-only stamp at the top-right of page 1 and cannot be combined with {string.Join(", ", conflicting)}");
        }

        if (Page is not (null or 1))
        {
            throw new AppearanceOptionException("page", "stamp always goes on page 1");
        }

        var parts = Stamp!.Split('|', 2);
        if (string.IsNullOrWhiteSpace(parts[0]) || parts[0].Length > MaxLineLength || (parts.Length > 1 && parts[1].Length > MaxLineLength))
        {
            throw new AppearanceOptionException("stamp", $"stamp is 'copy form or document number|agency name', each part 1..{MaxLineLength} characters");
        }

        var copyStamp = SignatureAppearance.CopyStamp(parts[0].Trim(), parts.Length > 1 ? parts[1].Trim() : "", signingTime);
        return parts.Length > 1 && parts[1].Trim().Length > 0
            ? copyStamp
            : copyStamp with { TextLines = [copyStamp.TextLines[0], copyStamp.TextLines[2]] };
    }

    private List<string>? CheckLines()
    {
        if (Lines is null)
        {
            return null;
        }

        if (Lines.Count > MaxLines)
        {
            throw new AppearanceOptionException("line", $"{Lines.Count} lines given; an appearance draws at most {MaxLines}");
        }

        if (Lines.FirstOrDefault(l => l is not null && l.Length > MaxLineLength) is { } tooLong)
        {
            throw new AppearanceOptionException("line", $"A line of {tooLong.Length} characters is longer than {MaxLineLength}");
        }

        return [.. Lines.Where(l => !string.IsNullOrWhiteSpace(l))];
    }

    private static byte[]? CheckPng(string option, byte[]? png)
    {
        if (png is null)
        {
            return null;
        }

        try
        {
            // Decoded here so a bad image is the caller's error, named, rather than a failure in the middle of signing;
            // the encoded form is kept for the appearance.
            _ = EncodedImage.Of(png);
            return png;
        }
        catch (PngFormatException e)
        {
            throw new AppearanceOptionException(option, $"{option} is not a usable PNG: {e.Message}", e);
        }
    }

    private static int CountPages(Stream document, PdfReaderLimits? limits)
    {
        var start = document.Position;
        try
        {
            return PdfReader.Open(document, limits).GetPageReferences().Count;
        }
        finally
        {
            document.Position = start;
        }
    }
}
