using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Signing.Pdf;
using Signing.Pdf.Validation;
using Signing.Pki.Revocation;
using Signing.Pki.Validation;

namespace Signing.Cli.Commands;

/// <summary><c>signing verify …</c>: validate signatures and print an EN 319 102-1 style report.</summary>
internal static class VerifyCommands
{
    /// <summary>Exit code when the verifier could not run at all (unreadable file, bad trust file).</summary>
    internal const int CouldNotRun = 3;

    public static Command Create()
    {
        var verify = new Command("verify", "Verify signatures. Exit code: 0 TOTAL_PASSED, 1 TOTAL_FAILED, 2 INDETERMINATE, 3 could not run.");
        verify.Subcommands.Add(CreateCms());
        verify.Subcommands.Add(CreatePdf());
        return verify;
    }

    internal static int ExitCode(Indication indication) => indication switch
    {
        Indication.TotalPassed => 0,
        Indication.TotalFailed => 1,
        _ => 2,
    };

    private static Command CreateCms()
    {
        var signature = new Argument<FileInfo>("SIG") { Description = "CMS signature, DER or PEM." };
        var content = new Option<FileInfo?>("--content") { Description = "The signed file, for a detached signature." };
        var trust = new Option<FileInfo?>("--trust") { Description = "PEM file of trusted root certificates (e.g. DIR/root.pem of the dev PKI)." };
        var offline = new Option<bool>("--offline") { Description = "Do not fetch OCSP/CRL; revocation is reported as not checked." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };

        var command = new Command("cms", "Validate a CMS / CAdES signature.");
        command.Arguments.Add(signature);
        command.Options.Add(content);
        command.Options.Add(trust);
        command.Options.Add(offline);
        command.Options.Add(json);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            byte[] cms;
            byte[]? contentBytes = null;
            var anchors = new X509Certificate2Collection();
            try
            {
                cms = await File.ReadAllBytesAsync(parseResult.GetRequiredValue(signature).FullName, cancellationToken);
                if (parseResult.GetValue(content) is { } contentFile)
                {
                    contentBytes = await File.ReadAllBytesAsync(contentFile.FullName, cancellationToken);
                }

                if (parseResult.GetValue(trust) is { } trustFile)
                {
                    anchors.ImportFromPemFile(trustFile.FullName);
                    if (anchors.Count == 0)
                    {
                        await stderr.WriteLineAsync($"signing verify cms: {trustFile.FullName} holds no certificate");
                        return CouldNotRun;
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                await stderr.WriteLineAsync($"signing verify cms: {e.Message}");
                return CouldNotRun;
            }

            using var http = new HttpClient();
            var revocation = parseResult.GetValue(offline) ? null : RevocationChecker.Create(http);

            // Online, as for PDFs: an intermediate the CMS does not carry is fetched from the AIA caIssuers URL.
            var verifier = new CmsSignatureVerifier(new CertificatePathValidator(anchors, revocation), null,
                parseResult.GetValue(offline) ? null : new IssuerCertificateFetcher(http));
            var report = await verifier.VerifyAsync(cms, contentBytes, cancellationToken);
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(report.ToJson());
            }
            else
            {
                await WriteTextAsync(stdout, report, anchors.Count == 0);
            }

            return ExitCode(report.Indication);
        });
        return command;
    }

    private static Command CreatePdf()
    {
        var input = new Argument<FileInfo>("IN") { Description = "The signed PDF." };
        var trust = new Option<FileInfo?>("--trust") { Description = "PEM file of trusted root certificates (e.g. the GCC G2 roots, or DIR/root.pem of the dev PKI)." };
        var crls = new Option<FileInfo[]>("--crl") { Description = "A CRL (DER or PEM) to use besides the document's DSS; may be repeated.", AllowMultipleArgumentsPerToken = false };
        var offline = new Option<bool>("--offline") { Description = "Use only the document's DSS and --crl files; never fetch OCSP/CRL." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var repeat = new Option<int>("--repeat") { Description = "Validate N times and print the throughput (PDFs per second) on stderr.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "With --repeat: validate on this many threads at once (one shared validator).", DefaultValueFactory = _ => 1 };
        var reportFile = new Option<FileInfo?>("--report") { Description = "Also write a readable validation report (PDF) for people." };
        var language = new Option<string>("--lang") { Description = "Language of --report: vi (default) or en.", DefaultValueFactory = _ => "vi" };
        language.AcceptOnlyFromAmong("vi", "en");

        var command = new Command("pdf", "Validate every signature and document timestamp of a PDF (exit 0 all TOTAL_PASSED, 1 any TOTAL_FAILED, 2 otherwise).");
        command.Arguments.Add(input);
        command.Options.Add(trust);
        command.Options.Add(crls);
        command.Options.Add(offline);
        command.Options.Add(json);
        command.Options.Add(repeat);
        command.Options.Add(threads);
        command.Options.Add(reportFile);
        command.Options.Add(language);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            var anchors = new X509Certificate2Collection();
            var crlData = new List<byte[]>();
            byte[] document;
            try
            {
                document = await File.ReadAllBytesAsync(parseResult.GetRequiredValue(input).FullName, cancellationToken);
                if ((parseResult.GetValue(trust) ?? DefaultTrust()) is { } trustFile)
                {
                    anchors.ImportFromPemFile(trustFile.FullName);
                    if (anchors.Count == 0)
                    {
                        await stderr.WriteLineAsync($"signing verify pdf: {trustFile.FullName} holds no certificate");
                        return CouldNotRun;
                    }
                }

                foreach (var crl in parseResult.GetValue(crls) ?? [])
                {
                    crlData.Add(await File.ReadAllBytesAsync(crl.FullName, cancellationToken));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                await stderr.WriteLineAsync($"signing verify pdf: {e.Message}");
                return CouldNotRun;
            }

            using var http = new HttpClient();
            PdfSignatureValidator validator;
            try
            {
                validator = new PdfSignatureValidator(new PdfValidationOptions
                {
                    TrustAnchors = anchors,
                    Crls = crlData,
                    OnlineRevocation = parseResult.GetValue(offline) ? null : RevocationChecker.Create(http),
                    IssuerFetcher = parseResult.GetValue(offline) ? null : new IssuerCertificateFetcher(http),
                });
            }
            catch (Signing.Pki.MalformedPkiDataException e)
            {
                await stderr.WriteLineAsync($"signing verify pdf: a --crl file is not a CRL: {e.Message}");
                return CouldNotRun;
            }

            var runs = Math.Max(1, parseResult.GetValue(repeat));
            var workers = Math.Clamp(parseResult.GetValue(threads), 1, Environment.ProcessorCount * 4);

            Stream Open() => PdfBytes.Open(document);
            var report = await validator.ValidateAsync(Open(), cancellationToken);
            if (runs > 1)
            {
                Task ValidateOnAllWorkers(int count) => Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
                {
                    for (var i = worker; i < count; i += workers)
                    {
                        await validator.ValidateAsync(Open(), cancellationToken);
                    }
                }, cancellationToken)));

                // Untimed first quarter: the JIT's tiering runs on a background thread, which on a two-core machine would
                // otherwise take its time from the second worker and understate the steady-state rate.
                await ValidateOnAllWorkers(runs / 4);
                var allocatedBefore = GC.GetTotalAllocatedBytes();
                var pausedBefore = GC.GetTotalPauseDuration();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await ValidateOnAllWorkers(runs);
                clock.Stop();
                await stderr.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{runs} validations of {document.Length} bytes in {clock.Elapsed.TotalSeconds:F2} s (after {runs / 4} untimed): {runs / clock.Elapsed.TotalSeconds:F1} PDFs/s on {workers} thread(s), {(GC.GetTotalAllocatedBytes() - allocatedBefore) / runs / 1024} KiB allocated per PDF, {100 * (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds / clock.Elapsed.TotalMilliseconds:F1}% of the time paused for GC"));
            }

            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(report.ToJson());
            }
            else
            {
                await WritePdfTextAsync(stdout, report, anchors.Count == 0);
            }

            if (parseResult.GetValue(reportFile) is { } reportPath)
            {
                try
                {
                    await using var reportStream = File.Create(reportPath.FullName);
                    await ValidationReportDocument.WriteAsync(report, parseResult.GetRequiredValue(input).Name,
                        parseResult.GetValue(language) == "en" ? ReportLanguage.English : ReportLanguage.Vietnamese,
                        DateTimeOffset.UtcNow, reportStream, cancellationToken: cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await stderr.WriteLineAsync($"signing verify pdf: cannot write the report: {e.Message}");
                    return CouldNotRun;
                }
            }

            return ExitCode(report.Indication);
        });
        return command;
    }

    /// <summary>
    /// Without --trust: $SIGNING_TRUST, else the dev PKI root that ./run.sh creates (data/pki/root.pem), so a
    /// development checkout trusts its own dev GCC hierarchy and nothing else.
    /// </summary>
    private static FileInfo? DefaultTrust()
    {
        var configured = Environment.GetEnvironmentVariable("SIGNING_TRUST");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new FileInfo(configured);
        }

        var devRoot = new FileInfo(Path.Combine(Environment.GetEnvironmentVariable("Storage__DataDirectory") ?? "data", "pki", "root.pem"));
        return devRoot.Exists ? devRoot : null;
    }

    private static async Task WritePdfTextAsync(TextWriter output, PdfValidationReport report, bool noTrust)
    {
        await output.WriteLineAsync(report.Summary);
        foreach (var signature in report.Signatures)
        {
            await output.WriteLineAsync();
            var kind = signature.Kind == PdfSignatureKind.DocumentTimestamp ? "document timestamp" : "signature";
            await output.WriteLineAsync($"{kind} '{signature.FieldName}' ({signature.SubFilter})");
            await output.WriteLineAsync($"coverage:       {System.Text.Json.JsonSerializer.Serialize(signature.Coverage).Trim('"')}"
                + (signature.Revision is { } revision ? $" (revision {revision})" : string.Empty));
            if (signature.Level is { } level)
            {
                await output.WriteLineAsync($"level:          {System.Text.Json.JsonSerializer.Serialize(level).Trim('"')}");
            }

            foreach (var change in signature.Modifications.OrderBy(m => m.Allowed))
            {
                await output.WriteLineAsync($"  {(change.Allowed ? "allowed    " : "NOT ALLOWED")} object {change.ObjectNumber} {change.Change}: {change.Description}");
            }

            await WriteTextAsync(output, signature.Validation, false);
        }

        if (noTrust)
        {
            await output.WriteLineAsync("note: no --trust given, so no certificate chain can be trusted.");
        }
    }

    private static async Task WriteTextAsync(TextWriter output, ValidationReport report, bool noTrust)
    {
        var indication = System.Text.Json.JsonSerializer.Serialize(report.Indication).Trim('"');
        var sub = report.SubIndication is { } s ? " / " + System.Text.Json.JsonSerializer.Serialize(s).Trim('"') : "";
        await output.WriteLineAsync($"{indication}{sub}");
        var explanation = report.SubIndicationExplanation ?? report.IndicationExplanation;
        await output.WriteLineAsync($"  vi: {explanation.Vi}");
        await output.WriteLineAsync($"  en: {explanation.En}");
        if (report.SignerSubject is not null)
        {
            await output.WriteLineAsync($"signer:         {report.SignerSubject}");
        }

        if (report.ClaimedSigningTime is { } claimed)
        {
            await output.WriteLineAsync($"signing time:   {claimed:O} (claimed)");
        }

        if (report.TimestampTime is { } stamped)
        {
            await output.WriteLineAsync($"timestamp time: {stamped:O}");
        }

        foreach (var check in report.Checks)
        {
            var outcome = System.Text.Json.JsonSerializer.Serialize(check.Outcome).Trim('"');
            await output.WriteLineAsync($"  [{outcome,-13}] {check.Name}: {check.Detail}");
        }

        if (noTrust)
        {
            await output.WriteLineAsync("note: no --trust given, so no certificate chain can be trusted.");
        }
    }
}
