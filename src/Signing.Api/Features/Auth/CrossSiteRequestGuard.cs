using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Signing.Api.Features.Auth;

/// <summary>
/// Refuses writes that a browser sends on behalf of another site. A person's session cookie and a certificate in
/// their browser go with every request the browser makes, including a form another site submits to this service;
/// <c>SameSite=Strict</c> keeps the cookie from foreign sites but not from sibling hosts (<c>*.tinh.gov.vn</c>), and
/// does nothing for certificates. So every POST, PUT, PATCH and DELETE from a browser must come from this service's own
/// pages: <c>Sec-Fetch-Site</c>, when sent, is <c>same-origin</c> (or <c>none</c>, typed by the person), and
/// <c>Origin</c>, when sent, is this service's origin or one of <see cref="AuthOptions.TrustedOrigins"/>. Browsers send
/// at least one of the two on every cross-origin write, so a request with neither is not a browser acting for a foreign
/// page (a calling system, the CLI) and passes. Requests with an API key pass too: no browser adds that header for
/// another site without a CORS preflight, which this service never grants. The web pages' forms also carry antiforgery
/// tokens; this check covers the APIs, which a person's session reaches as well.
/// </summary>
public sealed class CrossSiteRequestGuard(RequestDelegate next, IOptions<AuthOptions> options, IProblemDetailsService problems)
{
    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsTrace(request.Method) || request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName))
        {
            await next(context);
            return;
        }

        if (Refusal(request) is { } reason)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Type = Hosting.ProblemMap.TypePrefix + "cross-site-request",
                    Title = "Cross-site request refused",
                    Detail = reason,
                },
            });
            return;
        }

        await next(context);
    }

    private string? Refusal(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none"))
        {
            return $"The browser says this request comes from a {fetchSite} page (Sec-Fetch-Site); writes are accepted only from this service's own pages.";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsOwnOrTrusted(origin, request))
        {
            return $"Writes from pages of {origin} are not accepted; only this service's own pages may send them.";
        }

        return null;
    }

    private bool IsOwnOrTrusted(string origin, HttpRequest request)
    {
        var own = $"{request.Scheme}://{request.Host.Value}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || options.Value.TrustedOrigins.Exists(trusted => string.Equals(origin, trusted.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }
}
