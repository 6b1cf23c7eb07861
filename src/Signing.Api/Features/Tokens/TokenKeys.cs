using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Signing.Pkcs11;

namespace Signing.Api.Features.Tokens;

/// <summary>
/// Opens token keys by their registry PKCS#11 URI with the configured PIN and keeps them open: a key is found and
/// logged in once per process, then every request signs through the token's session pool.
/// </summary>
public sealed class TokenKeys(IOptions<TokenOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Pkcs11SigningKey>> _keys = new(StringComparer.Ordinal);
    private readonly Lock _moduleLock = new();
    private Pkcs11Module? _module;
    private bool _disposed;

    /// <summary>The key named by <paramref name="uri"/>, opened and logged in on first use.</summary>
    /// <exception cref="TokenNotConfiguredException">The URI names a token the service has no PIN for.</exception>
    /// <exception cref="Pkcs11Exception">A PKCS#11 call failed.</exception>
    /// <exception cref="Pkcs11TokenException">No such token or key, or the PIN is locked.</exception>
    public Pkcs11SigningKey Open(string uri)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var entry = _keys.GetOrAdd(uri, key => new Lazy<Pkcs11SigningKey>(() => OpenUncached(key), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return entry.Value;
        }
        catch
        {
            // A failed open (token unplugged, wrong PIN file) must not stick: the next request tries again.
            _keys.TryRemove(KeyValuePair.Create(uri, entry));
            throw;
        }
    }

    /// <summary>Checks that a configured token is present and logged in (logging in when it is not); returns a problem or null.</summary>
    public string? CheckToken(ConfiguredToken token)
    {
        try
        {
            var module = Module();
            var opened = module.OpenToken(token.Label);
            if (!opened.IsLoggedIn)
            {
                WithPin(token, pin => opened.Login(pin));
            }

            // Ask the token itself: a logged-in state cached from before an unplugged USB token or a dead HSM link
            // would otherwise read as ready until the next signature fails. C_GetTokenInfo answers
            // CKR_TOKEN_NOT_PRESENT / CKR_DEVICE_REMOVED then, and the binding drops the connection to reconnect.
            opened.GetInfo();
            return opened.IsLoggedIn ? null : $"token '{token.Label}' is present but not logged in";
        }
        catch (CryptographicException exception)
        {
            return $"token '{token.Label}': {exception.Message}";
        }
        catch (IOException exception)
        {
            return $"token '{token.Label}': PIN file unreadable ({exception.GetType().Name})";
        }
    }

    /// <summary>The labels of the tokens the service has a PIN for.</summary>
    public IReadOnlyList<string> Labels => [.. options.Value.Tokens.Select(token => token.Label)];

    /// <summary>
    /// The configured token labelled <paramref name="label"/>, logged in with its PIN: for scanning its certificates and
    /// generating keys on it. Keys are then opened by URI through <see cref="Open"/>.
    /// </summary>
    /// <exception cref="TokenNotConfiguredException">No configured token has this label.</exception>
    /// <exception cref="Pkcs11Exception">A PKCS#11 call failed.</exception>
    /// <exception cref="Pkcs11TokenException">The token is absent or its PIN is locked.</exception>
    public Pkcs11Token OpenToken(string label)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var token = options.Value.Tokens.FirstOrDefault(candidate => string.Equals(candidate.Label, label, StringComparison.Ordinal))
            ?? throw new TokenNotConfiguredException($"Token '{label}' is not configured in Pkcs11:Tokens, so the service has no PIN for it.");
        var opened = Module().OpenToken(token.Label);
        if (!opened.IsLoggedIn)
        {
            WithPin(token, pin => opened.Login(pin));
        }

        return opened;
    }

    private Pkcs11SigningKey OpenUncached(string uri)
    {
        var parsed = Pkcs11Uri.Parse(uri);
        var token = options.Value.Tokens.FirstOrDefault(candidate => string.Equals(candidate.Label, parsed.Token, StringComparison.Ordinal))
            ?? throw new TokenNotConfiguredException($"The key's token '{parsed.Token}' is not configured in Pkcs11:Tokens, so the service has no PIN for it.");
        return WithPin(token, pin => Pkcs11SigningKey.Open(options.Value.Module!, uri, pin));
    }

    private Pkcs11Module Module()
    {
        lock (_moduleLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _module ??= Pkcs11Module.Load(options.Value.Module
                ?? throw new TokenNotConfiguredException("Pkcs11:Module is not configured."));
        }
    }

    private static T WithPin<T>(ConfiguredToken token, Func<char[], T> use)
    {
        var bytes = File.ReadAllBytes(token.PinFile);
        var chars = Encoding.UTF8.GetChars(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        var length = chars.Length;
        while (length > 0 && char.IsWhiteSpace(chars[length - 1]))
        {
            length--;
        }

        var pin = chars[..length];
        Array.Clear(chars);
        try
        {
            return use(pin);
        }
        finally
        {
            Array.Clear(pin);
        }
    }

    private static void WithPin(ConfiguredToken token, Action<char[]> use) => WithPin(token, pin =>
    {
        use(pin);
        return true;
    });

    /// <summary>Closes every cached key and releases the module.</summary>
    public void Dispose()
    {
        lock (_moduleLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        foreach (var entry in _keys.Values.Where(entry => entry.IsValueCreated))
        {
            entry.Value.Dispose();
        }

        _keys.Clear();
        _module?.Dispose();
    }
}

/// <summary>A key's token is not among the configured tokens, so the service cannot log in to it.</summary>
public sealed class TokenNotConfiguredException(string message) : Exception(message);
