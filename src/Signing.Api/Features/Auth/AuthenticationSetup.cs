using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Signing.Api.Features.Web;
using Signing.Api.Hosting;
using Signing.Pki.Revocation;
using Signing.Storage.Accounts;

namespace Signing.Api.Features.Auth;

/// <summary>Registers the authentication schemes and the authorisation policies.</summary>
public static class AuthenticationSetup
{
    /// <summary>Chooses among API key, client certificate and cookie per request.</summary>
    public const string SelectorScheme = "Signing";

    /// <summary>Policy: the principal holds the <c>admin</c> role.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>Policy: the principal holds the <c>auditor</c> or <c>admin</c> role.</summary>
    public const string AuditReaderPolicy = "audit-reader";

    /// <summary>Policy: the principal manages the agency's signing keys (<c>admin</c> or <c>cert-admin</c>).</summary>
    public const string KeyAdminPolicy = "key-admin";

    /// <summary>Policy: the principal is a calling system with the <c>caller</c> role.</summary>
    public const string CallerPolicy = "caller";

    /// <summary>Policy: the principal is a person (the web pages are for people, not for calling systems).</summary>
    public const string PersonPolicy = "person";

    /// <summary>Adds authentication and authorisation. Every endpoint requires an authenticated principal unless it opts out.</summary>
    public static IServiceCollection AddSigningAuthentication(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<AuthOptions>>(
            new ProblemListValidator<AuthOptions>(options => options.Problems()));
        services.AddScoped<SignInService>();
        services.AddMemoryCache();
        services.AddSingleton<ServerSessions>();
        services.AddSingleton<LoginThrottle>();
        services.AddHostedService<SessionSweeper>();
        services.AddHttpClient();
        // One checker per node: its OCSP and CRL caches serve client certificates, signing keys, B-LT signatures and verification.
        services.TryAddSingleton(provider => RevocationChecker.Create(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(Keys.KeyRevocationCache.HttpClientName),
            new RevocationClientOptions { Time = provider.GetRequiredService<TimeProvider>() }));

        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "API key, client certificate or session", policy =>
            {
                // Web pages know people by their session only: a certificate opens one through the sign-in page
                // (audited, and ended by signing out), never page by page.
                policy.ForwardDefaultSelector = context =>
                    WebPaths.IsPage(context.Request.Path)
                        ? CookieAuthenticationDefaults.AuthenticationScheme
                        : context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                            ? ApiKeyAuthenticationHandler.SchemeName
                            : context.Connection.ClientCertificate is not null
                                ? ClientCertificateAuthentication.SchemeName
                                : CookieAuthenticationDefaults.AuthenticationScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddClientCertificate()
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, cookie =>
            {
                cookie.Cookie.Name = "signing.session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.SlidingExpiration = true;
                cookie.Events.OnValidatePrincipal = SessionValidator.ValidateAsync;
                // A browser asking for a page goes to the sign-in page and comes back; an API answers with status
                // codes, never with redirects to a login page.
                cookie.LoginPath = WebPaths.SignIn;
                cookie.Events.OnRedirectToLogin = context =>
                {
                    if (WebPaths.IsPage(context.Request.Path))
                    {
                        context.Response.Redirect(context.RedirectUri);
                        return Task.CompletedTask;
                    }

                    return AuthenticationProblems.ChallengeAsync(context.HttpContext, null, cookie.Cookie.Name);
                };
                cookie.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<AuthOptions>, IHostEnvironment>((cookie, auth, environment) =>
            {
                cookie.ExpireTimeSpan = auth.Value.SessionIdleTimeout;
                // Only the local development run serves people over plain HTTP.
                cookie.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(Roles.Admin))
            .AddPolicy(KeyAdminPolicy, policy => policy.RequireRole(Roles.Admin, Roles.CertAdmin))
            .AddPolicy(AuditReaderPolicy, policy => policy.RequireRole(Roles.Auditor, Roles.Admin))
            .AddPolicy(CallerPolicy, policy => policy.RequireRole(Roles.Caller).RequireClaim(SigningPrincipal.KindClaim, "client"))
            .AddPolicy(PersonPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(SigningPrincipal.KindClaim, Actor.User));
        return services;
    }
}
