using Signing.Api.Features.Web.Pages.Certificates.Mergers;

namespace Signing.Api.Tests.Features.Web;

/// <summary>The merger plan's flags, as the merger service words them, read in Vietnamese; an unknown one stays as it came.</summary>
public sealed class PlanFlagTextTests
{
    [Theory]
    [InlineData("Chủ tịch of ỦY BAN NHÂN DÂN XÃ AN THỊNH: the position no longer exists in ỦY BAN NHÂN DÂN XÃ HÒA AN; give a new position",
        "Chủ tịch của ỦY BAN NHÂN DÂN XÃ AN THỊNH: chức vụ này không còn ở ỦY BAN NHÂN DÂN XÃ HÒA AN; hãy ghi chức vụ mới")]
    [InlineData("Chủ tịch: 3 people would hold this position, which one person holds", "Chủ tịch: 3 người sẽ cùng giữ chức vụ chỉ một người được giữ")]
    [InlineData("certificate 1A2B (Nguyễn Văn An) has no holder in the merging agencies; it changes as it is",
        "chứng thư 1A2B (Nguyễn Văn An) không có người sử dụng thuộc các cơ quan sáp nhập; được thay đổi thông tin như hiện có")]
    [InlineData("something new", "something new")]
    public void TheServicesFlags_ReadInVietnamese(string problem, string vietnamese)
    {
        var phrase = PlanFlagText.Of(problem);
        Assert.Equal(vietnamese, phrase.Vi);
        Assert.Equal(problem, phrase.En);
    }
}
