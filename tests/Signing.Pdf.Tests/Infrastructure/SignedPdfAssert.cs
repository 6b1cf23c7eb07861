using System.Text.RegularExpressions;
using Signing.Testing;

namespace Signing.Pdf.Tests.Infrastructure;

/// <summary>Independent verdicts on a signed file from poppler's pdfsig and qpdf.</summary>
internal static partial class SignedPdfAssert
{
    /// <summary>
    /// Every CMS signature reports "Signature is Valid."; document timestamps, which poppler lists as "Signature Type: unknown"
    /// and does not verify, are counted separately (check them with openssl ts -verify).
    /// </summary>
    public static void AllSignaturesValid(string path, int expectedSignatures, int documentTimestamps = 0)
    {
        var result = ExternalTool.Pdfsig(path);
        var valid = ValidLine().Matches(result.Combined).Count;
        var total = SignatureHeader().Matches(result.Combined).Count;
        var timestamps = UnknownType().Matches(result.Combined).Count;
        Assert.True(
            valid == expectedSignatures && total == expectedSignatures + documentTimestamps && timestamps == documentTimestamps,
            $"pdfsig: expected {expectedSignatures} signatures all valid and {documentTimestamps} document timestamps, saw {valid} valid of {total}, {timestamps} of unknown type (exit {result.ExitCode}):\n{result.Combined}");
    }

    public static void NotAllSignaturesValid(string path, int signatures)
    {
        var result = ExternalTool.Pdfsig(path);
        Assert.True(ValidLine().Matches(result.Combined).Count < signatures, $"pdfsig still reports every signature valid:\n{result.Combined}");
    }

    public static void QpdfClean(string path)
    {
        var check = ExternalTool.QpdfCheck(path);
        Assert.True(check.ExitCode == 0, $"qpdf --check exit {check.ExitCode}:\n{check.Combined}");
        Assert.Contains("No syntax or stream encoding errors found", check.Combined, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Signature Validation: Signature is Valid\.")]
    private static partial Regex ValidLine();

    [GeneratedRegex(@"Signature Type: unknown")]
    private static partial Regex UnknownType();

    [GeneratedRegex(@"^Signature #\d+:", RegexOptions.Multiline)]
    private static partial Regex SignatureHeader();
}
