using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Signing.Api.Hosting;

/// <summary>
/// Configuration section <c>ForwardedHeaders</c>: the reverse proxies whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> the service believes. Only these may name the client's address (used by the login limits and
/// the audit log) and the original scheme (used for HSTS, secure cookies and the same-origin check). With none
/// configured, the headers are ignored and the connection's own address counts, so a client cannot claim to be
/// someone else by sending the header itself.
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of the proxies, such as <c>10.0.0.5</c> or <c>::1</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of the proxies in CIDR notation, such as <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row may each add an address (default 1: one proxy in front of the service).</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        problems.AddRange(KnownProxies.Where(proxy => !IPAddress.TryParse(proxy, out _))
            .Select(proxy => $"ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
        problems.AddRange(KnownNetworks.Where(network => !System.Net.IPNetwork.TryParse(network, out _))
            .Select(network => $"ForwardedHeaders:KnownNetworks: '{network}' is not a network such as 10.0.0.0/24."));
        if (ForwardLimit is < 1 or > 10)
        {
            problems.Add("ForwardedHeaders:ForwardLimit must be between 1 and 10.");
        }

        return problems;
    }

    /// <summary>Applies these settings to ASP.NET's forwarded-headers options, replacing its loopback defaults.</summary>
    public void ApplyTo(ForwardedHeadersOptions forwarded)
    {
        ArgumentNullException.ThrowIfNull(forwarded);
        // ASP.NET believes every sender when both lists are empty: with no proxy configured, believe none.
        forwarded.ForwardedHeaders = KnownProxies.Count + KnownNetworks.Count == 0
            ? ForwardedHeaders.None
            : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.ForwardLimit = ForwardLimit;
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in KnownNetworks)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }
}
