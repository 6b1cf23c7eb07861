using System.Security.Cryptography;
using System.Text;

namespace Signing.Api.Features.Webhooks;

/// <summary>
/// Signs webhook deliveries the Standard Webhooks way: <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of
/// "{id}.{timestamp}.{body}"&gt;</c> with the subscription's secret (<c>whsec_</c> + base64 key). The id stays the same
/// on every retry; the timestamp and signature are made anew for each attempt.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header carrying the event id.</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The header carrying the attempt's Unix time in seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The header carrying the signature.</summary>
    public const string SignatureHeader = "webhook-signature";

    private const string SecretPrefix = "whsec_";

    /// <summary>A new secret: 32 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The <c>webhook-signature</c> value for one attempt.</summary>
    public static string Sign(string secret, string id, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        CryptographicOperations.ZeroMemory(key);
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>Whether any <c>v1,</c> signature in <paramref name="header"/> matches, compared in constant time.</summary>
    public static bool Verify(string secret, string id, long timestamp, string body, string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var expected = Encoding.ASCII.GetBytes(Sign(secret, id, timestamp, body));
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(candidate => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), expected));
    }
}
