using Signing.Api.Features.Mergers;
using Signing.Api.Hosting;

namespace Signing.Api.Features.Web.Pages.Certificates.Mergers;

/// <summary>The texts of the merger wizard.</summary>
public static class MergerText
{
    /// <summary>The wizard's title.</summary>
    public static readonly Phrase Title = new("Sáp nhập cơ quan", "Merge agencies");

    /// <summary>What the wizard does.</summary>
    public static readonly Phrase Intro = new(
        "Theo hướng dẫn của Ban Cơ yếu Chính phủ, khi sáp nhập, chứng thư số được thay đổi thông tin thay vì cấp mới. Trình hướng dẫn lập kế hoạch cho từng chứng thư và hồ sơ đề nghị để thủ trưởng ký.",
        "Under the Government Cipher Committee's guidance, a merger changes certificates' information rather than issuing new ones. The wizard plans every certificate's request and the dossier for the head to sign.");

    /// <summary>The steps' list.</summary>
    public static readonly Phrase Steps = new("Các bước sáp nhập", "Merger steps");

    /// <summary>Step 1.</summary>
    public static readonly Phrase StepAgencies = new("Chọn cơ quan", "Choose the agencies");

    /// <summary>Step 2.</summary>
    public static readonly Phrase StepNewAgency = new("Cơ quan mới", "The new agency");

    /// <summary>Step 3.</summary>
    public static readonly Phrase StepPeople = new("Nhập danh sách người", "Import the people");

    /// <summary>Step 4.</summary>
    public static readonly Phrase StepReview = new("Xem kế hoạch", "Review the plan");

    /// <summary>Step 5.</summary>
    public static readonly Phrase StepConfirm = new("Xác nhận", "Confirm");

    /// <summary>A step's position; {0} and {1} are numbers.</summary>
    public static readonly Phrase StepOf = new("Bước {0}/{1}", "Step {0} of {1}");

    /// <summary>The agencies' fieldset.</summary>
    public static readonly Phrase MergingAgencies = new("Các cơ quan sáp nhập", "The merging agencies");

    /// <summary>What to tick.</summary>
    public static readonly Phrase MergingAgenciesHint = new(
        "Chọn ít nhất hai cơ quan, trong đó có cơ quan của bạn.", "Choose at least two agencies, yours among them.");

    /// <summary>Too few agencies.</summary>
    public static readonly Phrase TooFewAgencies = new(
        "Hãy chọn ít nhất hai cơ quan, trong đó có cơ quan của bạn.", "Choose at least two agencies, yours among them.");

    /// <summary>Next step.</summary>
    public static readonly Phrase Next = new("Tiếp tục", "Continue");

    /// <summary>Previous step.</summary>
    public static readonly Phrase Back = new("Quay lại", "Back");

    /// <summary>A field of the new agency.</summary>
    public static readonly Phrase Name = new("Tên cơ quan mới", "New agency's name");

    /// <summary>A field of the new agency.</summary>
    public static readonly Phrase Code = new("Mã định danh (Quyết định 20/2020)", "Identifier code (Decision 20/2020)");

    /// <summary>A hint for the code.</summary>
    public static readonly Phrase CodeHint = new("Ví dụ: 000.00.00.H01", "For example 000.00.00.H01");

    /// <summary>A field of the new agency.</summary>
    public static readonly Phrase Province = new("Tỉnh, thành phố", "Province");

    /// <summary>A field of the new agency.</summary>
    public static readonly Phrase ParentBody = new("Cơ quan chủ quản", "Parent body");

    /// <summary>A required field left empty.</summary>
    public static readonly Phrase Required = new("Trường này là bắt buộc.", "This field is required.");

    /// <summary>The plan could not be made.</summary>
    public static readonly Phrase PlanFailed = new("Chưa lập được kế hoạch sáp nhập.", "The merger could not be planned.");

    /// <summary>The people's table.</summary>
    public static readonly Phrase MappingFile = new("Bảng phân công người (CSV hoặc XLSX)", "People's mapping (CSV or XLSX)");

    /// <summary>The mapping's columns.</summary>
    public static readonly Phrase MappingHint = new(
        "Các cột: username, action (move hoặc leave), unit, position, email, reason. Người không có trong bảng được chuyển sang cơ quan mới với đơn vị, chức vụ và thư điện tử như cũ.",
        "Columns: username, action (move or leave), unit, position, email, reason. People not in the table move to the new agency with the same unit, position and e-mail.");

    /// <summary>Imports the mapping.</summary>
    public static readonly Phrase Import = new("Nhập bảng", "Import the table");

    /// <summary>No file chosen.</summary>
    public static readonly Phrase NoFile = new("Hãy chọn tệp CSV hoặc XLSX.", "Choose a CSV or XLSX file.");

    /// <summary>The mapping imported; {0} people.</summary>
    public static readonly Phrase Imported = new("Đã nhập phân công của {0} người.", "Imported the mapping of {0} people.");

    /// <summary>Rows of the mapping that could not be used.</summary>
    public static readonly Phrase Problems = new("Các dòng không dùng được", "Rows that could not be used");

    /// <summary>A problem row; {0} row, {1} column, {2} message.</summary>
    public static readonly Phrase ProblemRow = new("Dòng {0}, cột {1}: {2}", "Row {0}, column {1}: {2}");

    /// <summary>The current mapping.</summary>
    public static readonly Phrase Mapping = new("Phân công hiện tại", "Current mapping");

    /// <summary>Nobody mapped yet.</summary>
    public static readonly Phrase NoMapping = new("Chưa nhập bảng phân công.", "No mapping imported yet.");

    /// <summary>A mapping column.</summary>
    public static readonly Phrase Username = new("Tên đăng nhập", "Username");

    /// <summary>A mapping column.</summary>
    public static readonly Phrase Action = new("Việc", "Action");

    /// <summary>A mapping column.</summary>
    public static readonly Phrase Unit = new("Đơn vị", "Unit");

    /// <summary>A mapping column.</summary>
    public static readonly Phrase Position = new("Chức vụ", "Position");

    /// <summary>A mapping column.</summary>
    public static readonly Phrase Email = new("Thư điện tử", "E-mail");

    /// <summary>Moving to the new agency.</summary>
    public static readonly Phrase Move = new("Chuyển sang cơ quan mới", "Moves to the new agency");

    /// <summary>Leaving.</summary>
    public static readonly Phrase Leave = new("Nghỉ, không chuyển", "Leaves");

    /// <summary>The plan's counts.</summary>
    public static readonly Phrase CountsHeading = new("Tổng hợp kế hoạch", "The plan in numbers");

    /// <summary>A count.</summary>
    public static readonly Phrase AgencyChangeInfo = new("Chứng thư cơ quan thay đổi thông tin", "Agency certificates changed");

    /// <summary>A count.</summary>
    public static readonly Phrase AgencyRevocations = new("Chứng thư cơ quan bị thu hồi", "Agency certificates revoked");

    /// <summary>A count.</summary>
    public static readonly Phrase PersonalChangeInfo = new("Chứng thư cá nhân thay đổi thông tin", "Personal certificates changed");

    /// <summary>A count.</summary>
    public static readonly Phrase PersonalRevocations = new("Chứng thư cá nhân bị thu hồi", "Personal certificates revoked");

    /// <summary>A count.</summary>
    public static readonly Phrase DeviceChangeInfo = new("Chứng thư thiết bị thay đổi thông tin", "Device certificates changed");

    /// <summary>A count.</summary>
    public static readonly Phrase Total = new("Tổng số đề nghị trong hồ sơ", "Requests in the dossier");

    /// <summary>The flags.</summary>
    public static readonly Phrase FlagsHeading = new("Cần xem lại", "To look at");

    /// <summary>The plan's items.</summary>
    public static readonly Phrase ItemsHeading = new("Chứng thư trước và sau sáp nhập", "Certificates before and after");

    /// <summary>The plan's items' caption; {0} items.</summary>
    public static readonly Phrase ItemsCaption = new("Đề nghị theo từng chứng thư: {0}", "Requests per certificate: {0}");

    /// <summary>A column.</summary>
    public static readonly Phrase Holder = new("Người/đơn vị", "Holder");

    /// <summary>A column.</summary>
    public static readonly Phrase Before = new("Chủ thể trước", "Subject before");

    /// <summary>A column.</summary>
    public static readonly Phrase After = new("Chủ thể sau", "Subject after");

    /// <summary>Revoked rather than changed.</summary>
    public static readonly Phrase Revoked = new("Thu hồi", "Revoked");

    /// <summary>Confirm's explanation.</summary>
    public static readonly Phrase ConfirmIntro = new(
        "Khi xác nhận, hệ thống lập lại kế hoạch theo danh mục chứng thư hiện tại và tạo hồ sơ đề nghị gồm {0} đề nghị. Hồ sơ được gửi thủ trưởng ký trước khi gửi Ban Cơ yếu Chính phủ.",
        "Confirming plans once more against the inventory as it is now and makes a dossier of {0} requests, which goes to the head for signature before it is sent to the GCC.");

    /// <summary>The confirm button.</summary>
    public static readonly Phrase ConfirmButton = new("Xác nhận và lập hồ sơ", "Confirm and make the dossier");

    /// <summary>A confirmed merger.</summary>
    public static readonly Phrase AlreadyConfirmed = new("Kế hoạch đã được xác nhận; hồ sơ đã được lập.", "The plan is confirmed; its dossier is made.");

    /// <summary>Opens the dossier.</summary>
    public static readonly Phrase OpenDossier = new("Mở hồ sơ đề nghị", "Open the dossier");

    /// <summary>The merger's state.</summary>
    public static Phrase State(string state) => state switch
    {
        "planned" => new("Đang lập kế hoạch", "Planned"),
        "confirmed" => new("Đã xác nhận", "Confirmed"),
        "completed" => new("Đã sáp nhập", "Completed"),
        _ => new(state, state),
    };

    /// <summary>The import's progress in words; {0} is done, {1} the total.</summary>
    public static Phrase ImportPhase(WorkProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return progress.Phase switch
        {
            ImportPhases.Read => new("Đang đọc tệp…", "Reading the file…"),
            ImportPhases.Check => new("Đã kiểm tra {0}/{1} dòng", "Checked {0} of {1} rows"),
            ImportPhases.Plan when progress.Total > 0 && progress.Done == progress.Total => new("Đã lập lại kế hoạch cho {1} người", "Planned again for {1} people"),
            ImportPhases.Plan => new("Đang lập lại kế hoạch cho {1} người…", "Planning again for {1} people…"),
            _ => new(progress.Phase, progress.Phase),
        };
    }
}
