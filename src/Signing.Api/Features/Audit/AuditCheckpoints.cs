using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Tokens;
using Signing.Api.Hosting;
using Signing.Storage.Audit;

namespace Signing.Api.Features.Audit;

/// <summary>Configuration section <c>Audit</c>: who signs checkpoints of the audit chain's head, how often, and who witnesses them.</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Audit";

    /// <summary>
    /// The PKCS#11 URI of the token key that signs checkpoints (RSA or EC), on a token in <c>Pkcs11:Tokens</c>. Without it no
    /// checkpoints are written, and a deleted tail or a restored backup is visible only to the node that wrote the records.
    /// </summary>
    public string? CheckpointKey { get; set; }

    /// <summary>How often a checkpoint is signed when records were added (default one minute); one is also signed at shutdown.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>An optional external witness: each checkpoint is POSTed there as JSON.</summary>
    public Uri? WitnessUrl { get; set; }

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (CheckpointInterval < TimeSpan.FromSeconds(1) || CheckpointInterval > TimeSpan.FromDays(1))
        {
            problems.Add("Audit:CheckpointInterval must be between 00:00:01 and 1.00:00:00.");
        }

        if (CheckpointKey is { Length: > 0 } uri && !uri.StartsWith("pkcs11:", StringComparison.Ordinal))
        {
            problems.Add("Audit:CheckpointKey must be a pkcs11: URI of a key on a configured token.");
        }

        if (WitnessUrl is { } witness && (!witness.IsAbsoluteUri || witness.Scheme is not ("https" or "http")))
        {
            problems.Add("Audit:WitnessUrl must be an absolute http(s) URL.");
        }

        return problems;
    }
}

/// <summary>Signs audit checkpoints with the token key named by <see cref="AuditOptions.CheckpointKey"/>.</summary>
public sealed class TokenCheckpointSigner(TokenKeys tokens, IOptions<AuditOptions> options) : IAuditCheckpointSigner
{
    /// <summary>Whether a checkpoint key is configured.</summary>
    public bool Configured => !string.IsNullOrWhiteSpace(options.Value.CheckpointKey);

    /// <inheritdoc />
    public byte[] PublicKey => Key() switch
    {
        RSA rsa => rsa.ExportSubjectPublicKeyInfo(),
        ECDsa ecdsa => ecdsa.ExportSubjectPublicKeyInfo(),
        var other => throw new CryptographicException($"A {other.GetType().Name} key cannot sign audit checkpoints."),
    };

    /// <inheritdoc />
    public byte[] Sign(byte[] data) => Key() switch
    {
        RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsa ecdsa => ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
        var other => throw new CryptographicException($"A {other.GetType().Name} key cannot sign audit checkpoints."),
    };

    private AsymmetricAlgorithm Key() => tokens.Open(options.Value.CheckpointKey
        ?? throw new InvalidOperationException("Audit:CheckpointKey is not configured.")).PrivateKey;
}

/// <summary>
/// Signs a checkpoint of the audit chain's head every <see cref="AuditOptions.CheckpointInterval"/> (when records were
/// added) and once more when the service stops, keeps it in the database and in the data directory, and sends it to the
/// witness when one is configured. A failure (token away, chain broken) is logged and tried again next time.
/// </summary>
public sealed partial class AuditCheckpointService(
    AuditLog audit, TokenCheckpointSigner signer, NodeIdentity node, IOptions<AuditOptions> options, IHttpClientFactory http,
    ILogger<AuditCheckpointService> logger) : BackgroundService
{
    /// <summary>The named HTTP client for the witness.</summary>
    public const string WitnessClient = "audit-witness";

    /// <summary>Signs a checkpoint now if records were added since the last; returns it, or null.</summary>
    public async Task<AuditCheckpoint?> CheckpointNowAsync(CancellationToken ct)
    {
        if (!signer.Configured)
        {
            return null;
        }

        var checkpoint = await audit.CheckpointAsync(signer, node.Name, ct);
        if (checkpoint is not null && options.Value.WitnessUrl is { } witness)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                (await http.CreateClient(WitnessClient).PostAsJsonAsync(witness, checkpoint, timeout.Token)).EnsureSuccessStatusCode();
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
            {
                LogWitnessFailed(logger, exception, witness);
            }
        }

        return checkpoint;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!signer.Configured)
        {
            LogNoCheckpointKey(logger);
            return;
        }

        using var timer = new PeriodicTimer(options.Value.CheckpointInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TryCheckpointAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync signs the last checkpoint.
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The head at shutdown is signed too, so that the file outside the database covers everything this run wrote.
        await TryCheckpointAsync(cancellationToken);
    }

    private async Task TryCheckpointAsync(CancellationToken ct)
    {
        try
        {
            if (await CheckpointNowAsync(ct) is { } checkpoint)
            {
                LogCheckpoint(logger, checkpoint.Seq);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogCheckpointFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit:CheckpointKey is not configured: no signed checkpoints of the audit chain are written")]
    private static partial void LogNoCheckpointKey(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed an audit checkpoint at record {Seq}")]
    private static partial void LogCheckpoint(ILogger logger, long seq);

    [LoggerMessage(Level = LogLevel.Error, Message = "No audit checkpoint was signed")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit witness {Witness} did not take the checkpoint")]
    private static partial void LogWitnessFailed(ILogger logger, Exception exception, Uri witness);
}

/// <summary>Registers the audit options, the checkpoint signer and the checkpoint service.</summary>
public static class AuditSetup
{
    /// <summary>Adds the audit checkpoints.</summary>
    public static IServiceCollection AddSigningAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditOptions>>(new ProblemListValidator<AuditOptions>(options => options.Problems()));
        services.AddSingleton<TokenCheckpointSigner>();
        services.AddSingleton<AuditCheckpointService>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditCheckpointService>());
        services.AddHttpClient(AuditCheckpointService.WitnessClient);
        return services;
    }
}
