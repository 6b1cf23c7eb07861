using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Signing.Cli.Commands;

/// <summary>
/// A remote-signing request to the service failed: the message names the step (<c>auth/login</c>,
/// <c>credentials/info</c>, …) and what the service or the network said, on one line, without secrets.
/// </summary>
internal sealed class CscRequestException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What <c>credentials/info</c> says about a credential: its certificate, the CA certificates and the key's algorithms.</summary>
/// <param name="Certificate">The signer's certificate.</param>
/// <param name="Chain">The CA certificates the service registered with the key (issuing CA first).</param>
/// <param name="KeyAlgorithms">The <c>key.algo</c> OIDs the service signs with.</param>
internal sealed record CscCredential(X509Certificate2 Certificate, X509Certificate2Collection Chain, IReadOnlyList<string> KeyAlgorithms);

/// <summary>
/// The client side of the service's Cloud Signature Consortium API v1 (1.0.4) for one official: a cookie session from
/// <c>POST /api/v1/auth/login</c>, then <c>credentials/info</c>, <c>credentials/authorize</c> and <c>signatures/signHash</c>.
/// Every answer is buffered up to <see cref="MaxResponseBytes"/>; the password, PIN, SAD and cookie never reach a message.
/// </summary>
internal sealed class CscClient : IDisposable
{
    /// <summary>The largest answer read (a credential with its chain is a few kilobytes).</summary>
    internal const int MaxResponseBytes = 1024 * 1024;

    /// <summary>How long one request may take.</summary>
    internal static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    private const int MaxCertificates = 10;
    private const int MaxMessageChars = 300;

    // CSC names members exactly (credentialID, numSignatures, hashAlgo); the web default would camel-case nothing here
    // but would lower "PIN" and "SAD", so names are kept as written.
    private static readonly JsonSerializerOptions ExactNames = new() { PropertyNamingPolicy = null };

    private readonly HttpClient _http;
    private readonly Uri _service;

    /// <summary>A client for the service at <paramref name="serviceUrl"/> (e.g. http://127.0.0.1:5080).</summary>
    public CscClient(Uri serviceUrl)
    {
        _service = serviceUrl;
        var handler = new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        var baseAddress = serviceUrl.AbsoluteUri.EndsWith('/') ? serviceUrl : new Uri(serviceUrl.AbsoluteUri + "/");
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = RequestTimeout, MaxResponseContentBufferSize = MaxResponseBytes };
    }

    /// <summary>Signs in with a password; the session cookie is kept for the calls that follow.</summary>
    public async Task LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        using var body = JsonContent.Create(new { username, password });
        await PostAsync("auth/login", "api/v1/auth/login", body, cancellationToken);
    }

    /// <summary>
    /// <c>credentials/info</c> with the chain and certInfo: refuses a disabled key or a certificate whose status is not <c>valid</c>.
    /// </summary>
    public async Task<CscCredential> GetCredentialAsync(string credentialId, CancellationToken cancellationToken)
    {
        const string step = "credentials/info";
        using var body = JsonContent.Create(new { credentialID = credentialId, certificates = "chain", certInfo = true }, options: ExactNames);
        var info = await PostAsync(step, "csc/v1/credentials/info", body, cancellationToken);
        var keyStatus = Text(Member(info, step, "key", "status"));
        if (keyStatus != "enabled")
        {
            throw new CscRequestException($"{step}: the key of credential '{credentialId}' is '{Clip(keyStatus)}', not enabled; it cannot sign.");
        }

        var certificateStatus = Text(Member(info, step, "cert", "status"));
        if (certificateStatus != "valid")
        {
            throw new CscRequestException($"{step}: the certificate of credential '{credentialId}' is '{Clip(certificateStatus)}', not valid; it cannot sign.");
        }

        var algorithms = Member(info, step, "key", "algo");
        var encoded = Member(info, step, "cert", "certificates");
        if (algorithms.ValueKind != JsonValueKind.Array || encoded.ValueKind != JsonValueKind.Array
            || encoded.GetArrayLength() is < 1 or > MaxCertificates)
        {
            throw new CscRequestException($"{step}: key.algo must be an array and cert.certificates an array of 1 to {MaxCertificates} certificates.");
        }

        var certificates = new List<X509Certificate2>();
        try
        {
            foreach (var item in encoded.EnumerateArray())
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(Text(item))));
            }
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            throw new CscRequestException($"{step}: cert.certificates holds something that is not a base64 DER certificate: {e.Message}", e);
        }

        return new CscCredential(certificates[0], [.. certificates.Skip(1)], [.. algorithms.EnumerateArray().Select(Text)]);
    }

    /// <summary>
    /// <c>credentials/authorize</c> for exactly one hash; returns the SAD. The PIN never becomes a string: it is written
    /// into a request buffer that is cleared after sending (the HTTP stack may still hold copies in its pooled buffers).
    /// </summary>
    public async Task<string> AuthorizeAsync(string credentialId, ReadOnlyMemory<byte> hash, ReadOnlyMemory<char> pin, CancellationToken cancellationToken)
    {
        const string step = "credentials/authorize";
        var buffer = new ArrayBufferWriter<byte>(1024);
        try
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("credentialID", credentialId);
                writer.WriteNumber("numSignatures", 1);
                writer.WriteStartArray("hash");
                writer.WriteStringValue(Convert.ToBase64String(hash.Span));
                writer.WriteEndArray();
                writer.WriteString("PIN", pin.Span);
                writer.WriteEndObject();
            }

            using var body = new ReadOnlyMemoryContent(buffer.WrittenMemory);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var answer = await PostAsync(step, "csc/v1/credentials/authorize", body, cancellationToken);
            return Text(Member(answer, step, "SAD")) is { Length: > 0 } sad
                ? sad
                : throw new CscRequestException($"{step}: the answer has an empty SAD.");
        }
        finally
        {
            buffer.Clear();
        }
    }

    /// <summary><c>signatures/signHash</c> of one SHA-256 hash with the given signature algorithm OID; returns the signature value.</summary>
    public async Task<byte[]> SignHashAsync(string credentialId, string sad, ReadOnlyMemory<byte> hash, string signAlgorithm, CancellationToken cancellationToken)
    {
        const string step = "signatures/signHash";
        using var body = JsonContent.Create(
            new { credentialID = credentialId, SAD = sad, hash = new[] { Convert.ToBase64String(hash.Span) }, hashAlgo = CscAlgorithms.Sha256, signAlgo = signAlgorithm },
            options: ExactNames);
        var signatures = Member(await PostAsync(step, "csc/v1/signatures/signHash", body, cancellationToken), step, "signatures");
        if (signatures.ValueKind != JsonValueKind.Array || signatures.GetArrayLength() != 1)
        {
            throw new CscRequestException($"{step}: the answer must hold exactly one signature for the one hash sent.");
        }

        try
        {
            return Convert.FromBase64String(Text(signatures[0]));
        }
        catch (FormatException e)
        {
            throw new CscRequestException($"{step}: the signature is not base64.", e);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonElement> PostAsync(string step, string path, HttpContent body, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            // The default completion buffers the whole answer, so MaxResponseContentBufferSize bounds what is read.
            response = await _http.PostAsync(path, body, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CscRequestException($"{step} failed: {new Uri(_http.BaseAddress!, path).GetLeftPart(UriPartial.Path)}: {Clip(e.Message)}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CscRequestException($"{step} failed: no answer from {_service} within {RequestTimeout.TotalSeconds:0} s.", e);
        }

        using (response)
        {
            JsonElement? answer = null;
            if (response.Content.Headers.ContentLength is not 0 && response.StatusCode != HttpStatusCode.NoContent)
            {
                try
                {
                    answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                }
                catch (JsonException) when (!response.IsSuccessStatusCode)
                {
                    // A proxy's HTML error page: the status line says enough.
                }
                catch (JsonException e)
                {
                    throw new CscRequestException($"{step}: the answer is not JSON: {Clip(e.Message)}", e);
                }
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new CscRequestException($"{step} refused: {DescribeError(response, answer, step)}");
            }

            return answer ?? default;
        }
    }

    private string DescribeError(HttpResponseMessage response, JsonElement? answer, string step)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        string description;
        if (answer is { ValueKind: JsonValueKind.Object } error && error.TryGetProperty("error", out var code) && code.ValueKind == JsonValueKind.String)
        {
            // CSC error body: {error, error_description}.
            description = error.TryGetProperty("error_description", out var text) ? $"{code.GetString()}: {Text(text)}" : code.GetString()!;
        }
        else if (answer is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("title", out var title))
        {
            // RFC 7807 problem details.
            description = problem.TryGetProperty("detail", out var detail) ? $"{status}: {Text(title)}: {Text(detail)}" : $"{status}: {Text(title)}";
        }
        else
        {
            description = $"HTTP {status}";
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized && step != "auth/login" && _service.Scheme == Uri.UriSchemeHttp)
        {
            description += " (outside Development the session cookie travels over HTTPS only: use an https:// --csc URL)";
        }

        return Clip(description);
    }

    private static JsonElement Member(JsonElement answer, string step, params string[] path)
    {
        var current = answer;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                throw new CscRequestException($"{step}: the answer lacks '{string.Join('.', path)}'.");
            }
        }

        return current;
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    /// <summary>Keeps a message from the network to one bounded line.</summary>
    private static string Clip(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= MaxMessageChars ? line : line[..MaxMessageChars] + "…";
    }
}

/// <summary>The algorithm OIDs the CSC calls use.</summary>
internal static class CscAlgorithms
{
    /// <summary>id-sha256 (RFC 5758).</summary>
    public const string Sha256 = "2.16.840.1.101.3.4.2.1";

    /// <summary>rsaEncryption (RFC 8017), which the service lists for RSA keys alongside sha256WithRSAEncryption.</summary>
    public const string RsaEncryption = "1.2.840.113549.1.1.1";

    /// <summary>sha256WithRSAEncryption (RFC 8017): PKCS#1 v1.5.</summary>
    public const string Sha256WithRsa = "1.2.840.113549.1.1.11";

    /// <summary>ecdsa-with-SHA256 (RFC 5758).</summary>
    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
}
