using System.Text.RegularExpressions;

namespace Signing.Api.Features.Web.Pages.Certificates.Mergers;

/// <summary>
/// The merger plan's flags in the person's language. The merger service writes its flags in English for the API; the
/// page recognises each kind it writes and says it in Vietnamese too, and shows any other text as it came, so a new
/// kind of flag is never hidden, only untranslated until it is added here.
/// </summary>
public static partial class PlanFlagText
{
    /// <summary>The flag <paramref name="problem"/> as a phrase.</summary>
    public static Phrase Of(string problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem == "not in the mapping: moves with the same unit, position and e-mail")
        {
            return new("không có trong bảng phân công: chuyển sang cơ quan mới với đơn vị, chức vụ và thư điện tử như cũ", problem);
        }

        if (problem == "not a person of the merging agencies; the line is ignored")
        {
            return new("không phải người của các cơ quan sáp nhập; dòng này bị bỏ qua", problem);
        }

        if (problem.StartsWith("no merging agency has an agency certificate", StringComparison.Ordinal))
        {
            return new("không cơ quan sáp nhập nào có chứng thư số cơ quan trong danh mục: hãy đề nghị cấp mới (cơ quan) cho cơ quan mới", problem);
        }

        if (NoHolder().Match(problem) is { Success: true } noHolder)
        {
            return new($"chứng thư {noHolder.Groups[1].Value} ({noHolder.Groups[2].Value}) không có người sử dụng thuộc các cơ quan sáp nhập; được thay đổi thông tin như hiện có", problem);
        }

        if (PositionGone().Match(problem) is { Success: true } gone)
        {
            return new($"{gone.Groups[1].Value} của {gone.Groups[2].Value}: chức vụ này không còn ở {gone.Groups[3].Value}; hãy ghi chức vụ mới", problem);
        }

        if (PositionShared().Match(problem) is { Success: true } shared)
        {
            return new($"{shared.Groups[1].Value}: {shared.Groups[2].Value} người sẽ cùng giữ chức vụ chỉ một người được giữ", problem);
        }

        return new(problem, problem);
    }

    [GeneratedRegex(@"^certificate (\S+) \((.*)\) has no holder in the merging agencies; it changes as it is$")]
    private static partial Regex NoHolder();

    [GeneratedRegex(@"^(.*) of (.*): the position no longer exists in (.*); give a new position$")]
    private static partial Regex PositionGone();

    [GeneratedRegex(@"^(.*): (\d+) people would hold this position, which one person holds$")]
    private static partial Regex PositionShared();
}
