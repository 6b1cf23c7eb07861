namespace Signing.Api.Features.Web;

/// <summary>Configuration section <c>Web</c>: the web app for people.</summary>
public sealed class WebOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Web";

    /// <summary>
    /// Where the GCC desk signer listens on the person's own computer (default <c>wss://127.0.0.1:8987</c>): the request
    /// page hands it the one-time URLs there, and the Content-Security-Policy lets pages connect to it and nowhere else.
    /// </summary>
    public string DeskSignerUrl { get; set; } = "wss://127.0.0.1:8987";

    /// <summary>The desk signer's origin (<c>wss://127.0.0.1:8987</c>) for the <c>connect-src</c> directive.</summary>
    public string DeskSignerOrigin => new Uri(DeskSignerUrl).GetLeftPart(UriPartial.Authority);

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
        => Uri.TryCreate(DeskSignerUrl, UriKind.Absolute, out var url) && url.Scheme is "wss" or "ws" && !url.Authority.Contains(';', StringComparison.Ordinal)
            ? []
            : [$"Web:DeskSignerUrl '{DeskSignerUrl}' must be an absolute ws:// or wss:// URL."];
}
