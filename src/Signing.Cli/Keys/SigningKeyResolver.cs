using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Signing.Pkcs11;

namespace Signing.Cli.Keys;

/// <summary>A private key with its certificate and the CA certificates to embed.</summary>
internal sealed record SigningKey(
    AsymmetricAlgorithm PrivateKey, X509Certificate2 Certificate, X509Certificate2Collection Chain, IDisposable? Token = null) : IDisposable
{
    public void Dispose()
    {
        PrivateKey.Dispose();
        Token?.Dispose();
    }
}

/// <summary>Where a token key is reached: the PKCS#11 module and the user PIN (cleared after use).</summary>
internal sealed record TokenAccess(string ModulePath, char[] Pin);

/// <summary>The <c>--key</c> value could not be turned into a signing key.</summary>
internal sealed class KeyResolutionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Turns a <c>--key</c> reference into a signing key. The single place every command resolves keys,
/// so token-backed keys (<c>pkcs11:</c> URIs, RFC 7512) plug in here.
/// </summary>
internal static class SigningKeyResolver
{
    /// <summary>Environment variable holding the PKCS#12 (or encrypted PEM key) password.</summary>
    internal const string PasswordVariable = "SIGNING_KEY_PASSWORD";

    private const int MaxKeyFileBytes = 1024 * 1024;

    /// <summary>
    /// Resolves <paramref name="keyReference"/>: a PEM file holding a private key and certificate(s), or a PKCS#12 file
    /// (password from <c>SIGNING_KEY_PASSWORD</c>).
    /// </summary>
    /// <exception cref="KeyResolutionException">The reference cannot be used; the message says why.</exception>
    internal static SigningKey Resolve(string keyReference, Func<TokenAccess>? tokenAccess = null, string? chainFile = null)
    {
        if (keyReference.StartsWith("pkcs11:", StringComparison.OrdinalIgnoreCase))
        {
            return tokenAccess is null
                ? throw new KeyResolutionException($"'{keyReference}' is a token key; this command has no --module/--pin-file to reach it.")
                : FromToken(keyReference, tokenAccess(), chainFile);
        }

        var file = new FileInfo(keyReference);
        if (!file.Exists)
        {
            throw new KeyResolutionException($"Key file '{keyReference}' does not exist.");
        }

        if (file.Length > MaxKeyFileBytes)
        {
            throw new KeyResolutionException($"Key file '{keyReference}' is {file.Length} bytes; a key file is at most {MaxKeyFileBytes}.");
        }

        var bytes = File.ReadAllBytes(file.FullName);
        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        try
        {
            var key = bytes.AsSpan().TrimStart("\r\n\t "u8).StartsWith("-----BEGIN"u8)
                ? FromPem(Encoding.ASCII.GetString(bytes), password, keyReference)
                : FromPkcs12(bytes, password, keyReference);
            if (chainFile is not null)
            {
                // Extra CA certificates (e.g. the root, which long-term validation data needs) beyond those in the key file.
                key.Chain.ImportFromPemFile(chainFile);
            }

            return key;
        }
        catch (CryptographicException e)
        {
            throw new KeyResolutionException($"Key file '{keyReference}' cannot be read: {e.Message}", e);
        }
    }

    private static SigningKey FromToken(string uri, TokenAccess access, string? chainFile)
    {
        Pkcs11SigningKey? tokenKey = null;
        try
        {
            tokenKey = Pkcs11SigningKey.Open(access.ModulePath, uri, access.Pin);
            if (tokenKey.Certificate is null)
            {
                throw new KeyResolutionException(
                    $"The token holds no certificate for '{uri}' (same CKA_ID); store one with 'signing cert import --key URI --cert FILE'.");
            }

            var chain = new X509Certificate2Collection();
            if (chainFile is not null)
            {
                chain.ImportFromPemFile(chainFile);
            }

            return new SigningKey(tokenKey.PrivateKey, tokenKey.Certificate, chain, tokenKey);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException or FormatException)
        {
            tokenKey?.Dispose();
            throw new KeyResolutionException($"Token key '{uri}' cannot be used: {exception.Message}", exception);
        }
        catch
        {
            tokenKey?.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(access.Pin.AsSpan()));
        }
    }

    private static SigningKey FromPem(string pem, string? password, string source)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(pem);
        if (certificates.Count == 0)
        {
            throw new KeyResolutionException($"'{source}' holds no CERTIFICATE block; put the signer's certificate after the key.");
        }

        foreach (var certificate in certificates)
        {
            var withKey = TryAttachKey(certificate, pem, password);
            if (withKey is not null)
            {
                return Split(withKey, certificates);
            }
        }

        throw new KeyResolutionException($"'{source}' holds no private key matching any of its certificates (encrypted keys need {PasswordVariable}).");
    }

    private static X509Certificate2? TryAttachKey(X509Certificate2 certificate, string pem, string? password)
    {
        try
        {
            return password is null
                ? X509Certificate2.CreateFromPem(certificate.ExportCertificatePem(), pem)
                : X509Certificate2.CreateFromEncryptedPem(certificate.ExportCertificatePem(), pem, password);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static SigningKey FromPkcs12(byte[] bytes, string? password, string source)
    {
        var collection = X509CertificateLoader.LoadPkcs12Collection(bytes, password, X509KeyStorageFlags.EphemeralKeySet);
        var signer = collection.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw new KeyResolutionException($"PKCS#12 file '{source}' holds no private key.");
        return Split(signer, collection);
    }

    private static SigningKey Split(X509Certificate2 signer, X509Certificate2Collection all)
    {
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)signer.GetRSAPrivateKey() ?? signer.GetECDsaPrivateKey()
            ?? throw new KeyResolutionException($"The key of '{signer.Subject}' is neither RSA nor ECDSA.");
        var chain = new X509Certificate2Collection();
        foreach (var certificate in all)
        {
            if (certificate.Thumbprint != signer.Thumbprint)
            {
                chain.Add(certificate);
            }
        }

        return new SigningKey(key, signer, chain);
    }
}
