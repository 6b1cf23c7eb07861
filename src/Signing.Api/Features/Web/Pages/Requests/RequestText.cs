using Signing.Api.Features.SignatureRequests;
using Signing.Api.Hosting;

namespace Signing.Api.Features.Web.Pages.Requests;

/// <summary>
/// The words of the signature-request workflow as people read them (states, steps, urgencies, capacities, history),
/// shared by the inbox, the seal queue and the request page, and the request page's own texts.
/// </summary>
public static class RequestText
{
    /// <summary>A request's state.</summary>
    public static Phrase State(string state) => state switch
    {
        RequestStates.InProgress => new("Đang xử lý", "In progress"),
        RequestStates.Returned => new("Trả lại để chỉnh sửa", "Returned for revision"),
        RequestStates.Rejected => new("Bị từ chối", "Rejected"),
        RequestStates.Withdrawn => new("Đã rút lại", "Withdrawn"),
        RequestStates.Completed => new("Đã ban hành", "Issued"),
        RequestStates.Recalled => new("Đã thu hồi", "Recalled"),
        RequestStates.Expired => new("Quá hạn, đã dừng", "Expired"),
        RequestStates.Superseded => new("Đã có bản thay thế", "Superseded"),
        _ => new(state, state),
    };

    /// <summary>What a step of each kind asks of its actor.</summary>
    public static Phrase StepKind(string kind) => kind switch
    {
        StepKinds.Review => new("Cho ý kiến", "Review"),
        StepKinds.Sign => new("Ký ban hành", "Sign"),
        StepKinds.Register => new("Vào số, ghi ngày", "Register (number and date)"),
        StepKinds.Seal => new("Đóng dấu", "Seal"),
        StepKinds.Copy => new("Sao văn bản điện tử", "Electronic copies"),
        _ => new(kind, kind),
    };

    /// <summary>A step's state.</summary>
    public static Phrase StepState(string state) => state switch
    {
        StepStates.Pending => new("Chưa đến lượt", "Not yet"),
        StepStates.Active => new("Đang chờ xử lý", "Waiting"),
        StepStates.Done => new("Đã xong", "Done"),
        StepStates.Cancelled => new("Đã hủy", "Cancelled"),
        _ => new(state, state),
    };

    /// <summary>Urgency (độ khẩn).</summary>
    public static Phrase Urgency(string urgency) => urgency switch
    {
        Urgencies.Urgent => new("Khẩn", "Urgent"),
        Urgencies.VeryUrgent => new("Thượng khẩn", "Very urgent"),
        Urgencies.Flash => new("Hỏa tốc", "Flash"),
        _ => new("Thường", "Normal"),
    };

    /// <summary>Secrecy (độ mật).</summary>
    public static Phrase Secrecy(string secrecy) => secrecy switch
    {
        Secrecies.Confidential => new("Mật", "Confidential"),
        Secrecies.Secret => new("Tối mật", "Secret"),
        Secrecies.TopSecret => new("Tuyệt mật", "Top secret"),
        _ => new("Không mật", "Not secret"),
    };

    /// <summary>A signing capacity, with the prefix printed in the signature block.</summary>
    public static Phrase Capacity(string? capacity) => capacity switch
    {
        Capacities.OnBehalf => new("KT. (ký thay)", "KT. (signs for the head)"),
        Capacities.ByOrder => new("TL. (thừa lệnh)", "TL. (by order)"),
        Capacities.ByAuthorisation => new("TUQ. (thừa ủy quyền)", "TUQ. (by authorisation)"),
        Capacities.Acting => new("Q. (quyền)", "Q. (acting)"),
        _ => new("Ký theo thẩm quyền của mình", "In own right"),
    };

    /// <summary>A line of the history.</summary>
    public static Phrase HistoryAction(string action) => action switch
    {
        "submit" => new("Trình ký", "Submitted"),
        "approve" => new("Đồng ý", "Approved"),
        "sign" => new("Ký", "Signed"),
        "register" => new("Vào số", "Registered"),
        "seal" => new("Đóng dấu", "Sealed"),
        "copy" => new("Sao văn bản", "Copied"),
        "reject" => new("Từ chối", "Rejected"),
        "return" => new("Trả lại để chỉnh sửa", "Returned for revision"),
        "delegate" => new("Giao ký thay", "Delegated"),
        "comment" => new("Ý kiến", "Comment"),
        "withdraw" => new("Rút lại", "Withdrawn"),
        "recall" => new("Thu hồi", "Recalled"),
        "expire" => new("Quá hạn", "Expired"),
        "supersede" => new("Thay bằng bản mới", "Superseded"),
        _ => new(action, action),
    };

    /// <summary>A stored document's kind.</summary>
    public static Phrase DocumentKind(string kind) => kind switch
    {
        "attachment" => new("Phụ lục", "Attachment"),
        "copy" => new("Bản sao điện tử", "Electronic copy"),
        _ => new("Văn bản chính", "Main document"),
    };

    /// <summary>A numbering series of the register.</summary>
    public static Phrase Series(string series) => series == "secret"
        ? new("Sổ văn bản mật", "Secret series")
        : new("Sổ văn bản đi", "General series");

    /// <summary>
    /// What a failed action means for the person, by the failure's code; the service's own words (English, for the
    /// operator) are shown beside it.
    /// </summary>
    public static Phrase Failure(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.Code switch
        {
            "stale-revision" => new(
                "Văn bản đã thay đổi kể từ khi bạn mở trang. Trang đang hiển thị bản mới nhất: hãy xem lại rồi thao tác.",
                "The document changed since you opened the page. The page now shows the latest revision: look at it again, then act."),
            "signing-factor-wrong" => new("Mã PIN ký số hoặc mã xác thực không đúng.", "The signing PIN or code is wrong."),
            "signing-code-used" => new(
                "Mã xác thực này đã được dùng. Hãy chờ mã mới trên ứng dụng xác thực rồi thử lại.",
                "This authenticator code has already been used. Wait for the next code in your app, then try again."),
            "signing-credential-locked" => new(
                "Mã ký số của bạn đã bị khóa sau nhiều lần nhập sai; quản trị của cơ quan cần mở khóa.",
                "Your signing credential is locked after too many wrong attempts; an administrator of your agency must unlock it."),
            "signing-credential-missing" => new(
                "Bạn chưa đặt mã PIN ký số. Hãy đặt trong trang Mã PIN ký số rồi thử lại.",
                "You have no signing PIN yet. Set one on the Signing PIN page, then try again."),
            "no-signing-key" => new(
                "Hệ thống không giữ khóa ký số của bạn; hãy ký bằng USB token.",
                "The service holds no signing key of yours; sign with your USB token."),
            "no-seal-key" => new(
                "Cơ quan chưa có khóa ký số của cơ quan trên hệ thống; hãy báo quản trị chứng thư số.",
                "The agency has no seal key on the service; tell your certificate administrator."),
            "not-your-step" => new("Bước này không giao cho bạn.", "This step is not assigned to you."),
            "step-not-active" or "step-moved" or "request-not-in-progress" or "already-delegated" or "already-approved" => new(
                "Bước này đã được xử lý hoặc văn bản đã rời quy trình. Trang đang hiển thị tình trạng mới nhất.",
                "This step was already handled, or the document left its route. The page shows the latest state."),
            "anchor-not-found" => new(
                "Không tìm thấy vị trí ký trong văn bản; người trình cần trình lại với vị trí ký đúng.",
                "The signature's place was not found in the document; the submitter must resubmit it with the right place."),
            "page-not-found" => new(
                "Văn bản không có trang được chỉ định để đặt chữ ký; người trình cần trình lại với trang đúng.",
                "The document has no such page for the signature; the submitter must resubmit it with the right page."),
            "registration-lines-not-found" => new(
                "Văn bản không có dòng “Số:” hoặc dòng ngày tháng để ghi số và ngày ban hành.",
                "The document has no “Số:” line or date line to write the number and date on."),
            "signed-document-refused" => new(
                "Bản đã ký không hợp lệ nên không được lưu; bước này vẫn chờ ký.",
                "The signed revision is not valid, so it was not kept; the step still waits for a signature."),
            "key-cannot-sign" => new(
                "Khóa ký số không dùng được (hết hạn, bị thu hồi hoặc bị tắt).",
                "The signing key cannot be used (expired, revoked or disabled)."),
            _ when failure.Kind == FailureKind.Unavailable => new(
                "Thiết bị ký hoặc dịch vụ liên quan tạm thời không sẵn sàng; hãy thử lại sau ít phút.",
                "The signing device or a service it needs is unavailable; try again in a few minutes."),
            _ => new("Không thực hiện được thao tác.", "The action could not be done."),
        };
    }

    /// <summary>The label before the submitter.</summary>
    public static readonly Phrase SubmittedBy = new("Người trình", "Submitted by");

    /// <summary>The label before the submission time.</summary>
    public static readonly Phrase SubmittedAt = new("Ngày trình", "Submitted");

    /// <summary>The document type's label.</summary>
    public static readonly Phrase DocumentType = new("Loại văn bản", "Document type");

    /// <summary>The number and symbol's label.</summary>
    public static readonly Phrase NumberAndSymbol = new("Số, ký hiệu", "Number and symbol");

    /// <summary>The symbol pattern's label, before registration.</summary>
    public static readonly Phrase SymbolPattern = new("Ký hiệu dự kiến", "Symbol pattern");

    /// <summary>The date of issue's label.</summary>
    public static readonly Phrase IssuedDate = new("Ngày ban hành", "Date of issue");

    /// <summary>The deadline's label.</summary>
    public static readonly Phrase Deadline = new("Hạn xử lý", "Deadline");

    /// <summary>The state's label.</summary>
    public static readonly Phrase StateLabel = new("Trạng thái", "State");

    /// <summary>The urgency's label.</summary>
    public static readonly Phrase UrgencyLabel = new("Độ khẩn", "Urgency");

    /// <summary>The secrecy's label.</summary>
    public static readonly Phrase SecrecyLabel = new("Độ mật", "Secrecy");

    /// <summary>The calling system's reference's label.</summary>
    public static readonly Phrase ExternalRef = new("Mã tham chiếu của hệ thống trình", "Caller's reference");

    /// <summary>The badge of a request past its deadline.</summary>
    public static readonly Phrase Overdue = new("Quá hạn", "Overdue");

    /// <summary>The badge of a request due within a day.</summary>
    public static readonly Phrase DueSoon = new("Sắp đến hạn", "Due soon");

    /// <summary>The deadline badge, with the date.</summary>
    public static readonly Phrase DueOn = new("Hạn {0}", "Due {0}");

    /// <summary>The badge of a request without deadline.</summary>
    public static readonly Phrase NoDeadline = new("Không có hạn", "No deadline");

    /// <summary>The facts section's accessible name.</summary>
    public static readonly Phrase FactsHeading = new("Thông tin văn bản", "About the document");

    /// <summary>The preview's heading.</summary>
    public static readonly Phrase PreviewHeading = new("Bản xem trước", "Preview");

    /// <summary>The canvas's accessible name.</summary>
    public static readonly Phrase PreviewLabel = new("Trang văn bản đang xem", "The page being shown");

    /// <summary>Which revision the preview shows.</summary>
    public static readonly Phrase PreviewRevision = new("Bản số {0} của văn bản (bản mới nhất)", "Revision {0} of the document (the latest)");

    /// <summary>The hash's label: what the actions are bound to.</summary>
    public static readonly Phrase PreviewHash = new("SHA-256 của bản đang xem", "SHA-256 of the revision shown");

    /// <summary>The page counter under the preview.</summary>
    public static readonly Phrase PreviewPage = new("Trang {0}/{1}", "Page {0} of {1}");

    /// <summary>The previous-page button.</summary>
    public static readonly Phrase PreviousPage = new("Trang trước", "Previous page");

    /// <summary>The next-page button.</summary>
    public static readonly Phrase NextPage = new("Trang sau", "Next page");

    /// <summary>The legend of the planned signature's outline.</summary>
    public static readonly Phrase PlannedSignature = new(
        "Khung nét đứt màu xanh: vị trí chữ ký của người có thẩm quyền sẽ đặt.", "Blue dashed box: where the official's signature will go.");

    /// <summary>The legend of the planned seal's outline.</summary>
    public static readonly Phrase PlannedSeal = new("Khung nét đứt màu đỏ: vị trí con dấu sẽ đặt.", "Red dashed box: where the seal will go.");

    /// <summary>The accessible name of the planned signature's outline.</summary>
    public static readonly Phrase PlannedSignatureBox = new("Vị trí chữ ký dự kiến", "Planned signature place");

    /// <summary>The accessible name of the planned seal's outline.</summary>
    public static readonly Phrase PlannedSealBox = new("Vị trí con dấu dự kiến", "Planned seal place");

    /// <summary>When pdf.js cannot draw the document.</summary>
    public static readonly Phrase PreviewFailed = new(
        "Không hiển thị được bản xem trước; hãy tải tệp PDF về để xem.", "The preview cannot be shown; download the PDF to read it.");

    /// <summary>The link to download the revision shown.</summary>
    public static readonly Phrase DownloadRevision = new("Tải tệp PDF đang xem", "Download the PDF shown");

    /// <summary>The files section's heading.</summary>
    public static readonly Phrase FilesHeading = new("Các tệp", "Files");

    /// <summary>A stored revision in the files list.</summary>
    public static readonly Phrase FileRevision = new("{0} — bản số {1}", "{0} — revision {1}");

    /// <summary>The route section's heading.</summary>
    public static readonly Phrase RouteHeading = new("Quy trình xử lý", "Route");

    /// <summary>A step's heading.</summary>
    public static readonly Phrase StepHeading = new("Bước {0}: {1}", "Step {0}: {1}");

    /// <summary>The label before a step's assignees.</summary>
    public static readonly Phrase Assignees = new("Người xử lý", "Assigned to");

    /// <summary>A role named as assignee.</summary>
    public static readonly Phrase AnyoneWithRole = new("Bất kỳ ai có vai trò {0}", "Anyone with the role {0}");

    /// <summary>The approvals of a review step.</summary>
    public static readonly Phrase Approvals = new("Đã đồng ý {0}/{1}", "{0} of {1} approved");

    /// <summary>A delegated step.</summary>
    public static readonly Phrase DelegatedTo = new("Giao cho {0} ký, thẩm quyền {1}", "Delegated to {0}, capacity {1}");

    /// <summary>Who completed a step, and when.</summary>
    public static readonly Phrase DoneBy = new("{0} xử lý lúc {1}", "Done by {0} at {1}");

    /// <summary>The history section's heading.</summary>
    public static readonly Phrase HistoryHeading = new("Lịch sử xử lý", "History");

    /// <summary>The history table's time column.</summary>
    public static readonly Phrase HistoryTime = new("Thời gian", "Time");

    /// <summary>The history table's actor column.</summary>
    public static readonly Phrase HistoryActor = new("Người thực hiện", "By");

    /// <summary>The history table's action column.</summary>
    public static readonly Phrase HistoryWhat = new("Việc", "What");

    /// <summary>The history table's details column.</summary>
    public static readonly Phrase HistoryDetails = new("Ghi chú", "Details");

    /// <summary>The actions section's heading.</summary>
    public static readonly Phrase ActionsHeading = new("Việc của bạn", "Your action");

    /// <summary>When the person has nothing to do on the request.</summary>
    public static readonly Phrase NothingToDo = new("Văn bản này không chờ bạn xử lý.", "This document is not waiting for you.");

    /// <summary>The approve form's heading.</summary>
    public static readonly Phrase ApproveHeading = new("Cho ý kiến", "Review");

    /// <summary>The approve button.</summary>
    public static readonly Phrase Approve = new("Đồng ý", "Approve");

    /// <summary>The sign section's heading.</summary>
    public static readonly Phrase SignHeading = new("Ký số văn bản", "Sign the document");

    /// <summary>The server-key sign form's heading.</summary>
    public static readonly Phrase ServerKeyHeading = new("Ký bằng khóa do hệ thống giữ", "With the key the service holds");

    /// <summary>What the server-key path needs.</summary>
    public static readonly Phrase ServerKeyHint = new(
        "Nhập mã PIN ký số của bạn, hoặc mã 6 số của ứng dụng xác thực.", "Enter your signing PIN, or the 6-digit code of your authenticator app.");

    /// <summary>The server-key sign button.</summary>
    public static readonly Phrase Sign = new("Ký văn bản", "Sign the document");

    /// <summary>The desk-signer form's heading.</summary>
    public static readonly Phrase DeskHeading = new("Ký bằng USB token", "With your USB token");

    /// <summary>What the desk-signer path does.</summary>
    public static readonly Phrase DeskHint = new(
        "Phần mềm ký số của Ban Cơ yếu Chính phủ trên máy tính của bạn tải văn bản về, ký bằng USB token rồi gửi lại bản đã ký.",
        "The Government Cipher Committee's signing software on your computer downloads the document, signs it with your USB token and sends the signed document back.");

    /// <summary>The desk-signer button.</summary>
    public static readonly Phrase DeskSign = new("Ký bằng USB token", "Sign with the USB token");

    /// <summary>The desk signer got the URLs.</summary>
    public static readonly Phrase DeskSent = new(
        "Đã chuyển văn bản tới phần mềm ký số trên máy tính. Hãy ký trên phần mềm; trang tự cập nhật khi ký xong.",
        "The document was handed to the signing software on your computer. Sign it there; this page updates when it is signed.");

    /// <summary>No desk signer answered.</summary>
    public static readonly Phrase DeskUnavailable = new(
        "Không kết nối được phần mềm ký số trên máy tính ({0}). Hãy mở phần mềm rồi bấm lại, hoặc đưa cho phần mềm hai địa chỉ dưới đây.",
        "The signing software on your computer did not answer ({0}). Start it and press the button again, or give it the two addresses below.");

    /// <summary>Without script: what to do with the two URLs.</summary>
    public static readonly Phrase DeskManual = new(
        "Đưa cho phần mềm ký số trên máy tính hai địa chỉ dưới đây. Ký xong, hãy tải lại trang này.",
        "Give the signing software on your computer the two addresses below. Once signed, reload this page.");

    /// <summary>The one-time download URL's label.</summary>
    public static readonly Phrase DeskFileUrl = new("Địa chỉ tải văn bản (dùng một lần)", "Download address (single use)");

    /// <summary>The one-time upload URL's label.</summary>
    public static readonly Phrase DeskUploadUrl = new("Địa chỉ gửi bản đã ký (dùng một lần)", "Upload address (single use)");

    /// <summary>When the URLs stop working.</summary>
    public static readonly Phrase DeskExpires = new("Hai địa chỉ hết hạn lúc {0}.", "Both addresses expire at {0}.");

    /// <summary>While the page waits for the desk signer's upload.</summary>
    public static readonly Phrase DeskWaiting = new("Đang chờ chữ ký từ USB token…", "Waiting for the USB token's signature…");

    /// <summary>The desk signer's upload completed the step.</summary>
    public static readonly Phrase DeskDone = new("Đã ký xong. Đang tải lại trang…", "Signed. Reloading the page…");

    /// <summary>The desk session could not be opened.</summary>
    public static readonly Phrase DeskFailed = new("Không mở được phiên ký bằng USB token.", "The USB token signing session could not be opened.");

    /// <summary>The reject/return form's heading.</summary>
    public static readonly Phrase RefuseHeading = new("Từ chối hoặc trả lại", "Reject or return");

    /// <summary>The reject button.</summary>
    public static readonly Phrase Reject = new("Từ chối", "Reject");

    /// <summary>The return button.</summary>
    public static readonly Phrase Return = new("Trả lại để chỉnh sửa", "Return for revision");

    /// <summary>What a refusal does.</summary>
    public static readonly Phrase RefuseHint = new(
        "Lý do là bắt buộc; người trình và những người đã xử lý trước được thông báo.",
        "A reason is required; the submitter and the earlier actors are told.");

    /// <summary>The delegate form's heading.</summary>
    public static readonly Phrase DelegateHeading = new("Giao ký thay", "Delegate the signature");

    /// <summary>What delegating does.</summary>
    public static readonly Phrase DelegateHint = new(
        "Người được giao ký thay mặt bạn; thẩm quyền được in phía trên chức danh trong chữ ký và ghi lại.",
        "The official you choose signs on your behalf; the capacity is printed above the title in the signature and recorded.");

    /// <summary>The delegate button.</summary>
    public static readonly Phrase Delegate = new("Giao ký thay", "Delegate");

    /// <summary>The empty choice of the delegate list.</summary>
    public static readonly Phrase ChooseOfficial = new("— Chọn người ký —", "— Choose an official —");

    /// <summary>When no other official could sign.</summary>
    public static readonly Phrase NoOtherOfficial = new("Cơ quan không có lãnh đạo khác để giao ký.", "Your agency has no other official to delegate to.");

    /// <summary>The comment form's heading.</summary>
    public static readonly Phrase CommentHeading = new("Ghi ý kiến", "Add a comment");

    /// <summary>The comment button.</summary>
    public static readonly Phrase AddComment = new("Gửi ý kiến", "Add the comment");

    /// <summary>The register form's heading.</summary>
    public static readonly Phrase RegisterHeading = new("Vào số văn bản đi", "Register the outgoing document");

    /// <summary>The previewed number's label.</summary>
    public static readonly Phrase NextNumber = new("Số sẽ cấp", "Number to be given");

    /// <summary>The previewed symbol's label.</summary>
    public static readonly Phrase NextSymbol = new("Số, ký hiệu sẽ ghi", "Number and symbol to be written");

    /// <summary>The series' label.</summary>
    public static readonly Phrase SeriesLabel = new("Sổ đăng ký", "Register series");

    /// <summary>Why the previewed number may still move.</summary>
    public static readonly Phrase NextNumberHint = new(
        "Số chỉ được lấy khi bạn xác nhận. Nếu văn bản khác được vào số trước, văn bản này nhận số kế tiếp. Số bắt đầu lại từ 01 vào ngày 01 tháng 01 hằng năm.",
        "The number is taken only when you confirm. If another document is registered first, this one gets the next number. Numbers restart at 01 on 1 January.");

    /// <summary>The date's hint.</summary>
    public static readonly Phrase IssuedDateHint = new(
        "Ngày ký hoặc ngày làm việc tiếp theo (Nghị định 30/2020, Điều 18).", "The day of signing or the next working day (Decree 30/2020, Art. 18).");

    /// <summary>The register button.</summary>
    public static readonly Phrase Register = new("Xác nhận vào số", "Confirm and register");

    /// <summary>The seal form's heading.</summary>
    public static readonly Phrase SealHeading = new("Đóng dấu (ký số của cơ quan)", "Seal (the agency's signature)");

    /// <summary>What sealing does.</summary>
    public static readonly Phrase SealHint = new(
        "Hình con dấu đặt đè lên một phần ba bên trái chữ ký của người có thẩm quyền; số và ngày ban hành được ghi vào văn bản cùng lúc. Nhập mã PIN ký số hoặc mã xác thực của bạn.",
        "The seal image goes over the left third of the official's signature; the number and date are written into the document at the same time. Enter your signing PIN or code.");

    /// <summary>The seal button.</summary>
    public static readonly Phrase Seal = new("Đóng dấu", "Seal");

    /// <summary>The copy form's heading.</summary>
    public static readonly Phrase CopyHeading = new("Sao văn bản điện tử", "Electronic copies");

    /// <summary>The copy button.</summary>
    public static readonly Phrase Copy = new("Tạo bản sao", "Make the copies");

    /// <summary>A copy form (Decree 30/2020, Art. 25).</summary>
    public static Phrase CopyForm(string form) => form switch
    {
        "sao-luc" => new("Sao lục", "Sao lục (copy by the agency)"),
        "trich-sao" => new("Trích sao", "Trích sao (extract)"),
        _ => new("Sao y", "Sao y (true copy)"),
    };

    /// <summary>Every copy form, as the service names them.</summary>
    public static IReadOnlyList<string> CopyForms { get; } = ["sao-y", "sao-luc", "trich-sao"];

    /// <summary>The withdraw form's heading.</summary>
    public static readonly Phrase WithdrawHeading = new("Rút lại văn bản đã trình", "Withdraw the request");

    /// <summary>The withdraw button.</summary>
    public static readonly Phrase Withdraw = new("Rút lại", "Withdraw");

    /// <summary>The recall form's heading.</summary>
    public static readonly Phrase RecallHeading = new("Thu hồi văn bản đã ban hành", "Recall the issued document");

    /// <summary>The recall button.</summary>
    public static readonly Phrase Recall = new("Thu hồi", "Recall");

    /// <summary>Shown to someone without a signing credential before they try.</summary>
    public static readonly Phrase NoCredential = new(
        "Bạn chưa đặt mã PIN ký số hay ứng dụng xác thực.", "You have set no signing PIN or authenticator yet.");

    /// <summary>The link to the credential page.</summary>
    public static readonly Phrase SetCredential = new("Đặt mã PIN ký số", "Set a signing PIN");

    /// <summary>The label before a signing step's output hash in the history.</summary>
    public static readonly Phrase Produced = new("Tạo bản có SHA-256 {0}", "Produced the revision with SHA-256 {0}");

    /// <summary>The download link of a stored revision.</summary>
    public static readonly Phrase Download = new("Tải về", "Download");

    /// <summary>
    /// The label of the service's own explanation of a failure, which is in English (the API's words): folded away under
    /// the message above it, for whoever the person asks for help.
    /// </summary>
    public static readonly Phrase Detail = new("Chi tiết kỹ thuật (bằng tiếng Anh, để gửi bộ phận hỗ trợ)", "Technical detail");

    /// <summary>The message after an action, by the action.</summary>
    public static Phrase? Done(string? action) => action switch
    {
        "approve" => new("Bạn đã đồng ý.", "You approved."),
        "sign" => new("Đã ký văn bản.", "The document is signed."),
        "desk" => new("Đã ký văn bản bằng USB token.", "The document is signed with the USB token."),
        "reject" => new("Đã từ chối văn bản.", "The document was rejected."),
        "return" => new("Đã trả lại văn bản để chỉnh sửa.", "The document was returned for revision."),
        "delegate" => new("Đã giao ký thay.", "The signature was delegated."),
        "comment" => new("Đã ghi ý kiến.", "The comment was added."),
        "register" => new("Đã vào số văn bản.", "The document is registered."),
        "seal" => new("Đã đóng dấu.", "The document is sealed."),
        "copy" => new("Đã tạo bản sao điện tử.", "The electronic copies were made."),
        "withdraw" => new("Đã rút lại văn bản.", "The request was withdrawn."),
        "recall" => new("Đã thu hồi văn bản.", "The document was recalled."),
        _ => null,
    };
}
