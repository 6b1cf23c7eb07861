using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Web;
using Signing.Storage;

namespace Signing.Api.Hosting;

/// <summary>Cross-cutting service set-up: errors, limits, health, OpenAPI, logging and shutdown.</summary>
public static class ServiceHosting
{
    /// <summary>Health checks tagged with this run for <c>/health/ready</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// How much of an upload is buffered in memory before it spills to a temporary file, for the form reader and for
    /// bodies read twice (the idempotency fingerprint). The framework defaults (30 and 64 KiB) sent every ordinary
    /// document through a file written and read back per request; the endpoints hold the PDF in memory anyway.
    /// </summary>
    public const int UploadMemoryBufferBytes = 1024 * 1024;

    /// <summary>Registers the cross-cutting services.</summary>
    public static WebApplicationBuilder AddServiceHosting(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LimitsOptions>>(new ProblemListValidator<LimitsOptions>(options => options.Problems()));
        var limits = builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = limits.MaxDocumentBytes;
            kestrel.AddServerHeader = false;
            // The client-certificate handler validates chains against our own client CAs and
            // explains failures; the TLS layer only collects the certificate.
            kestrel.ConfigureHttpsDefaults(https => https.AllowAnyClientCertificate());
        });
        services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = limits.MaxDocumentBytes;
            form.MemoryBufferThreshold = UploadMemoryBufferBytes;
        });

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ApiExceptionHandler>();

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        services.AddOpenApi();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
        });
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>>(new ProblemListValidator<ProxyOptions>(options => options.Problems()));
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) => proxies.Value.ApplyTo(forwarded));

        var keysDirectory = builder.Configuration["DataProtection:KeysDirectory"]
            ?? Path.Combine(builder.Configuration[$"{StorageOptions.Section}:DataDirectory"] ?? "data", "keys");
        // Sessions must survive restarts, and every node must read the others' cookies.
        services.AddDataProtection().SetApplicationName("signing").PersistKeysToFileSystem(new DirectoryInfo(keysDirectory));

        services.Configure<HostOptions>(host => host.ShutdownTimeout =
            builder.Configuration.GetValue("Hosting:ShutdownTimeout", TimeSpan.FromSeconds(30)));
        if (builder.Configuration.GetValue("Logging:Json", !builder.Environment.IsDevelopment()))
        {
            builder.Logging.AddJsonConsole(json => json.IncludeScopes = true);
        }

        return builder;
    }

    /// <summary>Adds the cross-cutting middleware (and the web pages' headers, static files and status pages) and the health and OpenAPI endpoints.</summary>
    public static WebApplication UseServiceHosting(this WebApplication app)
    {
        // First: every later step (login limits, audit, HSTS, the same-origin check) sees the client's address and scheme.
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // After the API's status pages, so a page request's HTML status page is written first.
        app.UseWebPages();
        app.UseMiddleware<CrossSiteRequestGuard>();
        app.UseMiddleware<UnexpectedBodyGuard>();
        app.UseMiddleware<RequestSizeLimitMiddleware>();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseMiddleware<IdempotencyMiddleware>();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResultStatusCodes = { [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable },
            ResponseWriter = WriteReadinessAsync,
        }).AllowAnonymous();
        app.MapOpenApi();
        app.MapStoredResultEndpoints();
        return app;
    }

    // Operators need to see which check failed and why (e.g. "token 'dev': not present"), not just "Unhealthy".
    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        if (report.Status == HealthStatus.Healthy)
        {
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync(report.Status.ToString());
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(entry => entry.Key, entry => new
            {
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description,
            }),
        });
    }
}
