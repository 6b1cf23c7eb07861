using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pkcs11;

/// <summary>
/// The entry point for code that just wants to sign with a token key: loads the module,
/// finds the token and key by PKCS#11 URI, logs in, and exposes the key as a .NET
/// <see cref="AsymmetricAlgorithm"/> together with the certificate stored under the same
/// CKA_ID. Dispose releases the module reference (the login stays while other users of the
/// same module and token remain).
/// </summary>
public sealed class Pkcs11SigningKey : IDisposable
{
    private readonly Pkcs11Module _module;
    private bool _disposed;

    private Pkcs11SigningKey(Pkcs11Module module, Pkcs11PrivateKey key, AsymmetricAlgorithm privateKey, X509Certificate2? certificate)
    {
        _module = module;
        Key = key;
        PrivateKey = privateKey;
        Certificate = certificate;
    }

    /// <summary>The token key.</summary>
    public Pkcs11PrivateKey Key { get; }

    /// <summary>The key as <see cref="Pkcs11Rsa"/> or <see cref="Pkcs11ECDsa"/>.</summary>
    public AsymmetricAlgorithm PrivateKey { get; }

    /// <summary>The X.509 certificate on the token with the key's CKA_ID, or null.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>
    /// Opens the key named by <paramref name="keyUri"/> (e.g. <c>pkcs11:token=dev;object=seal;type=private</c>)
    /// in the module at <paramref name="modulePath"/>, logging in with <paramref name="pin"/>.
    /// </summary>
    /// <exception cref="FormatException">The URI is malformed.</exception>
    /// <exception cref="Pkcs11Exception">A PKCS#11 call failed (e.g. CKR_PIN_INCORRECT).</exception>
    /// <exception cref="Pkcs11TokenException">No such module, token or key; PIN locked or on its final try.</exception>
    public static Pkcs11SigningKey Open(string modulePath, string keyUri, ReadOnlySpan<char> pin, Pkcs11TokenOptions? options = null)
    {
        var uri = Pkcs11Uri.Parse(keyUri);
        if (uri.Token is null && uri.Serial is null)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.InvalidArgument, $"Key URI {uri} names no token: add token= or serial=.");
        }

        var module = Pkcs11Module.Load(modulePath);
        try
        {
            var token = module.OpenToken(uri.Token, uri.Serial, options);
            token.Login(pin);
            var key = token.OpenPrivateKey(uri);
            var certificate = key.Id.IsEmpty ? null : token.FindCertificate(key.Id);
            return new Pkcs11SigningKey(module, key, key.CreateAsymmetricAlgorithm(), certificate);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <summary>Disposes the .NET key and certificate objects and releases the module reference.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        PrivateKey.Dispose();
        Certificate?.Dispose();
        _module.Dispose();
    }
}
