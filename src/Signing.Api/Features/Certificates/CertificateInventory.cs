using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Tokens;
using Signing.Api.Hosting;
using Signing.Pki.Certificates;
using Signing.Storage;
using Signing.Storage.Accounts;
using Signing.Storage.Certificates;
using Signing.Storage.Keys;

namespace Signing.Api.Features.Certificates;

/// <summary>Where inventory certificates come from.</summary>
public static class CertificateSources
{
    /// <summary>A key of the signing keys registry.</summary>
    public const string Registry = "registry";

    /// <summary>A scan of a token.</summary>
    public const string Token = "token";

    /// <summary>A PEM, DER or P7B file.</summary>
    public const string Upload = "upload";

    /// <summary>A row of a CSV or XLSX import.</summary>
    public const string Import = "import";

    /// <summary>The GCC's answer to a dossier.</summary>
    public const string Gcc = "gcc";

    /// <summary>The demo data of ./run.sh.</summary>
    public const string Demo = "demo";

    /// <summary>Every source.</summary>
    public static IReadOnlyList<string> All { get; } = [Registry, Token, Upload, Import, Gcc, Demo];
}

/// <summary>
/// The certificate inventory of an agency: every certificate it holds (individuals', its seal's, its devices' and
/// services'), brought in from the keys registry, a token scan, a PEM/DER/P7B upload or a CSV/XLSX import, and searched
/// and filtered. Cert-admins and admins see the agency's; any other person sees their own. HTTP-free, for the API and
/// the web pages alike.
/// </summary>
public sealed class CertificateInventory(
    Database database, CertificateStore store, SigningKeyStore keys, AccountStore accounts, TokenKeys tokens, IOptions<CertificateOptions> options,
    TimeProvider clock)
{
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Whether <paramref name="actor"/> manages the agency's certificates (cert-admin or admin).</summary>
    public static bool ManagesCertificates(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.Holds(Roles.CertAdmin) || actor.Holds(Roles.Admin);
    }

    /// <summary>The answer for an actor who does not manage certificates.</summary>
    public static Failure NotCertAdmin() => new(FailureKind.Forbidden, "not-cert-admin", "Certificate admins only",
        "Only the agency's certificate admins (cert-admin) and admins manage its certificates.");

    /// <summary>A page of the certificates <paramref name="actor"/> may see (the agency's, or a person's own).</summary>
    public async Task<Result<IReadOnlyList<CertificateView>>> SearchAsync(Actor actor, CertificateSearch search, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(search);
        if (search.Status is not null && !CertificateStatuses.All.Contains(search.Status))
        {
            return Failure.BadInput("Unknown status", $"status is one of {string.Join(", ", CertificateStatuses.All)}.", "status");
        }

        if (search.Kind is not null && !CertificateKinds.All.Contains(search.Kind))
        {
            return Failure.BadInput("Unknown kind", $"kind is one of {string.Join(", ", CertificateKinds.All)}.", "kind");
        }

        if (search.Source is not null && !CertificateSources.All.Contains(search.Source))
        {
            return Failure.BadInput("Unknown source", $"source is one of {string.Join(", ", CertificateSources.All)}.", "source");
        }

        string? holder;
        if (ManagesCertificates(actor))
        {
            holder = search.Holder;
        }
        else if (!actor.IsClient)
        {
            if (search.Holder is not null && search.Holder != actor.Id)
            {
                return new Failure(FailureKind.Forbidden, "not-your-certificates", "Not your certificates", "You see your own certificates only.");
            }

            holder = actor.Id;
        }
        else
        {
            return NotCertAdmin();
        }

        var now = Now;
        var found = await store.SearchAsync(new CertificateQuery(actor.AgencyId, holder, search.Status, search.Kind, search.Source, search.Q, search.TokenSerial,
            search.KeyId, search.ExpiresWithinDays is { } days ? now + (long)TimeSpan.FromDays(days).TotalMilliseconds : null, search.After, search.Limit),
            options.Value.ExpiringWithinMs, ct);
        return found.Select(c => CertificateView.Of(c, now, options.Value.ExpiringWithinMs)).ToList();
    }

    /// <summary>One certificate, with the signature-request steps it stranded.</summary>
    public async Task<Result<CertificateView>> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        var found = await FindVisibleAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var flags = await store.FlagsAsync(id, ct);
        return CertificateView.Of(found.Value!, Now, options.Value.ExpiringWithinMs,
            [.. flags.Select(f => new StepFlagView(f.RequestId, f.StepId, f.Reason, DateTimeOffset.FromUnixTimeMilliseconds(f.CreatedAt)))]);
    }

    /// <summary>The certificate if <paramref name="actor"/> may see it: their agency's (cert-admins), or their own.</summary>
    public async Task<Result<CertificateRecord>> FindVisibleAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var certificate = await store.FindAsync(id, ct);
        if (certificate is null || !actor.BelongsTo(certificate.AgencyId) || (!ManagesCertificates(actor) && certificate.HolderUserId != actor.Id))
        {
            return new Failure(FailureKind.NotFound, "certificate-not-found", "Certificate not found", $"No certificate '{id}' of yours.");
        }

        return certificate;
    }

    /// <summary>A person's certificates, newest first, superseded and revoked ones included: their history.</summary>
    public async Task<Result<IReadOnlyList<CertificateView>>> HistoryAsync(Actor actor, string userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var person = await accounts.FindUserAsync(userId, ct);
        if (person is null || !actor.BelongsTo(person.AgencyId) || (!ManagesCertificates(actor) && actor.Id != userId))
        {
            return new Failure(FailureKind.NotFound, "person-not-found", "Person not found", $"No person '{userId}' whose certificates you may see.");
        }

        var now = Now;
        return (await store.ForHolderAsync(userId, ct)).Select(c => CertificateView.Of(c, now, options.Value.ExpiringWithinMs)).ToList();
    }

    /// <summary>Adds the certificates of the keys registry that the inventory does not have yet.</summary>
    public async Task<Result<ImportReport>> ImportRegistryAsync(Actor actor, CancellationToken ct)
    {
        if (!ManagesCertificates(actor))
        {
            return NotCertAdmin();
        }

        var started = Stopwatch.GetTimestamp();
        var added = await AddRegistryKeysAsync(actor.AgencyId, actor.AuditName, ct);
        var total = (await keys.ListForAgencyAsync(actor.AgencyId, ct)).Count;
        return new ImportReport(added.Count, total - added.Count, 0, added, [], (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Inventories the registry keys (of one agency, or of all) not inventoried yet, <paramref name="actorName"/> (as the
    /// audit log names them) recorded as who added them; returns the new ids.
    /// </summary>
    public async Task<IReadOnlyList<string>> AddRegistryKeysAsync(string? agencyId, string actorName, CancellationToken ct)
    {
        var added = new List<string>();
        foreach (var key in await store.UninventoriedKeysAsync(agencyId, ct))
        {
            using var certificate = X509CertificateLoader.LoadCertificate(key.Certificate);
            var record = Describe(certificate, key.AgencyId, KindOf(key.Purpose), CertificateSources.Registry, key.OwnerUserId, key.Id, key.ChainPem, null, null)
                with
            { TokenLabel = TokenLabelOf(key.Pkcs11Uri) };
            if (await store.InsertAsync(record, new StatusCause(actorName, StatusReasons.Of(StatusReasons.Added, record.Source)), ct))
            {
                added.Add(record.Id);
            }
        }

        return added;
    }

    /// <summary>Scans a configured token: every certificate on it, with the token's serial and label.</summary>
    public async Task<Result<ImportReport>> ScanTokenAsync(Actor actor, string? tokenLabel, CancellationToken ct)
    {
        if (!ManagesCertificates(actor))
        {
            return NotCertAdmin();
        }

        var label = tokenLabel ?? tokens.Labels.FirstOrDefault();
        if (label is null || !tokens.Labels.Contains(label))
        {
            return new Failure(FailureKind.NotFound, "token-not-configured", "Token not configured",
                $"The service has no token '{tokenLabel}' (Pkcs11:Tokens lists {string.Join(", ", tokens.Labels.DefaultIfEmpty("none"))}).")
            { Field = "tokenLabel" };
        }

        var started = Stopwatch.GetTimestamp();
        var token = tokens.OpenToken(label);
        var info = token.GetInfo();
        var found = token.ListCertificates();
        var records = new List<CertificateRecord>();
        var chain = found.Where(entry => IsAuthority(entry.Certificate)).Select(entry => entry.Certificate.ExportCertificatePem()).ToList();
        foreach (var (_, _, certificate) in found.Where(entry => !IsAuthority(entry.Certificate)))
        {
            var key = await keys.FindByThumbprintAsync(CertificateFacts.Of(certificate).Thumbprint, ct);
            var ownKey = key is not null && key.AgencyId == actor.AgencyId ? key : null;
            records.Add(Describe(certificate, actor.AgencyId, ownKey is null ? KindFromSubject(certificate, null) : KindOf(ownKey.Purpose), CertificateSources.Token,
                ownKey?.OwnerUserId, ownKey?.Id, ownKey?.ChainPem ?? (chain.Count > 0 ? string.Join("", chain) : null), info.SerialNumber, info.Label));
        }

        foreach (var (_, _, certificate) in found)
        {
            certificate.Dispose();
        }

        var (added, present) = await InsertAllAsync(records, actor.AuditName, ct);
        return new ImportReport(added.Count, present, 0, added, [], (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Adds the certificates of a PEM, DER or P7B file. CA certificates in the file become the chain of the others (for
    /// revocation checks); a file that does not parse is refused whole.
    /// </summary>
    public async Task<Result<ImportReport>> UploadAsync(Actor actor, byte[] content, UploadOptions upload, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(upload);
        if (!ManagesCertificates(actor))
        {
            return NotCertAdmin();
        }

        if (upload.Kind is not null && !CertificateKinds.All.Contains(upload.Kind))
        {
            return Failure.BadInput("Unknown kind", $"kind is one of {string.Join(", ", CertificateKinds.All)}.", "kind");
        }

        if (upload.HolderUserId is not null && (await accounts.FindUserAsync(upload.HolderUserId, ct))?.AgencyId != actor.AgencyId)
        {
            return Failure.BadInput("Unknown holder", $"No person '{upload.HolderUserId}' in your agency.", "holderUserId");
        }

        SigningKey? explicitKey = null;
        if (upload.KeyId is not null)
        {
            explicitKey = await keys.FindAsync(upload.KeyId, ct);
            if (explicitKey is null || explicitKey.AgencyId != actor.AgencyId)
            {
                return Failure.BadInput("Unknown key", $"No signing key '{upload.KeyId}' in your agency.", "keyId");
            }
        }

        IReadOnlyList<X509Certificate2> certificates;
        try
        {
            certificates = CertificateFiles.Read(content);
        }
        catch (Pki.MalformedPkiDataException e)
        {
            return new Failure(FailureKind.Unprocessable, "unparseable-certificate", "Certificate does not parse",
                $"The file is not a PEM, DER or P7B certificate file: {e.Message}")
            { Field = "file" };
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var leaves = certificates.Where(c => !IsAuthority(c)).ToList();
            if (leaves.Count == 0)
            {
                return new Failure(FailureKind.Unprocessable, "no-end-entity-certificate", "Only CA certificates",
                    "The file holds CA certificates only; the inventory keeps the agency's own (end-entity) certificates.")
                { Field = "file" };
            }

            // One certificate per line block: a PEM boundary must follow white space, or readers load none of them.
            var chainPem = string.Concat(certificates.Where(IsAuthority).Select(c => c.ExportCertificatePem() + "\n"));
            var people = await PeopleByEmailAsync(actor.AgencyId, ct);
            var records = new List<CertificateRecord>();
            foreach (var leaf in leaves)
            {
                var facts = CertificateFacts.Of(leaf);
                var key = explicitKey;
                if (key is null && await keys.FindByThumbprintAsync(facts.Thumbprint, ct) is { } registered && registered.AgencyId == actor.AgencyId)
                {
                    key = registered;
                }

                var holderId = upload.HolderUserId ?? key?.OwnerUserId ?? (facts.Subject.Email is { } email && people.TryGetValue(email, out var byEmail) ? byEmail : null);
                var kind = upload.Kind ?? (key is not null ? KindOf(key.Purpose) : KindFromSubject(leaf, holderId));
                records.Add(Describe(leaf, actor.AgencyId, kind, CertificateSources.Upload, holderId, key?.Id,
                    chainPem.Length > 0 ? chainPem : key?.ChainPem, upload.TokenSerial, null));
            }

            var (added, present) = await InsertAllAsync(records, actor.AuditName, ct);
            return new ImportReport(added.Count, present, 0, added, [], (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>
    /// Imports a CSV or XLSX table, a certificate per row: either the certificate itself (column <c>certificate</c>,
    /// PEM or base64 DER) or its description (<c>serial</c>, <c>issuer</c>, <c>cn</c>, <c>not_before</c>,
    /// <c>not_after</c>, and optionally <c>ou</c>, <c>o</c>, <c>l</c>, <c>e</c>, <c>cccd</c>, <c>key_algorithm</c>),
    /// with <c>holder</c> (username), <c>kind</c> and <c>token_serial</c>. A bad row is reported by row and column and
    /// the others are imported, in one transaction.
    /// </summary>
    public async Task<Result<ImportReport>> ImportTableAsync(Actor actor, byte[] content, string format, CancellationToken ct)
    {
        if (!ManagesCertificates(actor))
        {
            return NotCertAdmin();
        }

        var started = Stopwatch.GetTimestamp();
        TableData table;
        try
        {
            table = TableFile.Read(content, format, options.Value.MaxImportRows);
        }
        catch (InvalidDataException e)
        {
            return new Failure(FailureKind.Unprocessable, "unreadable-table", "Table not readable", e.Message) { Field = "file" };
        }

        if (table.IndexOf("certificate") < 0)
        {
            var missing = CertificateRowReader.RequiredColumns.Where(column => table.IndexOf(column) < 0).ToList();
            if (missing.Count > 0)
            {
                return Failure.BadInput("Missing columns",
                    $"The header lacks {string.Join(", ", missing)}: give a 'certificate' column, or describe each certificate with " +
                    $"{string.Join(", ", CertificateRowReader.RequiredColumns)}.", "file");
            }
        }

        var people = (await accounts.ListUsersAsync(actor.AgencyId, ct)).ToDictionary(user => user.Username, user => user.Id, StringComparer.OrdinalIgnoreCase);
        var problems = new List<ImportProblem>(table.Problems);
        problems.AddRange(table.Columns.Where(column => column.Length > 0 && !CertificateRowReader.KnownColumns.Contains(column))
            .Select(column => new ImportProblem(1, column, "unknown column, ignored")));
        var records = new List<(int Row, CertificateRecord Record)>();
        var reader = new CertificateRowReader(table, people, actor.AgencyId, Now,
            (certificate, kind, holder, tokenSerial) => Describe(certificate, actor.AgencyId, kind, CertificateSources.Import, holder, null, null, tokenSerial, null),
            options.Value.ExpiringWithinMs);
        foreach (var row in table.Rows)
        {
            var read = reader.Read(row);
            if (read.Problem is { } problem)
            {
                problems.Add(problem);
            }
            else
            {
                records.Add((row.Row, read.Record!));
            }
        }

        // The same certificate twice in one file: the first row wins, the others are reported.
        var unique = new List<CertificateRecord>();
        var seen = new HashSet<(string, string)>();
        foreach (var (row, record) in records)
        {
            if (seen.Add((record.Issuer, record.Serial)))
            {
                unique.Add(record);
            }
            else
            {
                problems.Add(new ImportProblem(row, "serial", $"serial {record.Serial} of this issuer appears earlier in the file"));
            }
        }

        var (added, present) = await InsertAllAsync(unique, actor.AuditName, ct);
        var rejected = problems.Count(p => p.Row is > 1);
        return new ImportReport(added.Count, present, rejected, added, [.. problems.OrderBy(p => p.Row ?? 0)],
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Sets who holds a certificate and which registry key it certifies.</summary>
    public async Task<Result<CertificateView>> AssignAsync(Actor actor, string id, string? holderUserId, string? keyId, CancellationToken ct)
    {
        if (!ManagesCertificates(actor))
        {
            return NotCertAdmin();
        }

        var found = await FindVisibleAsync(actor, id, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        if (holderUserId is not null && (await accounts.FindUserAsync(holderUserId, ct))?.AgencyId != actor.AgencyId)
        {
            return Failure.BadInput("Unknown holder", $"No person '{holderUserId}' in your agency.", "holderUserId");
        }

        if (keyId is not null)
        {
            var key = await keys.FindAsync(keyId, ct);
            if (key is null || key.AgencyId != actor.AgencyId)
            {
                return Failure.BadInput("Unknown key", $"No signing key '{keyId}' in your agency.", "keyId");
            }

            if (found.Value!.PublicKeySha256 is { } digest && CertificateFacts.PublicKeyDigest(key.SignerCertificate().PublicKey) != digest)
            {
                return new Failure(FailureKind.Conflict, "key-mismatch", "Different key",
                    $"Key '{keyId}' has another public key than this certificate certifies.")
                { Field = "keyId" };
            }
        }

        await store.SetHolderAsync(id, holderUserId, keyId, ct);
        return await GetAsync(actor, id, ct);
    }

    /// <summary>Inventory fields of a certificate (the record is not stored).</summary>
    public CertificateRecord Describe(
        X509Certificate2 certificate, string agencyId, string kind, string source, string? holderUserId, string? keyId, string? chainPem, string? tokenSerial,
        string? tokenLabel)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var facts = CertificateFacts.Of(certificate);
        var now = Now;
        var notAfter = facts.NotAfter.ToUnixTimeMilliseconds();
        var status = notAfter <= now ? CertificateStatuses.Expired
            : notAfter - now <= options.Value.ExpiringWithinMs ? CertificateStatuses.Expiring : CertificateStatuses.Active;
        var subject = facts.Subject;
        return new CertificateRecord(CertificateStore.NewId(), agencyId, kind, status, source, holderUserId, keyId, facts.SubjectText, subject.CommonName,
            subject.OrganizationalUnit, subject.Organization, subject.Locality ?? subject.State, subject.Email, subject.PersonalId, facts.Issuer, facts.SerialHex,
            facts.NotBefore.ToUnixTimeMilliseconds(), notAfter, facts.KeyAlgorithm, facts.PublicKeySha256, facts.Thumbprint, tokenSerial, tokenLabel,
            certificate.RawData, chainPem, null, null, null, null, null,
            SearchText(subject.CommonName, subject.OrganizationalUnit, subject.Organization, subject.Email, subject.PersonalId, facts.SerialHex, tokenSerial),
            now, now);
    }

    /// <summary>The folded text the inventory searches.</summary>
    public static string SearchText(params string?[] parts) => TextFolding.Fold(string.Join(' ', parts.Where(p => !string.IsNullOrEmpty(p))));

    /// <summary>The certificate kind of a key purpose.</summary>
    public static string KindOf(string purpose) => purpose switch
    {
        KeyPurpose.AgencySeal => CertificateKinds.Agency,
        KeyPurpose.System => CertificateKinds.Device,
        _ => CertificateKinds.Individual,
    };

    /// <summary>A CA certificate (basic constraints cA), which the inventory keeps only as a chain.</summary>
    public static bool IsAuthority(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(extension => extension.CertificateAuthority);
    }

    // A personal ID (UID) or a holder makes a person's certificate; otherwise it is taken as the agency's.
    private static string KindFromSubject(X509Certificate2 certificate, string? holderUserId)
        => holderUserId is not null || Pki.Names.SubjectName.FromX500(certificate.SubjectName).PersonalId is not null
            ? CertificateKinds.Individual
            : CertificateKinds.Agency;

    private static string? TokenLabelOf(string? uri)
    {
        if (uri is null)
        {
            return null;
        }

        try
        {
            return Pkcs11.Pkcs11Uri.Parse(uri).Token;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private async Task<Dictionary<string, string>> PeopleByEmailAsync(string agencyId, CancellationToken ct)
    {
        var people = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in await accounts.ListUsersAsync(agencyId, ct))
        {
            if (user.Email is { Length: > 0 } email)
            {
                people.TryAdd(email, user.Id);
            }
        }

        return people;
    }

    // One transaction for the whole batch: a 2,000-row file commits at once, and is either in or not.
    private async Task<(List<string> Added, int Present)> InsertAllAsync(IReadOnlyList<CertificateRecord> records, string actorName, CancellationToken ct)
    {
        var existing = await store.ExistingAsync([.. records.Select(r => r.Serial)], ct);
        var added = new List<string>();
        var present = 0;
        await using var tx = await database.BeginWriteAsync("certificates", ct);
        foreach (var record in records)
        {
            if (existing.Contains((record.Issuer, record.Serial)) || !await store.InsertAsync(tx, record, new StatusCause(actorName, StatusReasons.Of(StatusReasons.Added, record.Source)), ct))
            {
                present++;
                continue;
            }

            added.Add(record.Id);
        }

        await tx.CommitAsync(ct);
        return (added, present);
    }

    /// <summary>Formats a date for messages.</summary>
    public static string Day(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
