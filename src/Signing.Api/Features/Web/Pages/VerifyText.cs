using Signing.Pdf.Signatures;
using Signing.Pdf.Validation;
using Signing.Pki.Validation;

namespace Signing.Api.Features.Web.Pages;

/// <summary>The texts of the verify page, and the words for a validation report's values.</summary>
public static class VerifyText
{
    /// <summary>The page title and heading.</summary>
    public static readonly Phrase Title = new("Xác minh chữ ký số", "Verify digital signatures");

    /// <summary>What the page does.</summary>
    public static readonly Phrase Intro = new(
        "Chọn một tệp PDF đã ký. Máy chủ kiểm tra từng chữ ký: nội dung có bị sửa không, chứng thư số có được cấp bởi tổ chức tin cậy và còn hiệu lực không, và những thay đổi sau khi ký.",
        "Choose a signed PDF. The server checks each signature: whether the content was changed, whether the certificate comes from a trusted authority and is still valid, and what changed after signing.");

    /// <summary>The check button.</summary>
    public static readonly Phrase Check = new("Kiểm tra chữ ký", "Check signatures");

    /// <summary>The report button.</summary>
    public static readonly Phrase DownloadReport = new("Tải báo cáo (PDF)", "Download the report (PDF)");

    /// <summary>What the report button does.</summary>
    public static readonly Phrase ReportHint = new(
        "Báo cáo kết quả được lập bằng ngôn ngữ đang dùng, cho tệp đang chọn.",
        "The report is written in the language in use, for the file chosen.");

    /// <summary>The preview's heading.</summary>
    public static readonly Phrase PreviewHeading = new("Xem trước", "Preview");

    /// <summary>The preview canvas's accessible name.</summary>
    public static readonly Phrase PreviewLabel = new("Trang 1 của tệp đã chọn", "Page 1 of the chosen file");

    /// <summary>Said once page 1 is drawn; {0} is the page count.</summary>
    public static readonly Phrase PreviewShown = new("Đang hiển thị trang 1 trên tổng số {0} trang.", "Showing page 1 of {0}.");

    /// <summary>Said when pdf.js cannot draw the file.</summary>
    public static readonly Phrase PreviewFailed = new(
        "Không xem trước được tệp này; vẫn có thể kiểm tra chữ ký.", "This file cannot be previewed; its signatures can still be checked.");

    /// <summary>The progress list's heading.</summary>
    public static readonly Phrase ProgressHeading = new("Tiến trình", "Progress");

    /// <summary>Progress: the upload arrived; {0} is the file name, {1} its size.</summary>
    public static readonly Phrase StageReceived = new("Đã nhận tệp {0} ({1}).", "Received {0} ({1}).");

    /// <summary>Progress: validation is running.</summary>
    public static readonly Phrase StageValidating = new(
        "Đang kiểm tra chữ ký, chứng thư số và tình trạng thu hồi…", "Checking the signatures, certificates and revocation status…");

    /// <summary>Progress: validation is done; {0} is the number of signatures.</summary>
    public static readonly Phrase StageValidated = new("Đã kiểm tra xong {0} chữ ký.", "Checked {0} signature(s).");

    /// <summary>Progress: the check failed; {0} explains, {1} is the trace id.</summary>
    public static readonly Phrase StageFailed = new("Không hoàn thành được việc kiểm tra: {0} Mã tra cứu: {1}.", "The check could not be completed: {0} Reference: {1}.");

    /// <summary>Said by the script when the connection breaks or the server refuses the upload.</summary>
    public static readonly Phrase ConnectionFailed = new(
        "Không gửi được tệp tới máy chủ. Hãy tải lại trang rồi thử lại.", "The file could not be sent to the server. Reload the page and try again.");

    /// <summary>The results' heading.</summary>
    public static readonly Phrase ResultsHeading = new("Kết quả kiểm tra", "Results");

    /// <summary>The file name's label.</summary>
    public static readonly Phrase File = new("Tệp", "File");

    /// <summary>The size's label.</summary>
    public static readonly Phrase Size = new("Dung lượng", "Size");

    /// <summary>The revision count's label.</summary>
    public static readonly Phrase Revisions = new("Số phiên bản trong tệp", "Revisions in the file");

    /// <summary>The overall result's label.</summary>
    public static readonly Phrase Overall = new("Kết luận chung", "Overall");

    /// <summary>The summary line; {0} is the number of signatures.</summary>
    public static readonly Phrase SignatureCount = new("Tệp có {0} chữ ký số.", "The file has {0} digital signature(s).");

    /// <summary>Said when the file has no signature.</summary>
    public static readonly Phrase NoSignatures = new("Tệp không có chữ ký số nào.", "The file has no digital signature.");

    /// <summary>Said when the file is not a readable PDF.</summary>
    public static readonly Phrase FormatProblem = new("Không đọc được tệp này như một tệp PDF.", "This file cannot be read as a PDF.");

    /// <summary>A signature's heading; {0} is its number, {1} the signer.</summary>
    public static readonly Phrase SignatureHeading = new("Chữ ký {0}: {1}", "Signature {0}: {1}");

    /// <summary>A document timestamp's heading; {0} is its number.</summary>
    public static readonly Phrase TimestampHeading = new("Dấu thời gian tài liệu {0}", "Document timestamp {0}");

    /// <summary>Shown when the signer cannot be named.</summary>
    public static readonly Phrase UnknownSigner = new("không rõ người ký", "unknown signer");

    /// <summary>The signer's label.</summary>
    public static readonly Phrase Signer = new("Người ký", "Signer");

    /// <summary>The certificate subject's label.</summary>
    public static readonly Phrase Subject = new("Chứng thư số cấp cho", "Certificate issued to");

    /// <summary>The signing time's label.</summary>
    public static readonly Phrase SigningTime = new("Thời điểm ký", "Signing time");

    /// <summary>A time proven by a timestamp; {0} is the time.</summary>
    public static readonly Phrase TimeFromTimestamp = new("{0}, theo dấu thời gian (bằng chứng về thời điểm ký)", "{0}, from a timestamp (proof of the time)");

    /// <summary>A time only the signer states; {0} is the time.</summary>
    public static readonly Phrase TimeClaimed = new("{0}, theo người ký khai (chưa có bằng chứng)", "{0}, as the signer states (not proven)");

    /// <summary>Said when the signature carries no time a validator can use.</summary>
    public static readonly Phrase NoTime = new(
        "Chữ ký không kèm dấu thời gian, nên không có bằng chứng về thời điểm ký.",
        "The signature has no timestamp, so nothing proves when it was made.");

    /// <summary>Said when every change after signing is allowed; {0} is their number.</summary>
    public static readonly Phrase ModificationsAllowed = new(
        "{0} thay đổi, đều được phép (như chữ ký sau hoặc dữ liệu phục vụ kiểm tra).",
        "{0} change(s), all allowed (such as later signatures or validation data).");

    /// <summary>Said when some changes after signing are not allowed; {0} of {1}.</summary>
    public static readonly Phrase ModificationsForbidden = new("{0} trong {1} thay đổi không được phép:", "{0} of {1} change(s) are not allowed:");

    /// <summary>The summary of the full list of changes.</summary>
    public static readonly Phrase ModificationsList = new("Danh sách thay đổi", "List of changes");

    /// <summary>Shown for a missing value.</summary>
    public static readonly Phrase None = new("Không có", "None");

    /// <summary>The result's label.</summary>
    public static readonly Phrase Result = new("Kết quả", "Result");

    /// <summary>The coverage's label.</summary>
    public static readonly Phrase Coverage = new("Phạm vi được ký", "What the signature covers");

    /// <summary>The level's label.</summary>
    public static readonly Phrase Level = new("Mức chữ ký (PAdES)", "Signature level (PAdES)");

    /// <summary>The modifications' label.</summary>
    public static readonly Phrase Modifications = new("Thay đổi sau khi ký", "Changes after signing");

    /// <summary>The technical details' summary; the checks inside are the validator's own English words.</summary>
    public static readonly Phrase TechnicalDetails = new("Chi tiết kỹ thuật (bằng tiếng Anh)", "Technical details");

    /// <summary>The signature field's label.</summary>
    public static readonly Phrase FieldName = new("Tên trường chữ ký", "Signature field");

    /// <summary>The label of the EN 319 102-1 codes.</summary>
    public static readonly Phrase Indications = new("Mã kết quả (EN 319 102-1)", "Result codes (EN 319 102-1)");

    /// <summary>A report value as the JSON report and ETSI write it, e.g. TOTAL_PASSED or HASH_FAILURE.</summary>
    public static string Code<T>(T value)
        where T : struct, Enum => System.Text.Json.JsonSerializer.Serialize(value).Trim('"');

    /// <summary>The word for an indication.</summary>
    public static Phrase Indication(Indication indication) => indication switch
    {
        Pki.Validation.Indication.TotalPassed => new("Hợp lệ", "Valid"),
        Pki.Validation.Indication.TotalFailed => new("Không hợp lệ", "Not valid"),
        _ => new("Chưa xác định", "Indeterminate"),
    };

    /// <summary>The style of an indication (colour always comes with the word).</summary>
    public static string IndicationStyle(Indication indication) => indication switch
    {
        Pki.Validation.Indication.TotalPassed => "status status--passed",
        Pki.Validation.Indication.TotalFailed => "status status--failed",
        _ => "status status--indeterminate",
    };

    /// <summary>A report's explanation as a phrase.</summary>
    public static Phrase Explain(Explanation explanation)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        return new(explanation.Vi, explanation.En);
    }

    /// <summary>What a signature covers, in words.</summary>
    public static Phrase CoverageOf(PdfSignatureValidationReport signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return signature.Coverage switch
        {
            ByteRangeCoverage.EntireFile => new("Toàn bộ tệp.", "The whole file."),
            ByteRangeCoverage.EntireRevision => new(
                $"Toàn bộ phiên bản {signature.Revision + 1} của tệp; tệp còn được cập nhật sau khi ký (xem các thay đổi).",
                $"All of revision {signature.Revision + 1}; the file was updated after signing (see the changes)."),
            _ => new("Không xác định được phạm vi được ký.", "What the signature covers cannot be determined."),
        };
    }

    /// <summary>The level's name, e.g. B-LT.</summary>
    public static string LevelName(PadesLevel level) => PadesLevelNames.NameOf(level);

    /// <summary>One change made after signing, in words.</summary>
    public static Phrase Change(PdfModification modification)
    {
        ArgumentNullException.ThrowIfNull(modification);
        var (vi, en) = modification.Change switch
        {
            "added" => ("Thêm", "Added"),
            "deleted" => ("Xóa", "Deleted"),
            _ => ("Sửa", "Modified"),
        };
        var page = modification.Page is { } number ? ($", trang {number}", $", page {number}") : ("", "");
        var verdict = modification.Allowed ? ("được phép", "allowed") : ("không được phép", "not allowed");
        return new($"{vi} đối tượng {modification.ObjectNumber}{page.Item1}: {verdict.Item1}.",
            $"{en} object {modification.ObjectNumber}{page.Item2}: {verdict.Item2}.");
    }

    /// <summary>When a signature was made, and how far that is proven.</summary>
    public static string SigningTimeOf(ValidationReport validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        return validation.TimestampTime is { } proven ? TimeFromTimestamp.Format(Time(proven))
            : validation.ClaimedSigningTime is { } claimed ? TimeClaimed.Format(Time(claimed))
            : NoTime.ToString();
    }

    /// <summary>A time as Vietnamese documents write it, in Vietnam time (UTC+7), whatever the language.</summary>
    public static string Time(DateTimeOffset time) => SignatureAppearance.VietnamTime(time) + " (UTC+7)";

    /// <summary>A file size in the request's language, e.g. 12,3 KB.</summary>
    public static string FileSize(long bytes)
    {
        var culture = WebLanguages.Current.Culture();
        return bytes switch
        {
            < 1024 => string.Format(culture, "{0} B", bytes),
            < 1024 * 1024 => string.Format(culture, "{0:0.#} KB", bytes / 1024.0),
            _ => string.Format(culture, "{0:0.#} MB", bytes / (1024.0 * 1024.0)),
        };
    }
}
