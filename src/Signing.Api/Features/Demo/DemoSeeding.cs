using Microsoft.Extensions.Options;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Demo;

/// <summary>One feature's demo data for the demo agency, so that a newcomer's first look finds something to do.</summary>
public interface IDemoSeed
{
    /// <summary>What it seeds, for the log.</summary>
    string Name { get; }

    /// <summary>Seeds <paramref name="agency"/> once; running it again on seeded data changes nothing.</summary>
    Task SeedAsync(Agency agency, CancellationToken ct);
}

/// <summary>Configuration section <c>Demo</c>: ./run.sh turns seeding on for the demo agency <c>signing demo init</c> made.</summary>
public sealed class DemoOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Demo";

    /// <summary>Whether demo data is seeded at start-up (default false; ./run.sh sets it).</summary>
    public bool Seed { get; set; }

    /// <summary>The demo agency's identifier code.</summary>
    public string AgencyCode { get; set; } = "000.00.99.H42";
}

/// <summary>Registers demo seeding.</summary>
public static class DemoSetup
{
    /// <summary>Registers the seeder; features add their own <see cref="IDemoSeed"/>.</summary>
    public static IServiceCollection AddDemoSeeding(this IServiceCollection services)
    {
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
        services.AddHostedService<DemoSeeder>();
        return services;
    }
}

/// <summary>Runs every feature's <see cref="IDemoSeed"/> at start-up when <c>Demo:Seed</c> is on and the demo agency exists.</summary>
public sealed partial class DemoSeeder(IEnumerable<IDemoSeed> seeds, AccountStore accounts, IOptions<DemoOptions> options, ILogger<DemoSeeder> logger)
    : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Seed)
        {
            return;
        }

        var agency = await accounts.FindAgencyByCodeAsync(options.Value.AgencyCode, cancellationToken);
        if (agency is null)
        {
            LogNoAgency(logger, options.Value.AgencyCode);
            return;
        }

        foreach (var seed in seeds)
        {
            await seed.SeedAsync(agency, cancellationToken);
            LogSeeded(logger, seed.Name, agency.Code);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo seeding is on but no agency has the code {Code}; run 'signing demo init' first")]
    private static partial void LogNoAgency(ILogger logger, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: {Seed} for agency {Code}")]
    private static partial void LogSeeded(ILogger logger, string seed, string code);
}
