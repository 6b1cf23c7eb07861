using Signing.Api.Features.Dossiers;
using Signing.Api.Features.GccRequests;
using Signing.Api.Hosting;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.Web.Pages.Certificates;

/// <summary>The texts of the certificate admins' pages: dashboard, list, detail, requests and dossiers.</summary>
public static class CertificateText
{
    /// <summary>The dashboard's title.</summary>
    public static readonly Phrase DashboardTitle = new("Chứng thư số của cơ quan", "The agency's certificates");

    /// <summary>What the dashboard shows.</summary>
    public static readonly Phrase DashboardIntro = new(
        "Tình trạng các chứng thư số cơ quan đang giữ, những chứng thư sắp hết hạn trong 90 ngày tới và hồ sơ đề nghị gửi Ban Cơ yếu Chính phủ.",
        "The state of the certificates the agency holds, those expiring in the next 90 days, and the request dossiers sent to the Government Cipher Committee.");

    /// <summary>The counts heading.</summary>
    public static readonly Phrase CountsHeading = new("Số chứng thư theo trạng thái", "Certificates by status");

    /// <summary>The expiry timeline heading.</summary>
    public static readonly Phrase TimelineHeading = new("Hết hạn trong 90 ngày tới", "Expiring in the next 90 days");

    /// <summary>The chart's description for screen readers; {0} is the number of certificates.</summary>
    public static readonly Phrase TimelineDescription = new(
        "Biểu đồ cột: số chứng thư hết hạn theo từng tuần trong 90 ngày tới, tổng cộng {0} chứng thư. Danh sách chi tiết ở bảng bên dưới.",
        "Bar chart: certificates expiring in each week of the next 90 days, {0} in all. The table below lists them.");

    /// <summary>A bar's label; {0} the count, {1} and {2} the week's first and last day.</summary>
    public static readonly Phrase TimelineBar = new("{0} chứng thư hết hạn từ {1} đến {2}", "{0} certificates expire from {1} to {2}");

    /// <summary>The chart's axis.</summary>
    public static readonly Phrase TimelineAxis = new("Tuần (ngày đầu tuần)", "Week (its first day)");

    /// <summary>What the bars' colours mean.</summary>
    public static readonly Phrase TimelineLegend = new(
        "Mỗi cột là một tuần, ghi ngày đầu tuần; cột màu đỏ: hết hạn trong 30 ngày tới, cần đề nghị gia hạn ngay.",
        "Each bar is a week, labelled with its first day; red bars expire within 30 days and need a renewal request now.");

    /// <summary>Nothing expires soon.</summary>
    public static readonly Phrase TimelineEmpty = new("Không có chứng thư nào hết hạn trong 90 ngày tới.", "No certificate expires in the next 90 days.");

    /// <summary>The table of expiring certificates.</summary>
    public static readonly Phrase ExpiringCaption = new("Chứng thư hết hạn trong 90 ngày tới: {0}", "Certificates expiring within 90 days: {0}");

    /// <summary>The dossiers heading on the dashboard.</summary>
    public static readonly Phrase OpenDossiers = new("Hồ sơ đang xử lý", "Dossiers in progress");

    /// <summary>The links of the admin pages.</summary>
    public static readonly Phrase AllCertificates = new("Danh sách chứng thư", "All certificates");

    /// <summary>The requests and dossiers page.</summary>
    public static readonly Phrase RequestsTitle = new("Đề nghị và hồ sơ gửi Ban Cơ yếu", "Requests and dossiers to the GCC");

    /// <summary>What that page holds.</summary>
    public static readonly Phrase RequestsIntro = new(
        "Các đề nghị cấp mới, gia hạn, thay đổi thông tin, thu hồi chứng thư số và các hồ sơ mang chúng, với trạng thái và hạn trả lời.",
        "Requests to issue, renew, change or revoke certificates and the dossiers that carry them, with their states and due dates.");

    /// <summary>Starts the merger wizard.</summary>
    public static readonly Phrase StartMerger = new("Sáp nhập cơ quan", "Merge agencies");

    /// <summary>The list's title.</summary>
    public static readonly Phrase ListTitle = new("Danh sách chứng thư số", "Certificates");

    /// <summary>The filters.</summary>
    public static readonly Phrase Filters = new("Lọc", "Filter");

    /// <summary>The search field.</summary>
    public static readonly Phrase Search = new("Tìm theo tên, thư điện tử, số hiệu hoặc CCCD", "Search by name, e-mail, serial or citizen ID");

    /// <summary>The expiry filter.</summary>
    public static readonly Phrase ExpiresWithin = new("Hết hạn trong (ngày)", "Expires within (days)");

    /// <summary>Any value of a filter.</summary>
    public static readonly Phrase Any = new("— Tất cả —", "— Any —");

    /// <summary>Apply the filters.</summary>
    public static readonly Phrase Apply = new("Lọc danh sách", "Apply filters");

    /// <summary>The list's caption.</summary>
    public static readonly Phrase ListCaption = new("Chứng thư tìm thấy: {0}", "Certificates found: {0}");

    /// <summary>No certificate matches.</summary>
    public static readonly Phrase NoneFound = new("Không có chứng thư nào phù hợp.", "No certificate matches.");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase Holder = new("Người/đơn vị sử dụng", "Holder");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase Status = new("Trạng thái", "Status");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase Kind = new("Loại", "Kind");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase Source = new("Nguồn", "Source");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase NotAfter = new("Hết hạn", "Expires");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase NotBefore = new("Có hiệu lực từ", "Valid from");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase DaysLeft = new("Còn lại", "Left");

    /// <summary>{0} days left.</summary>
    public static readonly Phrase Days = new("{0} ngày", "{0} days");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase Serial = new("Số hiệu", "Serial");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase Subject = new("Chủ thể", "Subject");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase Issuer = new("Tổ chức cấp", "Issuer");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase KeyAlgorithm = new("Thuật toán khóa", "Key algorithm");

    /// <summary>A column or fact.</summary>
    public static readonly Phrase Thumbprint = new("Dấu vân tay SHA-256", "SHA-256 thumbprint");

    /// <summary>The detail's subject section.</summary>
    public static readonly Phrase SubjectHeading = new("Thông tin chủ thể", "Subject");

    /// <summary>The detail's chain section.</summary>
    public static readonly Phrase ChainHeading = new("Chuỗi chứng thư", "Chain");

    /// <summary>No chain is held.</summary>
    public static readonly Phrase ChainUnknown = new("Chưa có chứng thư của tổ chức cấp (chứng thư được nhập từ bảng).", "The issuing CA's certificates are not held (the certificate came from a table).");

    /// <summary>The certificate itself, at the end of its chain.</summary>
    public static readonly Phrase ThisCertificate = new("Chứng thư này", "This certificate");

    /// <summary>The detail's status history section.</summary>
    public static readonly Phrase HistoryHeading = new("Lịch sử trạng thái", "Status history");

    /// <summary>The status history's table; {0} is the number of changes.</summary>
    public static readonly Phrase HistoryCaption = new("Các lần thay đổi trạng thái: {0}", "Status changes: {0}");

    /// <summary>The history table's columns.</summary>
    public static readonly Phrase When = new("Thời điểm", "When");

    /// <summary>The history table's columns.</summary>
    public static readonly Phrase FromStatus = new("Trạng thái trước", "From");

    /// <summary>The history table's columns.</summary>
    public static readonly Phrase ToStatus = new("Trạng thái sau", "To");

    /// <summary>The history table's columns.</summary>
    public static readonly Phrase ChangedBy = new("Người hoặc hệ thống thực hiện", "By");

    /// <summary>The history table's columns.</summary>
    public static readonly Phrase Why = new("Lý do", "Reason");

    /// <summary>The "from" of the change that added the certificate.</summary>
    public static readonly Phrase NotInInventory = new("(chưa có trong danh mục)", "(not in the inventory)");

    /// <summary>A reason; {0} is the source.</summary>
    public static readonly Phrase EventAdded = new("Đưa vào danh mục (nguồn: {0})", "Added to the inventory (source: {0})");

    /// <summary>A reason; {0} is the threshold in days.</summary>
    public static readonly Phrase EventExpiring = new("Còn không quá {0} ngày hiệu lực", "Within {0} days of expiry");

    /// <summary>A reason.</summary>
    public static readonly Phrase EventExpired = new("Hết thời hạn hiệu lực", "Its validity ended");

    /// <summary>A reason; {0} is the CA's reason.</summary>
    public static readonly Phrase EventRevoked = new("Tổ chức cấp đã thu hồi: {0}", "Revoked by the CA: {0}");

    /// <summary>A reason, followed by a link to the new certificate.</summary>
    public static readonly Phrase EventSuperseded = new("Được thay bằng chứng thư mới", "Replaced by a new certificate");

    /// <summary>A reason.</summary>
    public static readonly Phrase EventMigrated = new("Ghi khi bắt đầu lưu lịch sử; các thay đổi trước đó không được lưu", "Recorded when the history began; earlier changes were not kept");

    /// <summary>Who: the certificate watch.</summary>
    public static readonly Phrase ByWatch = new("Hệ thống theo dõi chứng thư", "The certificate watch");

    /// <summary>The section of flagged steps.</summary>
    public static readonly Phrase FlaggedHeading = new("Bước ký bị gắn cờ", "Flagged signing steps");

    /// <summary>A flagged step; {0} is the reason.</summary>
    public static readonly Phrase EventFlagged = new("Bước ký bị gắn cờ: {0}", "Signing step flagged: {0}");

    /// <summary>A fact.</summary>
    public static readonly Phrase CheckedAt = new("Kiểm tra thu hồi gần nhất", "Last revocation check");

    /// <summary>The linked key, token and person section.</summary>
    public static readonly Phrase LinksHeading = new("Khóa, thiết bị và người sử dụng", "Key, token and person");

    /// <summary>A fact.</summary>
    public static readonly Phrase LinkedKey = new("Khóa ký liên kết", "Linked key");

    /// <summary>A fact.</summary>
    public static readonly Phrase Token = new("Thiết bị lưu khóa (token)", "Token");

    /// <summary>A fact.</summary>
    public static readonly Phrase Person = new("Người sử dụng", "Person");

    /// <summary>No link.</summary>
    public static readonly Phrase None = new("Không có", "None");

    /// <summary>The person's other certificates.</summary>
    public static readonly Phrase PersonHistory = new("Các chứng thư của người này", "This person's certificates");

    /// <summary>Downloads the certificate.</summary>
    public static readonly Phrase DownloadPem = new("Tải chứng thư (PEM)", "Download the certificate (PEM)");

    /// <summary>The GCC requests' table.</summary>
    public static readonly Phrase RequestsCaption = new("Đề nghị: {0}", "Requests: {0}");

    /// <summary>The dossiers' table.</summary>
    public static readonly Phrase DossiersCaption = new("Hồ sơ: {0}", "Dossiers: {0}");

    /// <summary>A column.</summary>
    public static readonly Phrase Request = new("Đề nghị", "Request");

    /// <summary>A column.</summary>
    public static readonly Phrase Form = new("Mẫu", "Form");

    /// <summary>A column.</summary>
    public static readonly Phrase Dossier = new("Hồ sơ", "Dossier");

    /// <summary>A column.</summary>
    public static readonly Phrase DueDate = new("Hạn trả lời", "Answer due");

    /// <summary>A column.</summary>
    public static readonly Phrase Created = new("Ngày tạo", "Created");

    /// <summary>A column.</summary>
    public static readonly Phrase OpenItems = new("Đề nghị chưa xong", "Open items");

    /// <summary>An overdue dossier.</summary>
    public static readonly Phrase Overdue = new("Quá hạn", "Overdue");

    /// <summary>No GCC request yet.</summary>
    public static readonly Phrase NoRequests = new("Chưa có đề nghị nào.", "No request yet.");

    /// <summary>No dossier yet.</summary>
    public static readonly Phrase NoDossiers = new("Chưa có hồ sơ nào.", "No dossier yet.");

    /// <summary>The dossier page's items.</summary>
    public static readonly Phrase ItemsHeading = new("Các đề nghị trong hồ sơ", "The dossier's requests");

    /// <summary>A column.</summary>
    public static readonly Phrase SubjectBefore = new("Chủ thể hiện tại", "Subject now");

    /// <summary>A column.</summary>
    public static readonly Phrase SubjectAfter = new("Chủ thể sau thay đổi", "Subject after");

    /// <summary>Read before an attribute a change gives a new value.</summary>
    public static readonly Phrase ChangedAttribute = new("(thay đổi)", "(changed)");

    /// <summary>Downloads the dossier's PDF.</summary>
    public static readonly Phrase DossierPdf = new("Tải hồ sơ (PDF)", "Download the dossier (PDF)");

    /// <summary>The dossier's merger.</summary>
    public static readonly Phrase FromMerger = new("Lập từ kế hoạch sáp nhập", "Made by the merger plan");

    /// <summary>Not yet known.</summary>
    public static readonly Phrase NotYet = new("Chưa có", "Not yet");

    /// <summary>A certificate status in words.</summary>
    public static Phrase StatusName(string status) => status switch
    {
        CertificateStatuses.Active => new("Còn hiệu lực", "Active"),
        CertificateStatuses.Expiring => new("Sắp hết hạn", "Expiring"),
        CertificateStatuses.Expired => new("Hết hạn", "Expired"),
        CertificateStatuses.Revoked => new("Bị thu hồi", "Revoked"),
        CertificateStatuses.Superseded => new("Đã được thay thế", "Superseded"),
        _ => new(status, status),
    };

    /// <summary>A certificate kind in words.</summary>
    public static Phrase KindName(string kind) => kind switch
    {
        CertificateKinds.Individual => new("Cá nhân", "Individual"),
        CertificateKinds.Agency => new("Cơ quan, tổ chức", "Agency"),
        CertificateKinds.Device => new("Thiết bị, dịch vụ", "Device or service"),
        _ => new(kind, kind),
    };

    /// <summary>A certificate source in words.</summary>
    public static Phrase SourceName(string source) => source switch
    {
        "registry" => new("Danh mục khóa ký", "Signing keys registry"),
        "token" => new("Quét token", "Token scan"),
        "upload" => new("Tải tệp lên", "File upload"),
        "import" => new("Nhập từ bảng", "Table import"),
        "gcc" => new("Ban Cơ yếu trả lời hồ sơ", "GCC answer"),
        "demo" => new("Dữ liệu mẫu", "Demo data"),
        _ => new(source, source),
    };

    /// <summary>A GCC request's kind in words.</summary>
    public static Phrase RequestKindName(string kind) => kind switch
    {
        GccRequestKinds.IssueIndividual => new("Cấp mới (cá nhân)", "Issue (individual)"),
        GccRequestKinds.IssueAgency => new("Cấp mới (cơ quan)", "Issue (agency)"),
        GccRequestKinds.IssueDevice => new("Cấp mới (thiết bị)", "Issue (device)"),
        GccRequestKinds.Renew => new("Gia hạn", "Renew"),
        GccRequestKinds.ChangeInfo => new("Thay đổi thông tin", "Change of information"),
        GccRequestKinds.Revoke => new("Thu hồi", "Revoke"),
        GccRequestKinds.RestoreDevice => new("Khôi phục thiết bị", "Restore device"),
        _ => new(kind, kind),
    };

    /// <summary>A GCC request's state in words.</summary>
    public static Phrase RequestStateName(string state) => state switch
    {
        GccRequestStates.Draft => new("Bản nháp", "Draft"),
        GccRequestStates.Queued => new("Trong hồ sơ", "In a dossier"),
        GccRequestStates.Submitted => new("Đã gửi", "Submitted"),
        GccRequestStates.Done => new("Đã xong", "Done"),
        GccRequestStates.Rejected => new("Bị từ chối", "Rejected"),
        _ => new(state, state),
    };

    /// <summary>A dossier's state in words.</summary>
    public static Phrase DossierStateName(string state) => state switch
    {
        DossierStates.Draft => new("Bản nháp", "Draft"),
        DossierStates.AwaitingSignature => new("Chờ thủ trưởng ký", "Awaiting the head's signature"),
        DossierStates.Signed => new("Đã ký", "Signed"),
        DossierStates.Submitted => new("Đã gửi Ban Cơ yếu", "Submitted to the GCC"),
        DossierStates.InProgress => new("Đang được xử lý", "In progress"),
        DossierStates.Completed => new("Hoàn thành", "Completed"),
        _ => new(state, state),
    };

    /// <summary>Renders the dossier's PDF.</summary>
    public static readonly Phrase RenderPdf = new("Tạo bản PDF của hồ sơ", "Render the dossier's PDF");

    /// <summary>What the render button does.</summary>
    public static readonly Phrase RenderHint = new(
        "Bản nháp được dựng lại từ các đề nghị hiện có; hồ sơ đã gửi hoặc đã ký lấy bản đã lưu.",
        "A draft is rendered from its requests as they are now; a sent or signed dossier gives the stored copy.");

    /// <summary>The link to save the rendered PDF.</summary>
    public static readonly Phrase SavePdf = new("Lưu tệp PDF của hồ sơ", "Save the dossier's PDF");

    /// <summary>The rendering finished; {0} is the number of requests, {1} the file's size.</summary>
    public static readonly Phrase Rendered = new("Đã tạo bản PDF: {0} đề nghị, {1}.", "The PDF is ready: {0} requests, {1}.");

    /// <summary>The rendering failed; the reason follows.</summary>
    public static readonly Phrase RenderFailed = new("Không tạo được bản PDF.", "The PDF could not be rendered.");

    /// <summary>The rendering's progress in words; {0} is done, {1} the total.</summary>
    public static Phrase RenderPhase(WorkProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return progress.Phase switch
        {
            RenderPhases.Collect when progress.Total > 0 => new("Đã tập hợp {1} đề nghị", "Gathered {1} requests"),
            RenderPhases.Collect => new("Đang tập hợp các đề nghị…", "Gathering the requests…"),
            RenderPhases.Draw => new("Đã dựng {0}/{1} dòng", "Drew {0} of {1} rows"),
            RenderPhases.Write => new("Đang ghi tệp PDF…", "Writing the PDF…"),
            RenderPhases.Stored => new("Đang lấy bản PDF đã lưu…", "Reading the stored PDF…"),
            _ => new(progress.Phase, progress.Phase),
        };
    }
}
