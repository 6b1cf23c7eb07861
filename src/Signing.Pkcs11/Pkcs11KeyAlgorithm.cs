namespace Signing.Pkcs11;

/// <summary>Key pairs this service generates on tokens.</summary>
public enum Pkcs11KeyAlgorithm
{
    /// <summary>RSA with a 2048-bit modulus and exponent 65537.</summary>
    Rsa2048,

    /// <summary>RSA with a 3072-bit modulus and exponent 65537.</summary>
    Rsa3072,

    /// <summary>RSA with a 4096-bit modulus and exponent 65537.</summary>
    Rsa4096,

    /// <summary>ECDSA on NIST P-256 (secp256r1).</summary>
    EcP256,

    /// <summary>ECDSA on NIST P-384 (secp384r1).</summary>
    EcP384,
}

/// <summary>The key types a token key can have here.</summary>
public enum Pkcs11KeyType
{
    /// <summary>CKK_RSA.</summary>
    Rsa,

    /// <summary>CKK_EC.</summary>
    Ec,
}

/// <summary>Object classes this service lists.</summary>
public enum Pkcs11ObjectClass
{
    /// <summary>CKO_PRIVATE_KEY.</summary>
    PrivateKey,

    /// <summary>CKO_PUBLIC_KEY.</summary>
    PublicKey,

    /// <summary>CKO_CERTIFICATE (X.509).</summary>
    Certificate,
}

/// <summary>An object on a token as listed by <see cref="Pkcs11Token.ListObjects"/>.</summary>
/// <param name="Class">The object class.</param>
/// <param name="Label">CKA_LABEL.</param>
/// <param name="Id">CKA_ID bytes.</param>
/// <param name="KeyType">The key type, for keys.</param>
/// <param name="KeySizeInBits">Modulus bits or curve size, for keys.</param>
/// <param name="IsSensitive">CKA_SENSITIVE, for private keys.</param>
/// <param name="IsExtractable">CKA_EXTRACTABLE, for private keys.</param>
/// <param name="Uri">A PKCS#11 URI that names this object.</param>
public sealed record Pkcs11ObjectInfo(
    Pkcs11ObjectClass Class,
    string Label,
    byte[] Id,
    Pkcs11KeyType? KeyType,
    int? KeySizeInBits,
    bool? IsSensitive,
    bool? IsExtractable,
    Pkcs11Uri Uri);
