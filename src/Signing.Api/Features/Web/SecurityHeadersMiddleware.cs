using Microsoft.Extensions.Options;

namespace Signing.Api.Features.Web;

/// <summary>
/// Adds the browser security headers to every response, pages and APIs alike (they cost machines nothing): a
/// Content-Security-Policy that allows only this site's own scripts, styles, images, fonts, workers and connections
/// (no inline script, so no nonce is needed) plus a connection to the desk signer on the person's own computer, no
/// framing, no MIME sniffing and no referrer sent to other sites. HTML pages and API replies carry a person's data,
/// signed documents or secrets, so no cache keeps them (<c>Cache-Control: no-store</c>); only static files may be
/// cached. Over HTTPS (also when a known proxy says the client used it) browsers are told to use nothing else for a
/// year (HSTS); over plain HTTP the header means nothing and is left out, as RFC 6797 asks.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, IOptions<WebOptions> options)
{
    /// <summary>
    /// The policy: same-origin only, except that scripts may open a WebSocket to the GCC desk signer
    /// (<see cref="WebOptions.DeskSignerUrl"/>); no plugins, no framing, forms post only here.
    /// </summary>
    public string ContentSecurityPolicy { get; } =
        $"default-src 'self'; connect-src 'self' {options.Value.DeskSignerOrigin}; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The HSTS policy: one year, this host only (sibling hosts of a provincial domain are not ours to bind).</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>Runs the middleware.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Set when the response starts: an exception handler or status page clears headers set earlier.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.TryAdd("Content-Security-Policy", ContentSecurityPolicy);
            headers.TryAdd("X-Content-Type-Options", "nosniff");
            headers.TryAdd("Referrer-Policy", "same-origin");
            headers.TryAdd("X-Frame-Options", "DENY");
            headers.TryAdd("Cross-Origin-Opener-Policy", "same-origin");
            if (context.Request.IsHttps)
            {
                headers.TryAdd("Strict-Transport-Security", StrictTransportSecurity);
            }

            if (!WebPaths.IsPage(context.Request.Path)
                || context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                headers.TryAdd("Cache-Control", "no-store");
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
