using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.RegularExpressions;
using Signing.Api.Hosting;
using Signing.Pki.Names;
using Signing.Storage.Agencies;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.GccRequests;

/// <summary>A request checked against its kind's rules, with the subjects it implies.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Fields">The fields, trimmed and in NFC.</param>
/// <param name="SubjectBefore">The certificate's subject now (kinds about a certificate).</param>
/// <param name="SubjectAfter">The subject asked for (issuing, renewing, changing).</param>
/// <param name="Subject">The subject asked for, as a name to put in a CSR.</param>
/// <param name="PublicKeySha256">The public key the answer must certify, when it is known now (renew and change-info keep the key).</param>
/// <param name="RevocationReason">For revoke: the reason code.</param>
public sealed record DraftedRequest(
    string Kind, GccRequestFields Fields, string? SubjectBefore, string? SubjectAfter, SubjectName? Subject, string? PublicKeySha256, string? RevocationReason);

/// <summary>
/// Each kind of GCC request's own fields and rules: Vietnamese names with diacritics, a 12-digit CCCD, an official
/// e-mail, position and unit for people; the Decision 20/2020 identifier code (<c>000.00.00.H01</c>) and parent body for
/// agencies; a renewal of 1 to 3 years; a reason of Art. 17 for a revocation. The same rules serve requests drafted by
/// hand and those a merger plans.
/// </summary>
public static partial class GccRequestDrafting
{
    /// <summary>Checks <paramref name="input"/> for <paramref name="agency"/> (and the certificate it is about); returns the draft or the first problem.</summary>
    public static Result<DraftedRequest> Draft(GccRequestInput input, AgencyProfile agency, CertificateRecord? certificate, IReadOnlyList<string> officialEmailDomains)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(agency);
        var kind = GccRequestKinds.Find(input.Kind);
        if (kind is null)
        {
            return Failure.BadInput("Unknown kind", $"kind is one of {string.Join(", ", GccRequestKinds.Codes)}.", "kind");
        }

        var fields = Clean(input.Fields ?? new GccRequestFields());
        if (GccRequestKinds.ConcernsCertificate(kind.Code))
        {
            if (certificate is null)
            {
                return Failure.BadInput("Missing certificate", $"A {kind.Code} request names the certificate (certificateId) of your inventory.", "certificateId");
            }

            if (!CertificateStatuses.Live.Contains(certificate.Status) && kind.Code != GccRequestKinds.Revoke)
            {
                return new Failure(FailureKind.Conflict, "certificate-not-live", "Certificate not in service",
                    $"Certificate '{certificate.Id}' is {certificate.Status}; only a certificate in service can be {Verb(kind.Code)}.")
                { Field = "certificateId" };
            }

            if (kind.Code == GccRequestKinds.Revoke && certificate.Status is CertificateStatuses.Revoked or CertificateStatuses.Superseded)
            {
                return new Failure(FailureKind.Conflict, "certificate-not-live", "Certificate not in service",
                    $"Certificate '{certificate.Id}' is {certificate.Status} already.")
                { Field = "certificateId" };
            }
        }

        return kind.Code switch
        {
            GccRequestKinds.IssueIndividual => IssueIndividual(fields, agency, officialEmailDomains),
            GccRequestKinds.IssueAgency => IssueAgency(fields, agency, officialEmailDomains),
            GccRequestKinds.IssueDevice => IssueDevice(fields, agency, officialEmailDomains),
            GccRequestKinds.Renew => Renew(fields, certificate!),
            GccRequestKinds.ChangeInfo => ChangeInfo(fields, certificate!, officialEmailDomains),
            GccRequestKinds.Revoke => Revoke(fields, certificate!, input.RevocationReason),
            _ => Restore(fields, certificate!),
        };
    }

    /// <summary>The subject of an inventory certificate as a name (from the certificate itself when the inventory has it).</summary>
    public static SubjectName SubjectOf(CertificateRecord certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.Der is { } der)
        {
            using var x509 = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der);
            return SubjectName.FromX500(x509.SubjectName);
        }

        return new SubjectName
        {
            CommonName = certificate.CommonName,
            OrganizationalUnit = certificate.OrganizationalUnit,
            Organization = certificate.Organization,
            Locality = certificate.Locality,
            Email = certificate.Email,
            PersonalId = certificate.PersonalId,
        };
    }

    private static Result<DraftedRequest> IssueIndividual(GccRequestFields f, AgencyProfile agency, IReadOnlyList<string> domains)
    {
        if ((PersonName(f.FullName, "fields.fullName") ?? Cccd(f.Cccd, required: true) ?? OfficialEmail(f.Email, domains, required: true)
            ?? Text(f.Position, "fields.position", "position (chức vụ)", 200, required: true) ?? Text(f.Unit, "fields.unit", "unit (đơn vị công tác)", 200, required: true)
            ?? OrganisationName(f.Organization, "fields.organization", required: false) ?? Text(f.Province, "fields.province", "province", 100, required: false)
            ?? Phone(f.Phone) ?? KeyLocation(f.KeyLocation)) is { } problem)
        {
            return problem;
        }

        var subject = new SubjectName
        {
            CommonName = f.FullName!,
            OrganizationalUnit = f.Unit,
            Organization = f.Organization ?? agency.Name,
            Locality = f.Province ?? agency.Province,
            Email = f.Email,
            PersonalId = "CCCD:" + f.Cccd,
        };
        return new DraftedRequest(GccRequestKinds.IssueIndividual, f with { KeyLocation = f.KeyLocation ?? KeyLocations.UsbToken }, null, subject.ToString(), subject, null, null);
    }

    private static Result<DraftedRequest> IssueAgency(GccRequestFields f, AgencyProfile agency, IReadOnlyList<string> domains)
    {
        var name = f.AgencyName ?? agency.Name;
        var code = f.AgencyCode ?? agency.Code;
        var parent = f.ParentBody ?? agency.ParentBody;
        if ((OrganisationName(name, "fields.agencyName", required: true) ?? AgencyCode(code, required: true)
            ?? OrganisationName(parent, "fields.parentBody", required: true) ?? Text(f.Province, "fields.province", "province", 100, required: false)
            ?? OfficialEmail(f.Email, domains, required: false) ?? KeyLocation(f.KeyLocation)) is { } problem)
        {
            return problem;
        }

        var subject = new SubjectName { CommonName = name, Organization = parent, Locality = f.Province ?? agency.Province, Email = f.Email };
        return new DraftedRequest(GccRequestKinds.IssueAgency,
            f with { AgencyName = name, AgencyCode = code, ParentBody = parent, KeyLocation = f.KeyLocation ?? KeyLocations.Hsm }, null, subject.ToString(), subject, null, null);
    }

    private static Result<DraftedRequest> IssueDevice(GccRequestFields f, AgencyProfile agency, IReadOnlyList<string> domains)
    {
        var code = f.AgencyCode ?? agency.Code;
        if ((OrganisationName(f.DeviceName, "fields.deviceName", required: true)
            ?? Text(f.DeviceDescription, "fields.deviceDescription", "description of the device or service", 500, required: true)
            ?? OrganisationName(f.AgencyName, "fields.agencyName", required: false) ?? AgencyCode(code, required: true)
            ?? Text(f.Province, "fields.province", "province", 100, required: false) ?? OfficialEmail(f.Email, domains, required: false)
            ?? KeyLocation(f.KeyLocation)) is { } problem)
        {
            return problem;
        }

        var subject = new SubjectName
        {
            CommonName = f.DeviceName!,
            Organization = f.AgencyName ?? agency.Name,
            Locality = f.Province ?? agency.Province,
            Email = f.Email,
        };
        return new DraftedRequest(GccRequestKinds.IssueDevice, f with { AgencyCode = code, KeyLocation = f.KeyLocation ?? KeyLocations.Hsm }, null,
            subject.ToString(), subject, null, null);
    }

    private static Result<DraftedRequest> Renew(GccRequestFields f, CertificateRecord certificate)
    {
        if (f.ExtensionYears is not (>= 1 and <= 3))
        {
            return Failure.BadInput("Bad extension", "A renewal adds 1 to 3 years (Decree 68/2024): give fields.extensionYears.", "fields.extensionYears");
        }

        if (Text(f.Note, "fields.note", "note", 1000, required: false) is { } problem)
        {
            return problem;
        }

        var subject = SubjectOf(certificate);
        return new DraftedRequest(GccRequestKinds.Renew, f, subject.ToString(), subject.ToString(), subject, certificate.PublicKeySha256, null);
    }

    private static Result<DraftedRequest> ChangeInfo(GccRequestFields f, CertificateRecord certificate, IReadOnlyList<string> domains)
    {
        var individual = certificate.Kind == CertificateKinds.Individual;
        if (((individual ? PersonName(f.FullName, "fields.fullName", required: false) : null)
            ?? (individual ? null : OrganisationName(f.AgencyName, "fields.agencyName", required: false))
            ?? OrganisationName(f.DeviceName, "fields.deviceName", required: false) ?? OrganisationName(f.ParentBody, "fields.parentBody", required: false)
            ?? OrganisationName(f.Organization, "fields.organization", required: false) ?? Text(f.Unit, "fields.unit", "unit", 200, required: false)
            ?? Text(f.Position, "fields.position", "position", 200, required: false) ?? Text(f.Province, "fields.province", "province", 100, required: false)
            ?? OfficialEmail(f.Email, domains, required: false) ?? AgencyCode(f.AgencyCode, required: false) ?? Cccd(f.Cccd, required: false)) is { } problem)
        {
            return problem;
        }

        var before = SubjectOf(certificate);
        var after = certificate.Kind switch
        {
            CertificateKinds.Individual => before with
            {
                CommonName = f.FullName ?? before.CommonName,
                OrganizationalUnit = f.Unit ?? before.OrganizationalUnit,
                Organization = f.Organization ?? before.Organization,
                Locality = f.Province ?? before.Locality,
                Email = f.Email ?? before.Email,
                PersonalId = f.Cccd is { } cccd ? "CCCD:" + cccd : before.PersonalId,
            },
            CertificateKinds.Agency => before with
            {
                CommonName = f.AgencyName ?? before.CommonName,
                Organization = f.ParentBody ?? before.Organization,
                Locality = f.Province ?? before.Locality,
                Email = f.Email ?? before.Email,
            },
            _ => before with
            {
                CommonName = f.DeviceName ?? before.CommonName,
                Organization = f.AgencyName ?? f.Organization ?? before.Organization,
                Locality = f.Province ?? before.Locality,
                Email = f.Email ?? before.Email,
            },
        };
        if (after == before && f.AgencyCode is null && f.Position is null)
        {
            return Failure.BadInput("Nothing changes", "A change-info request changes at least one field of the certificate (or the agency code or position).", "fields");
        }

        return new DraftedRequest(GccRequestKinds.ChangeInfo, f, before.ToString(), after.ToString(), after, certificate.PublicKeySha256, null);
    }

    private static Result<DraftedRequest> Revoke(GccRequestFields f, CertificateRecord certificate, string? reason)
    {
        if (RevocationReasons.Find(reason) is null)
        {
            return Failure.BadInput("Missing reason",
                $"A revocation gives a reason of Decree 68/2024 Art. 17: {string.Join(", ", RevocationReasons.All.Select(r => r.Code))}.", "revocationReason");
        }

        if (Text(f.Note, "fields.note", "note", 1000, required: false) is { } problem)
        {
            return problem;
        }

        return new DraftedRequest(GccRequestKinds.Revoke, f, SubjectOf(certificate).ToString(), null, null, null, reason);
    }

    private static Result<DraftedRequest> Restore(GccRequestFields f, CertificateRecord certificate)
    {
        var serial = f.TokenSerial ?? certificate.TokenSerial;
        if ((Text(serial, "fields.tokenSerial", "token serial", 64, required: true) ?? Text(f.Note, "fields.note", "note", 1000, required: false)) is { } problem)
        {
            return problem;
        }

        return new DraftedRequest(GccRequestKinds.RestoreDevice, f with { TokenSerial = serial }, SubjectOf(certificate).ToString(), null, null, null, null);
    }

    /// <summary>Whether <paramref name="name"/> is a person's name: two or more words of Latin letters (Vietnamese diacritics included).</summary>
    public static bool IsPersonName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return name.Length <= 100 && words.Length >= 2 && words.All(word => word.All(IsLatinLetter));
    }

    /// <summary>Whether <paramref name="code"/> is an identifier code of Decision 20/2020/QĐ-TTg, such as <c>000.00.00.H01</c>.</summary>
    public static bool IsAgencyCode(string code) => AgencyCodePattern().IsMatch(code ?? "");

    private static bool IsLatinLetter(char c) => char.IsLetter(c) && (c <= '\u024F' || c is >= '\u1E00' and <= '\u1EFF');

    private static Failure? PersonName(string? name, string field, bool required = true)
    {
        if (name is null)
        {
            return required ? Failure.BadInput("Missing name", $"{field} (họ và tên) is required.", field) : null;
        }

        return IsPersonName(name) ? null : Failure.BadInput("Bad name",
            $"{field} is a person's full name in Vietnamese letters, at least two words, no digits or symbols (e.g. Nguyễn Văn An); got '{name}'.", field);
    }

    private static Failure? OrganisationName(string? name, string field, bool required)
    {
        if (name is null)
        {
            return required ? Failure.BadInput("Missing name", $"{field} is required.", field) : null;
        }

        return name.Length is >= 2 and <= 200 && name.All(c => IsLatinLetter(c) || char.IsAsciiDigit(c) || " .,-()/&'\"".Contains(c, StringComparison.Ordinal))
            ? null
            : Failure.BadInput("Bad name", $"{field} has 2 to 200 letters, digits and . , - ( ) / & ' characters; got '{name}'.", field);
    }

    private static Failure? Cccd(string? cccd, bool required)
    {
        if (cccd is null)
        {
            return required ? Failure.BadInput("Missing CCCD", "fields.cccd (số căn cước công dân) is required: 12 digits.", "fields.cccd") : null;
        }

        return cccd.Length == 12 && cccd.All(char.IsAsciiDigit) ? null
            : Failure.BadInput("Bad CCCD", $"fields.cccd is a citizen ID of exactly 12 digits; got '{cccd}' ({cccd.Length} characters).", "fields.cccd");
    }

    private static Failure? OfficialEmail(string? email, IReadOnlyList<string> domains, bool required)
    {
        if (email is null)
        {
            return required ? Failure.BadInput("Missing e-mail", "fields.email (thư điện tử công vụ) is required.", "fields.email") : null;
        }

        if (email.Length > 254 || !MailAddress.TryCreate(email, out var address) || address.Address != email)
        {
            return Failure.BadInput("Bad e-mail", $"fields.email '{email}' is not an e-mail address.", "fields.email");
        }

        var host = address.Host.ToLowerInvariant();
        return domains.Count == 0 || domains.Any(domain => host == domain.ToLowerInvariant() || host.EndsWith("." + domain.ToLowerInvariant(), StringComparison.Ordinal))
            ? null
            : Failure.BadInput("Not an official e-mail",
                $"fields.email must be an official address (under {string.Join(", ", domains)}); '{email}' is not.", "fields.email");
    }

    private static Failure? AgencyCode(string? code, bool required)
    {
        if (code is null)
        {
            return required ? Failure.BadInput("Missing agency code", "fields.agencyCode (mã định danh, Decision 20/2020) is required.", "fields.agencyCode") : null;
        }

        return IsAgencyCode(code) ? null
            : Failure.BadInput("Bad agency code", $"fields.agencyCode is an identifier code of Decision 20/2020 such as 000.00.00.H01; got '{code}'.", "fields.agencyCode");
    }

    private static Failure? Phone(string? phone)
    {
        if (phone is null)
        {
            return null;
        }

        var digits = phone.StartsWith('+') ? phone[1..] : phone;
        return digits.Length is >= 9 and <= 12 && digits.All(char.IsAsciiDigit) ? null
            : Failure.BadInput("Bad phone", $"fields.phone is 9 to 12 digits (optionally +84…); got '{phone}'.", "fields.phone");
    }

    private static Failure? KeyLocation(string? location)
        => location is null or KeyLocations.Hsm or KeyLocations.UsbToken ? null
            : Failure.BadInput("Unknown key location", $"fields.keyLocation is {KeyLocations.Hsm} or {KeyLocations.UsbToken}.", "fields.keyLocation");

    private static Failure? Text(string? text, string field, string what, int max, bool required)
    {
        if (text is null)
        {
            return required ? Failure.BadInput("Missing field", $"{field} ({what}) is required.", field) : null;
        }

        return text.Length <= max && !text.Any(char.IsControl) ? null : Failure.BadInput("Bad field", $"{field} has at most {max} characters and no control characters.", field);
    }

    // Trimmed, NFC (so a name typed with combining marks compares equal to one typed precomposed), empty as absent.
    private static GccRequestFields Clean(GccRequestFields f) => f with
    {
        FullName = Norm(f.FullName),
        Cccd = Norm(f.Cccd),
        Email = Norm(f.Email)?.ToLowerInvariant(),
        Position = Norm(f.Position),
        Unit = Norm(f.Unit),
        Organization = Norm(f.Organization),
        Province = Norm(f.Province),
        Phone = Norm(f.Phone)?.Replace(" ", "", StringComparison.Ordinal),
        AgencyName = Norm(f.AgencyName),
        AgencyCode = Norm(f.AgencyCode)?.ToUpperInvariant(),
        ParentBody = Norm(f.ParentBody),
        DeviceName = Norm(f.DeviceName),
        DeviceDescription = Norm(f.DeviceDescription),
        KeyLocation = Norm(f.KeyLocation),
        TokenSerial = Norm(f.TokenSerial),
        Note = Norm(f.Note),
    };

    private static string? Norm(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var collapsed = string.Join(' ', value.Normalize(NormalizationForm.FormC).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length == 0 ? null : collapsed;
    }

    private static string Verb(string kind) => kind switch
    {
        GccRequestKinds.Renew => "renewed",
        GccRequestKinds.ChangeInfo => "changed",
        GccRequestKinds.RestoreDevice => "restored",
        _ => "revoked",
    };

    [GeneratedRegex(@"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex AgencyCodePattern();

    /// <summary>A date as the dossier writes it (dd/MM/yyyy).</summary>
    public static string VietnameseDate(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
}
