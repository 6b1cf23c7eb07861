using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Signing.Pki.Certificates;
using Signing.Storage.Certificates;

namespace Signing.Api.Features.Certificates;

/// <summary>
/// Turns one row of an imported table into an inventory certificate, or into the problem that names its row and
/// column. A row either carries the certificate (PEM or base64 DER in <c>certificate</c>) or describes it.
/// </summary>
/// <param name="table">The table the rows come from.</param>
/// <param name="people">The agency's people by username.</param>
/// <param name="agencyId">The importing agency.</param>
/// <param name="now">The time of the import (Unix ms).</param>
/// <param name="describe">Makes the record of a certificate (kind, holder, token serial).</param>
/// <param name="expiringWithinMs">Within this of its end a described certificate counts as expiring.</param>
public sealed class CertificateRowReader(
    TableData table, IReadOnlyDictionary<string, string> people, string agencyId, long now,
    Func<X509Certificate2, string, string?, string?, CertificateRecord> describe, long expiringWithinMs)
{
    /// <summary>The columns a row that describes its certificate (without <c>certificate</c>) must have.</summary>
    public static IReadOnlyList<string> RequiredColumns { get; } = ["serial", "issuer", "cn", "not_before", "not_after"];

    /// <summary>Every column the import reads.</summary>
    public static IReadOnlySet<string> KnownColumns { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "certificate", "serial", "issuer", "cn", "ou", "o", "l", "e", "email", "cccd", "uid", "not_before", "not_after", "key_algorithm",
        "token_serial", "token_label", "holder", "kind",
    };

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"];

    /// <summary>The record of <paramref name="row"/>, or its problem.</summary>
    public (CertificateRecord? Record, ImportProblem? Problem) Read(TableRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        string? holderId = null;
        if (table.Cell(row, "holder") is { } username)
        {
            if (!people.TryGetValue(username, out holderId))
            {
                return Problem(row, "holder", $"no person '{username}' in your agency");
            }
        }

        var kind = table.Cell(row, "kind");
        if (kind is not null && !CertificateKinds.All.Contains(kind))
        {
            return Problem(row, "kind", $"'{kind}' is not one of {string.Join(", ", CertificateKinds.All)}");
        }

        var tokenSerial = table.Cell(row, "token_serial");
        if (tokenSerial is { Length: > 64 })
        {
            return Problem(row, "token_serial", "a token serial has at most 64 characters");
        }

        if (table.Cell(row, "certificate") is { } encoded)
        {
            return FromCertificate(row, encoded, kind, holderId, tokenSerial);
        }

        return FromDescription(row, kind ?? (holderId is not null || table.Cell(row, "cccd") is not null ? CertificateKinds.Individual : CertificateKinds.Agency),
            holderId, tokenSerial);
    }

    private (CertificateRecord?, ImportProblem?) FromCertificate(TableRow row, string encoded, string? kind, string? holderId, string? tokenSerial)
    {
        byte[] bytes;
        if (encoded.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            bytes = Encoding.ASCII.GetBytes(encoded);
        }
        else
        {
            try
            {
                bytes = Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                return Problem(row, "certificate", "neither PEM nor base64 DER");
            }
        }

        IReadOnlyList<X509Certificate2> certificates;
        try
        {
            certificates = CertificateFiles.Read(bytes);
        }
        catch (Pki.MalformedPkiDataException e)
        {
            return Problem(row, "certificate", $"the certificate does not parse: {e.Message}");
        }

        if (certificates.Count != 1)
        {
            foreach (var extra in certificates)
            {
                extra.Dispose();
            }

            return Problem(row, "certificate", $"one certificate per row, not {certificates.Count}");
        }

        using var certificate = certificates[0];
        var subject = Pki.Names.SubjectName.FromX500(certificate.SubjectName);
        var resolvedKind = kind ?? (holderId is not null || subject.PersonalId is not null ? CertificateKinds.Individual : CertificateKinds.Agency);
        return (describe(certificate, resolvedKind, holderId, tokenSerial) with { Source = CertificateSources.Import }, null);
    }

    private (CertificateRecord?, ImportProblem?) FromDescription(TableRow row, string kind, string? holderId, string? tokenSerial)
    {
        foreach (var column in RequiredColumns)
        {
            if (table.Cell(row, column) is null)
            {
                return Problem(row, column, "required, and empty");
            }
        }

        var serialText = table.Cell(row, "serial")!;
        var hex = serialText.Replace(" ", "", StringComparison.Ordinal).Replace(":", "", StringComparison.Ordinal);
        if (hex.Length is 0 or > 40 || !hex.All(char.IsAsciiHexDigit))
        {
            return Problem(row, "serial", $"'{serialText}' is not a serial number in hexadecimal (at most 20 bytes)");
        }

        var issuer = table.Cell(row, "issuer")!.Normalize(NormalizationForm.FormC);
        if (issuer.Length > 500)
        {
            return Problem(row, "issuer", "at most 500 characters");
        }

        var commonName = table.Cell(row, "cn")!.Normalize(NormalizationForm.FormC);
        if (commonName.Length > 256)
        {
            return Problem(row, "cn", "at most 256 characters");
        }

        if (!TryDate(table.Cell(row, "not_before")!, out var notBefore))
        {
            return Problem(row, "not_before", $"'{table.Cell(row, "not_before")}' is not a date (yyyy-MM-dd or dd/MM/yyyy)");
        }

        if (!TryDate(table.Cell(row, "not_after")!, out var notAfter))
        {
            return Problem(row, "not_after", $"'{table.Cell(row, "not_after")}' is not a date (yyyy-MM-dd or dd/MM/yyyy)");
        }

        if (notAfter <= notBefore)
        {
            return Problem(row, "not_after", "the end of validity comes before its start");
        }

        var email = table.Cell(row, "e") ?? table.Cell(row, "email");
        if (email is not null && (email.Length > 254 || !email.Contains('@', StringComparison.Ordinal)))
        {
            return Problem(row, table.Cell(row, "e") is null ? "email" : "e", $"'{email}' is not an e-mail address");
        }

        string? personalId = null;
        if (table.Cell(row, "cccd") is { } cccd)
        {
            if (cccd.Length != 12 || !cccd.All(char.IsAsciiDigit))
            {
                return Problem(row, "cccd", "a citizen ID (CCCD) has 12 digits");
            }

            personalId = "CCCD:" + cccd;
        }
        else if (table.Cell(row, "uid") is { } uid)
        {
            personalId = uid;
        }

        var unit = table.Cell(row, "ou")?.Normalize(NormalizationForm.FormC);
        var organization = table.Cell(row, "o")?.Normalize(NormalizationForm.FormC);
        var locality = table.Cell(row, "l")?.Normalize(NormalizationForm.FormC);
        var serial = CertificateFacts.NormaliseSerial(hex);
        var subject = new Pki.Names.SubjectName
        {
            CommonName = commonName,
            OrganizationalUnit = unit,
            Organization = organization,
            Locality = locality,
            Email = email,
            PersonalId = personalId,
        };
        var notAfterMs = notAfter.ToUnixTimeMilliseconds();
        var status = notAfterMs <= now ? CertificateStatuses.Expired
            : notAfterMs - now <= expiringWithinMs ? CertificateStatuses.Expiring : CertificateStatuses.Active;
        return (new CertificateRecord(CertificateStore.NewId(), agencyId, kind, status, CertificateSources.Import, holderId, null, subject.ToString(), commonName,
            unit, organization, locality, email, personalId, issuer, serial, notBefore.ToUnixTimeMilliseconds(), notAfterMs,
            table.Cell(row, "key_algorithm") ?? "unknown", null, null, tokenSerial, table.Cell(row, "token_label"), null, null, null, null, null, null, null,
            CertificateInventory.SearchText(commonName, unit, organization, email, personalId, serial, tokenSerial), now, now), null);
    }

    // Spreadsheets hand dates over as text in several shapes, or (XLSX) as OLE automation day numbers.
    private static bool TryDate(string text, out DateTimeOffset value)
    {
        if (DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 1 and < 2958465)
        {
            value = new DateTimeOffset(DateTime.SpecifyKind(DateTime.FromOADate(serial), DateTimeKind.Utc));
            return true;
        }

        return false;
    }

    private static (CertificateRecord?, ImportProblem?) Problem(TableRow row, string column, string message) => (null, new ImportProblem(row.Row, column, message));
}
