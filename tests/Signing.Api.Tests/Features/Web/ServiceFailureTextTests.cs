using Signing.Api.Features.Web.Pages.Certificates;
using Signing.Api.Hosting;

namespace Signing.Api.Tests.Features.Web;

/// <summary>The certificate services' failures and an import's row problems, as the services word them, read in Vietnamese.</summary>
public sealed class ServiceFailureTextTests
{
    [Theory]
    [InlineData("bad-input", "Bad agency code", "newAgency.code is an identifier code of Decision 20/2020 such as 000.00.00.H01; got '12345'.",
        "Mã định danh của cơ quan mới phải theo Quyết định 20/2020, ví dụ 000.00.00.H01; đã nhập “12345”.")]
    [InlineData("bad-input", "Code in use", "Code 000.00.31.H42 belongs to ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, which is not merging.",
        "Mã 000.00.31.H42 đang là mã của ỦY BAN NHÂN DÂN XÃ HÒA BÌNH, cơ quan không tham gia sáp nhập.")]
    [InlineData("unreadable-table", "Table not readable", "The file has more than 5000 rows; split it.", "Tệp có hơn 5000 dòng; hãy tách thành nhiều tệp.")]
    [InlineData("nothing-to-request", "Nothing to request", "The plan has no request: no certificate of the merging agencies changes.",
        "Kế hoạch không có đề nghị nào: không chứng thư số nào của các cơ quan sáp nhập cần thay đổi.")]
    [InlineData("something-new", "Something new", "A failure this page does not know.", "Thao tác không hợp với tình trạng hiện tại; hãy tải lại trang rồi thử lại.")]
    public void TheServicesFailures_ReadInVietnamese_AndKeepTheirEnglish(string code, string title, string detail, string vietnamese)
    {
        var kind = code == "bad-input" ? FailureKind.BadInput : code == "unreadable-table" ? FailureKind.Unprocessable : FailureKind.Conflict;
        var phrase = ServiceFailureText.Of(new Failure(kind, code, title, detail));
        Assert.Equal(vietnamese, phrase.Vi);
        Assert.Equal(detail, phrase.En);
    }

    [Theory]
    [InlineData("required, and empty", "bắt buộc, nhưng để trống")]
    [InlineData("'fly' is neither move nor leave", "“fly” không phải move hoặc leave")]
    [InlineData("'bored' is not one of job-change, retired, resigned, deceased", "“bored” không thuộc các giá trị job-change, retired, resigned, deceased")]
    [InlineData("something new", "something new")]
    public void AnImportsRowProblems_ReadInVietnamese(string problem, string vietnamese)
    {
        var phrase = ServiceFailureText.Problem(problem);
        Assert.Equal(vietnamese, phrase.Vi);
        Assert.Equal(problem, phrase.En);
    }
}
