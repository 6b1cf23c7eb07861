namespace Signing.Api.Features.Web;

/// <summary>
/// The URL space of the web app: which requests are pages for people (redirected to sign in, answered with HTML
/// status pages, localised) and which belong to the machine APIs (answered with status codes and problem details).
/// </summary>
public static class WebPaths
{
    /// <summary>The sign-in page, where browsers without a session are sent.</summary>
    public const string SignIn = "/signin";

    /// <summary>The page that explains an error status to a person.</summary>
    public const string Error = "/error";

    // Everything the machine clients call; anything else is the web app's.
    private static readonly PathString[] ApiPrefixes = ["/api", "/csc", "/health", "/dev-pki", "/openapi"];

    /// <summary>Whether <paramref name="path"/> is a page for people rather than an API for machines.</summary>
    public static bool IsPage(PathString path) => !Array.Exists(ApiPrefixes, prefix => path.StartsWithSegments(prefix));

    /// <summary>
    /// <paramref name="returnUrl"/> when it stays on this site (a path such as <c>/verify?x=1</c>), else the home page:
    /// a sign-in link must never carry a person off to another site.
    /// </summary>
    public static string LocalOrHome(string? returnUrl)
    {
        var local = returnUrl is { Length: > 0 }
            && returnUrl[0] == '/'
            && (returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\'))
            && !returnUrl.Any(char.IsControl);
        return local ? returnUrl! : "/";
    }
}
