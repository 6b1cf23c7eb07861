namespace Signing.Api.Features.GccRequests;

/// <summary>
/// The fields of a GCC request's form. Each kind reads its own: an individual's name, 12-digit citizen ID (CCCD),
/// official e-mail, position and unit; an agency's name, identifier code (Decision 20/2020) and parent body; a device's
/// or service's name and description; a renewal's extra years; the token of a device to restore.
/// </summary>
/// <param name="FullName">Họ và tên, with diacritics.</param>
/// <param name="Cccd">Số CCCD: 12 digits.</param>
/// <param name="Email">Thư điện tử công vụ (an address under the official domains).</param>
/// <param name="Position">Chức vụ.</param>
/// <param name="Unit">Đơn vị công tác (OU).</param>
/// <param name="Organization">Cơ quan (O of a person's or device's certificate); default the agency's name.</param>
/// <param name="Province">Tỉnh, thành phố (L); default the agency's.</param>
/// <param name="Phone">Số điện thoại.</param>
/// <param name="AgencyName">Tên cơ quan, tổ chức (CN of an agency certificate).</param>
/// <param name="AgencyCode">Mã định danh (Decision 20/2020), e.g. <c>000.00.00.H01</c>.</param>
/// <param name="ParentBody">Cơ quan chủ quản (O of an agency certificate).</param>
/// <param name="DeviceName">Tên thiết bị, dịch vụ, phần mềm (CN of a device certificate).</param>
/// <param name="DeviceDescription">What the device or service does.</param>
/// <param name="ExtensionYears">For renew: 1 to 3 years.</param>
/// <param name="KeyLocation"><c>hsm</c> (generated on the agency's HSM) or <c>usb-token</c>.</param>
/// <param name="TokenSerial">For restore-device: the token's serial.</param>
/// <param name="Note">Anything the GCC should read.</param>
public sealed record GccRequestFields(
    string? FullName = null, string? Cccd = null, string? Email = null, string? Position = null, string? Unit = null, string? Organization = null,
    string? Province = null, string? Phone = null, string? AgencyName = null, string? AgencyCode = null, string? ParentBody = null, string? DeviceName = null,
    string? DeviceDescription = null, int? ExtensionYears = null, string? KeyLocation = null, string? TokenSerial = null, string? Note = null);

/// <summary>A request to draft or rewrite.</summary>
/// <param name="Kind">issue-individual, issue-agency, issue-device, renew, change-info, revoke or restore-device.</param>
/// <param name="HolderUserId">For issue-individual: the person it is for (optional).</param>
/// <param name="CertificateId">For renew, change-info, revoke and restore-device: the inventory certificate.</param>
/// <param name="RevocationReason">For revoke: a reason code of Art. 17 (see <see cref="RevocationReasons"/>).</param>
/// <param name="Fields">The form's fields.</param>
public sealed record GccRequestInput(string? Kind, string? HolderUserId, string? CertificateId, string? RevocationReason, GccRequestFields? Fields);

/// <summary>A GCC request as shown.</summary>
/// <param name="Id">The request id.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Form">Its form (Mẫu 01…), if it has one.</param>
/// <param name="Title">The kind in Vietnamese.</param>
/// <param name="State">draft, queued, submitted, done or rejected.</param>
/// <param name="DossierId">Its dossier.</param>
/// <param name="MergerId">The merger that planned it.</param>
/// <param name="HolderUserId">The person.</param>
/// <param name="CertificateId">The certificate it is about.</param>
/// <param name="Fields">The form's fields.</param>
/// <param name="SubjectBefore">The certificate's subject now.</param>
/// <param name="SubjectAfter">The subject asked for.</param>
/// <param name="RevocationReason">For revoke: the reason code.</param>
/// <param name="RevocationReasonText">Its words.</param>
/// <param name="KeyUri">The HSM key's PKCS#11 URI.</param>
/// <param name="HasCsr">Whether a CSR is ready.</param>
/// <param name="PublicKeySha256">The public key the answer must certify.</param>
/// <param name="IssuedCertificateId">The certificate that answered it.</param>
/// <param name="OutcomeNote">The GCC's answer or reason for refusal.</param>
/// <param name="CreatedBy">Who drafted it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="ClosedAt">When it was done or rejected.</param>
public sealed record GccRequestView(
    string Id, string Kind, string? Form, string Title, string State, string? DossierId, string? MergerId, string? HolderUserId, string? CertificateId,
    GccRequestFields Fields, string? SubjectBefore, string? SubjectAfter, string? RevocationReason, string? RevocationReasonText, string? KeyUri, bool HasCsr,
    string? PublicKeySha256, string? IssuedCertificateId, string? OutcomeNote, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt);

/// <summary>Where the key of a request goes: generated on the HSM, or an existing key of it.</summary>
/// <param name="TokenLabel">The token to generate on (default Certificates:HsmTokenLabel, else the first configured token).</param>
/// <param name="KeyUri">Instead of generating: the PKCS#11 URI of a key already on a configured token.</param>
/// <param name="Algorithm">rsa2048 (default, as the GCC issues), rsa3072, rsa4096, ecp256 or ecp384.</param>
public sealed record KeyRequest(string? TokenLabel = null, string? KeyUri = null, string? Algorithm = null);
