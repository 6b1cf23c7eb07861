using Signing.Storage.Certificates;

namespace Signing.Api.Features.Certificates;

/// <summary>A certificate of the inventory as people and systems see it.</summary>
/// <param name="Id">The inventory id.</param>
/// <param name="Kind">individual, agency or device.</param>
/// <param name="Status">active, expiring, expired, revoked or superseded, as of now.</param>
/// <param name="Source">registry, token, upload, import, gcc or demo.</param>
/// <param name="HolderUserId">The person who holds it.</param>
/// <param name="KeyId">The registry key it certifies.</param>
/// <param name="Subject">The subject, most specific first.</param>
/// <param name="CommonName">CN.</param>
/// <param name="OrganizationalUnit">OU.</param>
/// <param name="Organization">O.</param>
/// <param name="Locality">L.</param>
/// <param name="Email">E.</param>
/// <param name="PersonalId">The personal ID (UID), e.g. <c>CCCD:001099012345</c>.</param>
/// <param name="Issuer">The issuer.</param>
/// <param name="Serial">The serial number (hex).</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="DaysLeft">Whole days until it expires (negative once expired).</param>
/// <param name="KeyAlgorithm">E.g. RSA-2048.</param>
/// <param name="Thumbprint">SHA-256 of the certificate, when the certificate itself is known.</param>
/// <param name="TokenSerial">The serial of the token holding the key.</param>
/// <param name="TokenLabel">Its label.</param>
/// <param name="RevokedAt">When it was revoked.</param>
/// <param name="RevocationReason">Why, as its CA said.</param>
/// <param name="SupersededById">The certificate that replaced it.</param>
/// <param name="CheckedAt">When the watch last checked it.</param>
/// <param name="CreatedAt">When it entered the inventory.</param>
/// <param name="FlaggedSteps">Signature-request steps left without a usable key by it (on the single view only).</param>
public sealed record CertificateView(
    string Id, string Kind, string Status, string Source, string? HolderUserId, string? KeyId, string Subject, string CommonName,
    string? OrganizationalUnit, string? Organization, string? Locality, string? Email, string? PersonalId, string Issuer, string Serial,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, int DaysLeft, string KeyAlgorithm, string? Thumbprint, string? TokenSerial, string? TokenLabel,
    DateTimeOffset? RevokedAt, string? RevocationReason, string? SupersededById, DateTimeOffset? CheckedAt, DateTimeOffset CreatedAt,
    IReadOnlyList<StepFlagView>? FlaggedSteps = null)
{
    /// <summary>The view of a stored certificate at <paramref name="now"/>.</summary>
    public static CertificateView Of(CertificateRecord c, long now, long expiringWithinMs, IReadOnlyList<StepFlagView>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new CertificateView(c.Id, c.Kind, CertificateStatuses.Effective(c, now, expiringWithinMs), c.Source, c.HolderUserId, c.KeyId, c.Subject,
            c.CommonName, c.OrganizationalUnit, c.Organization, c.Locality, c.Email, c.PersonalId, c.Issuer, c.Serial, Time(c.NotBefore), Time(c.NotAfter),
            (int)Math.Floor((c.NotAfter - now) / (double)TimeSpan.MillisecondsPerDay), c.KeyAlgorithm, c.Thumbprint, c.TokenSerial, c.TokenLabel,
            c.RevokedAt is { } revoked ? Time(revoked) : null, c.RevocationReason, c.SupersededById, c.CheckedAt is { } checkedAt ? Time(checkedAt) : null,
            Time(c.CreatedAt), flags);
    }

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

/// <summary>A signature-request step flagged because the key it needs left service.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="StepId">The step.</param>
/// <param name="Reason">Why.</param>
/// <param name="At">When it was flagged.</param>
public sealed record StepFlagView(string RequestId, string StepId, string Reason, DateTimeOffset At);

/// <summary>What an import did.</summary>
/// <param name="Added">Certificates added to the inventory.</param>
/// <param name="AlreadyPresent">Certificates it already had (by issuer and serial).</param>
/// <param name="Rejected">Rows or certificates refused; each is in <paramref name="Problems"/>.</param>
/// <param name="AddedIds">The ids of the added certificates.</param>
/// <param name="Problems">Each refused row, by row and column, and anything else worth knowing.</param>
/// <param name="ElapsedMs">How long the import took on the server.</param>
public sealed record ImportReport(int Added, int AlreadyPresent, int Rejected, IReadOnlyList<string> AddedIds, IReadOnlyList<ImportProblem> Problems, long ElapsedMs);

/// <summary>Filters of the inventory list.</summary>
/// <param name="Status">active, expiring, expired, revoked or superseded.</param>
/// <param name="Kind">individual, agency or device.</param>
/// <param name="Source">registry, token, upload, import, gcc or demo.</param>
/// <param name="Holder">A person's user id.</param>
/// <param name="Q">Text in the names, e-mail, serial or personal ID (diacritics and case ignored).</param>
/// <param name="TokenSerial">Only on this token.</param>
/// <param name="KeyId">Only certifying this key.</param>
/// <param name="ExpiresWithinDays">Only those expiring within this many days.</param>
/// <param name="After">Cursor: the last id of the previous page.</param>
/// <param name="Limit">Page size (default 100, at most 1000).</param>
public sealed record CertificateSearch(
    string? Status = null, string? Kind = null, string? Source = null, string? Holder = null, string? Q = null, string? TokenSerial = null,
    string? KeyId = null, int? ExpiresWithinDays = null, string? After = null, int Limit = 100);

/// <summary>Who holds an uploaded certificate and what it is.</summary>
/// <param name="HolderUserId">The person it belongs to (default: the person whose e-mail it carries).</param>
/// <param name="Kind">individual, agency or device (default: from its key's purpose or its subject).</param>
/// <param name="KeyId">The registry key it certifies (default: the key with the same certificate).</param>
/// <param name="TokenSerial">The serial of the token that holds its key.</param>
public sealed record UploadOptions(string? HolderUserId = null, string? Kind = null, string? KeyId = null, string? TokenSerial = null);
