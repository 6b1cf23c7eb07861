namespace Signing.Api.Features.GccRequests;

/// <summary>A kind of request to the GCC under Decree 68/2024.</summary>
/// <param name="Code">The API name, e.g. <c>issue-individual</c>.</param>
/// <param name="Form">The form it is filed on, e.g. <c>Mẫu 01</c>, or null for kinds without a numbered form.</param>
/// <param name="Title">The Vietnamese heading of its table in a dossier.</param>
/// <param name="CertificateKind">For issuing: the kind of certificate it asks for.</param>
public sealed record GccRequestKind(string Code, string? Form, string Title, string? CertificateKind);

/// <summary>The kinds of request (Decree 68/2024): issue new (forms 01, 02, 03), renew, change information, revoke, restore the key device.</summary>
public static class GccRequestKinds
{
    /// <summary>Issue new for an individual (form 01).</summary>
    public const string IssueIndividual = "issue-individual";

    /// <summary>Issue new for an agency or organisation (form 02).</summary>
    public const string IssueAgency = "issue-agency";

    /// <summary>Issue new for a device, service or software (form 03).</summary>
    public const string IssueDevice = "issue-device";

    /// <summary>Renew (gia hạn), adding at most 3 years.</summary>
    public const string Renew = "renew";

    /// <summary>Change information (thay đổi thông tin).</summary>
    public const string ChangeInfo = "change-info";

    /// <summary>Revoke (thu hồi), with a reason of Art. 17.</summary>
    public const string Revoke = "revoke";

    /// <summary>Restore the key device (khôi phục thiết bị lưu khóa bí mật): unlock a PIN-locked token.</summary>
    public const string RestoreDevice = "restore-device";

    /// <summary>Every kind, in the order a dossier lists them.</summary>
    public static IReadOnlyList<GccRequestKind> All { get; } =
    [
        new(IssueIndividual, "Mẫu 01", "Cấp mới chứng thư chữ ký số cho cá nhân", Storage.Certificates.CertificateKinds.Individual),
        new(IssueAgency, "Mẫu 02", "Cấp mới chứng thư chữ ký số cho cơ quan, tổ chức", Storage.Certificates.CertificateKinds.Agency),
        new(IssueDevice, "Mẫu 03", "Cấp mới chứng thư chữ ký số cho thiết bị, dịch vụ, phần mềm", Storage.Certificates.CertificateKinds.Device),
        new(Renew, null, "Gia hạn chứng thư chữ ký số", null),
        new(ChangeInfo, null, "Thay đổi thông tin chứng thư chữ ký số", null),
        new(Revoke, null, "Thu hồi chứng thư chữ ký số", null),
        new(RestoreDevice, null, "Khôi phục thiết bị lưu khóa bí mật", null),
    ];

    /// <summary>The codes.</summary>
    public static IReadOnlyList<string> Codes { get; } = [.. All.Select(kind => kind.Code)];

    /// <summary>The kind named <paramref name="code"/>, or null.</summary>
    public static GccRequestKind? Find(string? code) => All.FirstOrDefault(kind => kind.Code == code);

    /// <summary>Whether the kind asks for a new certificate (a new key).</summary>
    public static bool Issues(string code) => code is IssueIndividual or IssueAgency or IssueDevice;

    /// <summary>Whether the kind is about a certificate the agency already holds.</summary>
    public static bool ConcernsCertificate(string code) => code is Renew or ChangeInfo or Revoke or RestoreDevice;

    /// <summary>Whether the GCC's answer is a certificate (issue, renew, change information).</summary>
    public static bool AnsweredWithCertificate(string code) => Issues(code) || code is Renew or ChangeInfo;
}

/// <summary>A reason to revoke a certificate (Decree 68/2024, Art. 17).</summary>
/// <param name="Code">The API code.</param>
/// <param name="Vietnamese">The reason as the dossier writes it.</param>
/// <param name="English">The reason in English.</param>
/// <param name="Group">Which of Art. 17's cases it is.</param>
public sealed record RevocationReason(string Code, string Vietnamese, string English, string Group);

/// <summary>The revocation reasons of Decree 68/2024, Art. 17, grouped as the article groups them.</summary>
public static class RevocationReasons
{
    /// <summary>The subscriber's position changed and no longer fits the certificate.</summary>
    public const string JobChange = "job-change";

    /// <summary>The subscriber retired.</summary>
    public const string Retired = "retired";

    /// <summary>The subscriber resigned (thôi việc).</summary>
    public const string Resigned = "resigned";

    /// <summary>The subscriber died.</summary>
    public const string Deceased = "deceased";

    /// <summary>The agency was dissolved.</summary>
    public const string AgencyDissolved = "agency-dissolved";

    /// <summary>The agency was split.</summary>
    public const string AgencySplit = "agency-split";

    /// <summary>The agency was merged into another.</summary>
    public const string AgencyMerged = "agency-merged";

    /// <summary>The private key was compromised.</summary>
    public const string KeyCompromised = "key-compromised";

    /// <summary>The key device was lost.</summary>
    public const string DeviceLost = "device-lost";

    /// <summary>The managing agency asked for it.</summary>
    public const string ManagingAgencyRequest = "managing-agency-request";

    /// <summary>Every reason.</summary>
    public static IReadOnlyList<RevocationReason> All { get; } =
    [
        new(JobChange, "Thay đổi vị trí công tác, không còn phù hợp với chứng thư", "Job change that no longer fits the certificate", "subscriber"),
        new(Retired, "Nghỉ hưu", "Retirement", "subscriber"),
        new(Resigned, "Thôi việc", "Resignation", "subscriber"),
        new(Deceased, "Qua đời", "Death", "subscriber"),
        new(AgencyDissolved, "Cơ quan, tổ chức giải thể", "The agency was dissolved", "agency"),
        new(AgencySplit, "Cơ quan, tổ chức chia, tách", "The agency was split", "agency"),
        new(AgencyMerged, "Cơ quan, tổ chức sáp nhập, hợp nhất", "The agency was merged", "agency"),
        new(KeyCompromised, "Khóa bí mật bị lộ", "The private key was compromised", "key"),
        new(DeviceLost, "Mất thiết bị lưu khóa bí mật", "The key device was lost", "key"),
        new(ManagingAgencyRequest, "Theo yêu cầu của cơ quan quản lý trực tiếp", "At the managing agency's request", "managing-agency"),
    ];

    /// <summary>The reason named <paramref name="code"/>, or null.</summary>
    public static RevocationReason? Find(string? code) => All.FirstOrDefault(reason => reason.Code == code);
}

/// <summary>Where the key of an issued certificate is to live.</summary>
public static class KeyLocations
{
    /// <summary>On the agency's HSM (or token) the service reaches: agency seals, devices and services. The key is generated there.</summary>
    public const string Hsm = "hsm";

    /// <summary>On a USB token the GCC hands to the person.</summary>
    public const string UsbToken = "usb-token";
}
