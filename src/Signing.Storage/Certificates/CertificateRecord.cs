namespace Signing.Storage.Certificates;

/// <summary>A certificate the agency holds, as the inventory keeps it.</summary>
/// <param name="Id">The inventory id.</param>
/// <param name="AgencyId">The agency that holds it.</param>
/// <param name="Kind">individual, agency or device (GCC forms 01, 02, 03).</param>
/// <param name="Status">active, expiring, expired, revoked or superseded, as last written; see <see cref="CertificateStatuses.Effective"/>.</param>
/// <param name="Source">Where it came from: registry, token, upload, import, gcc (an answer to a dossier) or demo.</param>
/// <param name="HolderUserId">The person it belongs to (individual certificates).</param>
/// <param name="KeyId">The signing key of the registry it certifies.</param>
/// <param name="Subject">The subject as people read it.</param>
/// <param name="CommonName">CN.</param>
/// <param name="OrganizationalUnit">OU.</param>
/// <param name="Organization">O.</param>
/// <param name="Locality">L.</param>
/// <param name="Email">E.</param>
/// <param name="PersonalId">UID (<c>CCCD:…</c>).</param>
/// <param name="Issuer">The issuer's name.</param>
/// <param name="Serial">The serial number, upper-case hex.</param>
/// <param name="NotBefore">Start of validity (Unix ms).</param>
/// <param name="NotAfter">End of validity (Unix ms).</param>
/// <param name="KeyAlgorithm">E.g. RSA-2048.</param>
/// <param name="PublicKeySha256">SHA-256 of the SubjectPublicKeyInfo, when the certificate itself is known.</param>
/// <param name="Thumbprint">SHA-256 of the certificate, when it is known (a CSV row may only describe it).</param>
/// <param name="TokenSerial">The serial number of the token that holds the key.</param>
/// <param name="TokenLabel">That token's label.</param>
/// <param name="Der">The certificate, when known.</param>
/// <param name="ChainPem">Its CA certificates, for revocation checks.</param>
/// <param name="RevokedAt">When it was revoked (Unix ms).</param>
/// <param name="RevocationReason">Why, as the CA said.</param>
/// <param name="SupersededById">The certificate that replaced it (renewal, change of information).</param>
/// <param name="AlertedDays">The smallest expiry threshold (days) already alerted.</param>
/// <param name="CheckedAt">When the watch last checked it.</param>
/// <param name="SearchText">Names, e-mail, serial and ID folded to lower case without diacritics, for search.</param>
/// <param name="CreatedAt">When it entered the inventory.</param>
/// <param name="UpdatedAt">Its last change.</param>
public sealed record CertificateRecord(
    string Id, string AgencyId, string Kind, string Status, string Source, string? HolderUserId, string? KeyId,
    string Subject, string CommonName, string? OrganizationalUnit, string? Organization, string? Locality, string? Email, string? PersonalId,
    string Issuer, string Serial, long NotBefore, long NotAfter, string KeyAlgorithm, string? PublicKeySha256, string? Thumbprint,
    string? TokenSerial, string? TokenLabel, byte[]? Der, string? ChainPem, long? RevokedAt, string? RevocationReason,
    string? SupersededById, long? AlertedDays, long? CheckedAt, string SearchText, long CreatedAt, long UpdatedAt);

/// <summary>The statuses of an inventory certificate.</summary>
public static class CertificateStatuses
{
    /// <summary>Valid, and not within the largest expiry threshold.</summary>
    public const string Active = "active";

    /// <summary>Valid, but expiring within the largest threshold (60 days by default).</summary>
    public const string Expiring = "expiring";

    /// <summary>Past its end of validity.</summary>
    public const string Expired = "expired";

    /// <summary>Revoked by its CA.</summary>
    public const string Revoked = "revoked";

    /// <summary>Replaced by a renewed or changed certificate.</summary>
    public const string Superseded = "superseded";

    /// <summary>Every status.</summary>
    public static IReadOnlyList<string> All { get; } = [Active, Expiring, Expired, Revoked, Superseded];

    /// <summary>The statuses the watch still checks (the certificate may sign).</summary>
    public static IReadOnlyList<string> Live { get; } = [Active, Expiring];

    /// <summary>
    /// The status as of <paramref name="now"/>: a live certificate whose dates moved it on since the watch last ran reads
    /// as expiring or expired straight away, so lists never show an expired certificate as active.
    /// </summary>
    public static string Effective(CertificateRecord certificate, long now, long expiringWithinMs)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!Live.Contains(certificate.Status))
        {
            return certificate.Status;
        }

        return certificate.NotAfter <= now ? Expired : certificate.NotAfter - now <= expiringWithinMs ? Expiring : Active;
    }
}

/// <summary>One change of a certificate's status, as <c>certificate_status_changes</c> keeps it.</summary>
/// <param name="CertificateId">The certificate.</param>
/// <param name="Seq">Its place among the certificate's changes, from 1.</param>
/// <param name="OldStatus">The status before; null for the certificate's entry into the inventory.</param>
/// <param name="NewStatus">The status after.</param>
/// <param name="ChangedAt">When (Unix ms).</param>
/// <param name="Actor">Who or what made it, as the audit log names them (<c>user:…</c>, <c>system:certificate-watch</c>).</param>
/// <param name="Reason">Why, as <see cref="StatusReasons"/> writes it (code, then an argument after a colon).</param>
public sealed record CertificateStatusChange(
    string CertificateId, long Seq, string? OldStatus, string NewStatus, long ChangedAt, string Actor, string? Reason);

/// <summary>Who or what changes a certificate's status, and why, for its status history.</summary>
/// <param name="Actor">As the audit log names them: <c>user:…</c>, <c>client:…</c> or <c>system:…</c>.</param>
/// <param name="Reason">Why, as <see cref="StatusReasons.Of"/> writes it.</param>
public sealed record StatusCause(string Actor, string? Reason = null);

/// <summary>
/// Why a status changed, as the history stores it: a code, and after a colon its argument (a source, a number of days,
/// the CA's reason, a certificate id). Codes rather than sentences, so that the pages say them in the reader's language.
/// </summary>
public static class StatusReasons
{
    /// <summary>Entered the inventory; the argument is the source (upload, import, token, registry, gcc, demo).</summary>
    public const string Added = "added";

    /// <summary>Came within an expiry threshold; the argument is the threshold in days.</summary>
    public const string Expiring = "expiring";

    /// <summary>Its validity ended.</summary>
    public const string Expired = "expired";

    /// <summary>Its CA revoked it; the argument is the CA's reason, when it gave one.</summary>
    public const string Revoked = "revoked";

    /// <summary>A renewal or change of information replaced it; the argument is the new certificate's id.</summary>
    public const string Superseded = "superseded";

    /// <summary>Recorded by the migration that began the history, with the status the certificate held then.</summary>
    public const string Migrated = "migrated";

    /// <summary>The stored form of a reason.</summary>
    public static string Of(string code, string? argument = null) => string.IsNullOrEmpty(argument) ? code : $"{code}:{argument}";

    /// <summary>A stored reason split into its code and argument.</summary>
    public static (string Code, string? Argument) Parse(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var colon = reason.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (reason, null) : (reason[..colon], reason[(colon + 1)..]);
    }
}

/// <summary>The kinds of certificate (GCC forms 01, 02 and 03).</summary>
public static class CertificateKinds
{
    /// <summary>A person's (form 01).</summary>
    public const string Individual = "individual";

    /// <summary>An agency's or organisation's, its seal (form 02).</summary>
    public const string Agency = "agency";

    /// <summary>A device's, service's or software's (form 03).</summary>
    public const string Device = "device";

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<string> All { get; } = [Individual, Agency, Device];
}

/// <summary>Which certificates a search returns.</summary>
/// <param name="AgencyId">The agency.</param>
/// <param name="HolderUserId">Only this person's.</param>
/// <param name="Status">Only this effective status.</param>
/// <param name="Kind">Only this kind.</param>
/// <param name="Source">Only from this source.</param>
/// <param name="Search">Folded text to find in names, e-mail, serial or personal ID.</param>
/// <param name="TokenSerial">Only on this token.</param>
/// <param name="KeyId">Only certifying this key.</param>
/// <param name="ExpiresBefore">Only those whose validity ends before this (Unix ms).</param>
/// <param name="After">Cursor: only ids after this one.</param>
/// <param name="Limit">At most this many (1–1000).</param>
public sealed record CertificateQuery(
    string AgencyId, string? HolderUserId = null, string? Status = null, string? Kind = null, string? Source = null, string? Search = null,
    string? TokenSerial = null, string? KeyId = null, long? ExpiresBefore = null, string? After = null, int Limit = 100);

/// <summary>A signature-request step that waits for a key a revoked or expired certificate took out of service.</summary>
/// <param name="StepId">The step.</param>
/// <param name="RequestId">Its request.</param>
/// <param name="AgencyId">The request's agency.</param>
/// <param name="ClientId">The calling system that submitted the request, whose webhooks hear of it.</param>
/// <param name="Ordinal">The step's place in the route.</param>
/// <param name="Kind">sign, seal or copy.</param>
/// <param name="Title">The request's abstract.</param>
/// <param name="Secrecy">The request's secrecy level.</param>
public sealed record StrandedStep(
    string StepId, string RequestId, string AgencyId, string? ClientId, long Ordinal, string Kind, string Title, string Secrecy);

/// <summary>A flag on a step: the certificate whose key it needed left service.</summary>
/// <param name="StepId">The step.</param>
/// <param name="CertificateId">The certificate.</param>
/// <param name="RequestId">The request.</param>
/// <param name="KeyId">The key.</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="CreatedAt">When (Unix ms).</param>
public sealed record StepFlag(string StepId, string CertificateId, string RequestId, string? KeyId, string Reason, long CreatedAt);
