using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;
using Signing.Pkcs11.Internal;

namespace Signing.Pkcs11;

// Key generation, certificates, listing and deletion.
public sealed partial class Pkcs11Token
{
    private const int MaxObjects = 4096;
    private static readonly byte[] Rsa65537 = [0x01, 0x00, 0x01];

    /// <summary>
    /// Generates a key pair on the token: CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE true,
    /// CKA_EXTRACTABLE false, sign-only. Both halves get <paramref name="label"/> and the same
    /// CKA_ID (random 16 bytes when <paramref name="id"/> is empty). Needs a login.
    /// </summary>
    /// <returns>The private key object, with a URI that names it.</returns>
    public Pkcs11ObjectInfo GenerateKeyPair(Pkcs11KeyAlgorithm algorithm, string label, ReadOnlySpan<byte> id = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        var keyId = id.IsEmpty ? RandomNumberGenerator.GetBytes(16) : id.ToArray();
        var (mechanism, keyType) = algorithm switch
        {
            Pkcs11KeyAlgorithm.Rsa2048 or Pkcs11KeyAlgorithm.Rsa3072 or Pkcs11KeyAlgorithm.Rsa4096 => (CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, CKK.CKK_RSA),
            Pkcs11KeyAlgorithm.EcP256 or Pkcs11KeyAlgorithm.EcP384 => (CKM.CKM_EC_KEY_PAIR_GEN, CKK.CKK_EC),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm."),
        };

        using var publicTemplate = new AttributeTemplate()
            .Add(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY).Add(CKA.CKA_KEY_TYPE, keyType)
            .Add(CKA.CKA_TOKEN, true).Add(CKA.CKA_PRIVATE, false)
            .Add(CKA.CKA_LABEL, label).Add(CKA.CKA_ID, keyId)
            .Add(CKA.CKA_VERIFY, true).Add(CKA.CKA_ENCRYPT, false).Add(CKA.CKA_WRAP, false);
        switch (algorithm)
        {
            case Pkcs11KeyAlgorithm.Rsa2048: publicTemplate.Add(CKA.CKA_MODULUS_BITS, 2048UL).Add(CKA.CKA_PUBLIC_EXPONENT, Rsa65537); break;
            case Pkcs11KeyAlgorithm.Rsa3072: publicTemplate.Add(CKA.CKA_MODULUS_BITS, 3072UL).Add(CKA.CKA_PUBLIC_EXPONENT, Rsa65537); break;
            case Pkcs11KeyAlgorithm.Rsa4096: publicTemplate.Add(CKA.CKA_MODULUS_BITS, 4096UL).Add(CKA.CKA_PUBLIC_EXPONENT, Rsa65537); break;
            case Pkcs11KeyAlgorithm.EcP256: publicTemplate.Add(CKA.CKA_EC_PARAMS, EcCurves.EncodeNamedCurve(EcCurves.P256)); break;
            case Pkcs11KeyAlgorithm.EcP384: publicTemplate.Add(CKA.CKA_EC_PARAMS, EcCurves.EncodeNamedCurve(EcCurves.P384)); break;
        }

        using var privateTemplate = new AttributeTemplate()
            .Add(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY).Add(CKA.CKA_KEY_TYPE, keyType)
            .Add(CKA.CKA_TOKEN, true).Add(CKA.CKA_PRIVATE, true)
            .Add(CKA.CKA_LABEL, label).Add(CKA.CKA_ID, keyId)
            .Add(CKA.CKA_SENSITIVE, true).Add(CKA.CKA_EXTRACTABLE, false)
            .Add(CKA.CKA_SIGN, true).Add(CKA.CKA_DECRYPT, false).Add(CKA.CKA_UNWRAP, false);

        return Run((native, session, _) =>
        {
            var ckMechanism = CkmUtils.CreateMechanism(mechanism);
            Pkcs11Module.Check("C_GenerateKeyPair", native.C_GenerateKeyPair(session, ref ckMechanism,
                publicTemplate, privateTemplate, out ulong _, out var privateKey));
            return Describe(native, session, privateKey);
        });
    }

    /// <summary>Lists private keys, public keys and X.509 certificates on the token.</summary>
    public IReadOnlyList<Pkcs11ObjectInfo> ListObjects() => Run((native, session, _) =>
    {
        var result = new List<Pkcs11ObjectInfo>();
        foreach (var objectClass in new[] { CKO.CKO_PRIVATE_KEY, CKO.CKO_PUBLIC_KEY, CKO.CKO_CERTIFICATE })
        {
            using var template = new AttributeTemplate().Add(CKA.CKA_CLASS, objectClass);
            foreach (var handle in FindObjects(native, session, template))
            {
                result.Add(Describe(native, session, handle));
            }
        }

        return result;
    });

    /// <summary>Opens the private key named by <paramref name="uri"/> (by <c>object=</c> and/or <c>id=</c>).</summary>
    /// <exception cref="Pkcs11TokenException">No key, or more than one, matches.</exception>
    public Pkcs11PrivateKey OpenPrivateKey(Pkcs11Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Type is not (null or "private"))
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.InvalidArgument, $"URI {uri} names a '{uri.Type}' object, not a private key.");
        }

        if (uri.Object is null && uri.Id is null)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.InvalidArgument, $"URI {uri} names no key: give object= or id=.");
        }

        return Run((native, session, state) =>
        {
            using var template = TemplateFor(CKO.CKO_PRIVATE_KEY, uri.Object, uri.Id);
            var handle = FindSingle(native, session, template, $"private key {uri}");
            var label = GetString(native, session, handle, CKA.CKA_LABEL);
            var id = GetAttribute(native, session, handle, CKA.CKA_ID) ?? [];
            var keyType = GetUlong(native, session, handle, CKA.CKA_KEY_TYPE);
            return keyType switch
            {
                (ulong)CKK.CKK_RSA => Pkcs11PrivateKey.ForRsa(this, label, id, ReadRsaPublic(native, session, handle, label, id), handle, state.Generation),
                (ulong)CKK.CKK_EC => Pkcs11PrivateKey.ForEc(this, label, id, ReadEcPublic(native, session, handle, label, id), handle, state.Generation),
                _ => throw new Pkcs11TokenException(Pkcs11ErrorKind.MechanismInvalid, $"Key {uri} has key type 0x{keyType:x}; only RSA and EC keys are supported."),
            };
        });
    }

    /// <summary>
    /// Stores an X.509 certificate on the token as a public CKO_CERTIFICATE object with the
    /// given CKA_ID and label, so it sits next to the key with the same CKA_ID.
    /// </summary>
    public Pkcs11ObjectInfo ImportCertificate(X509Certificate2 certificate, ReadOnlySpan<byte> id, string label)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        if (id.IsEmpty)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.InvalidArgument, "A certificate needs the CKA_ID of its key; the id is empty.");
        }

        // CKA_SERIAL_NUMBER is the DER encoding of the certificate's serialNumber INTEGER
        // (PKCS#11 v2.40 4.6.3): CertificateSerialNumber ::= INTEGER (RFC 5280 4.1).
        var serialWriter = new AsnWriter(AsnEncodingRules.DER);
        serialWriter.WriteInteger(certificate.SerialNumberBytes.Span);

        using var template = new AttributeTemplate()
            .Add(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE).Add(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509)
            .Add(CKA.CKA_TOKEN, true).Add(CKA.CKA_PRIVATE, false)
            .Add(CKA.CKA_LABEL, label).Add(CKA.CKA_ID, id.ToArray())
            .Add(CKA.CKA_SUBJECT, certificate.SubjectName.RawData)
            .Add(CKA.CKA_ISSUER, certificate.IssuerName.RawData)
            .Add(CKA.CKA_SERIAL_NUMBER, serialWriter.Encode())
            .Add(CKA.CKA_VALUE, certificate.RawData);
        return Run((native, session, _) =>
        {
            Pkcs11Module.Check("C_CreateObject", native.C_CreateObject(session, template, out var handle));
            return Describe(native, session, handle);
        });
    }

    /// <summary>The X.509 certificate with this CKA_ID, or null when there is none.</summary>
    public X509Certificate2? FindCertificate(ReadOnlySpan<byte> id)
    {
        var keyId = id.ToArray();
        var der = Run((native, session, _) =>
        {
            using var template = TemplateFor(CKO.CKO_CERTIFICATE, null, keyId);
            var handles = FindObjects(native, session, template);
            return handles.Count == 0 ? null : GetAttribute(native, session, handles[0], CKA.CKA_VALUE);
        });
        return der is null ? null : X509CertificateLoader.LoadCertificate(der);
    }

    /// <summary>Every X.509 certificate object on the token, with its label and CKA_ID (several may share an id).</summary>
    public IReadOnlyList<(string Label, byte[] Id, X509Certificate2 Certificate)> ListCertificates()
    {
        var found = Run((native, session, _) =>
        {
            using var template = new AttributeTemplate().Add(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE);
            var values = new List<(string, byte[], byte[]?)>();
            foreach (var handle in FindObjects(native, session, template))
            {
                values.Add((GetString(native, session, handle, CKA.CKA_LABEL), GetAttribute(native, session, handle, CKA.CKA_ID) ?? [],
                    GetAttribute(native, session, handle, CKA.CKA_VALUE)));
            }

            return values;
        });
        return [.. found.Where(entry => entry.Item3 is { Length: > 0 }).Select(entry => (entry.Item1, entry.Item2, X509CertificateLoader.LoadCertificate(entry.Item3!)))];
    }

    /// <summary>Destroys every object the URI matches (by type, object and id); returns how many.</summary>
    /// <exception cref="Pkcs11TokenException">The URI names no object attribute, which would match everything.</exception>
    public int DeleteObjects(Pkcs11Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Object is null && uri.Id is null)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.InvalidArgument, $"URI {uri} has neither object= nor id=; refusing to delete every object.");
        }

        CKO? objectClass = uri.Type switch
        {
            null => null,
            "private" => CKO.CKO_PRIVATE_KEY,
            "public" => CKO.CKO_PUBLIC_KEY,
            "cert" => CKO.CKO_CERTIFICATE,
            _ => throw new Pkcs11TokenException(Pkcs11ErrorKind.InvalidArgument, $"Deleting '{uri.Type}' objects is not supported."),
        };

        return Run((native, session, _) =>
        {
            using var template = TemplateFor(objectClass, uri.Object, uri.Id);
            var handles = FindObjects(native, session, template);
            foreach (var handle in handles)
            {
                Pkcs11Module.Check("C_DestroyObject", native.C_DestroyObject(session, handle));
            }

            return handles.Count;
        });
    }

    internal static AttributeTemplate TemplateFor(CKO? objectClass, string? label, byte[]? id)
    {
        var template = new AttributeTemplate();
        if (objectClass is { } c)
        {
            template.Add(CKA.CKA_CLASS, c);
        }

        if (label is not null)
        {
            template.Add(CKA.CKA_LABEL, label);
        }

        if (id is not null)
        {
            template.Add(CKA.CKA_ID, id);
        }

        return template;
    }

    internal static List<ulong> FindObjects(CryptokiLibrary native, ulong session, AttributeTemplate template)
    {
        Pkcs11Module.Check("C_FindObjectsInit", native.C_FindObjectsInit(session, template));
        var result = new List<ulong>();
        try
        {
            var handles = new ulong[64];
            while (result.Count < MaxObjects)
            {
                Pkcs11Module.Check("C_FindObjects", native.C_FindObjects(session, handles, out var found));
                result.AddRange(handles.AsSpan(0, found));
                if (found < handles.Length)
                {
                    break;
                }
            }
        }
        finally
        {
            native.C_FindObjectsFinal(session);
        }

        return result;
    }

    internal static ulong FindSingle(CryptokiLibrary native, ulong session, AttributeTemplate template, string what)
    {
        var handles = FindObjects(native, session, template);
        return handles.Count switch
        {
            1 => handles[0],
            0 => throw new Pkcs11TokenException(Pkcs11ErrorKind.KeyNotFound,
                $"No {what} on the token; `signing key list` shows what is there."),
            _ => throw new Pkcs11TokenException(Pkcs11ErrorKind.InvalidArgument,
                $"{handles.Count} objects match {what}; add id= to the URI to choose one."),
        };
    }

    // Null when the object has no such attribute or hides it.
    internal static byte[]? GetAttribute(CryptokiLibrary native, ulong session, ulong handle, CKA type)
    {
        var rv = native.C_GetAttributeValue(session, handle, type, out var value);
        if (rv is CKR.CKR_ATTRIBUTE_TYPE_INVALID or CKR.CKR_ATTRIBUTE_SENSITIVE)
        {
            return null;
        }

        Pkcs11Module.Check("C_GetAttributeValue", rv);
        return value;
    }

    private static string GetString(CryptokiLibrary native, ulong session, ulong handle, CKA type) =>
        System.Text.Encoding.UTF8.GetString(GetAttribute(native, session, handle, type) ?? []);

    private static ulong GetUlong(CryptokiLibrary native, ulong session, ulong handle, CKA type)
    {
        var bytes = GetAttribute(native, session, handle, type);
        if (bytes is null || bytes.Length != sizeof(ulong))
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.Other, $"Attribute {type} of object {handle} is not a CK_ULONG.");
        }

        return MemoryMarshal.Read<ulong>(bytes);
    }

    private static bool? GetBool(CryptokiLibrary native, ulong session, ulong handle, CKA type) =>
        GetAttribute(native, session, handle, type) is [var b] ? b != 0 : null;

    private Pkcs11ObjectInfo Describe(CryptokiLibrary native, ulong session, ulong handle)
    {
        var objectClass = GetUlong(native, session, handle, CKA.CKA_CLASS) switch
        {
            (ulong)CKO.CKO_PRIVATE_KEY => Pkcs11ObjectClass.PrivateKey,
            (ulong)CKO.CKO_PUBLIC_KEY => Pkcs11ObjectClass.PublicKey,
            (ulong)CKO.CKO_CERTIFICATE => Pkcs11ObjectClass.Certificate,
            var other => throw new Pkcs11TokenException(Pkcs11ErrorKind.Other, $"Object {handle} has unexpected class 0x{other:x}."),
        };
        var label = GetString(native, session, handle, CKA.CKA_LABEL);
        var id = GetAttribute(native, session, handle, CKA.CKA_ID) ?? [];
        Pkcs11KeyType? keyType = null;
        int? bits = null;
        if (objectClass != Pkcs11ObjectClass.Certificate)
        {
            if (GetUlong(native, session, handle, CKA.CKA_KEY_TYPE) == (ulong)CKK.CKK_RSA)
            {
                keyType = Pkcs11KeyType.Rsa;
                bits = GetAttribute(native, session, handle, CKA.CKA_MODULUS) is { } modulus ? modulus.SkipWhile(b => b == 0).Count() * 8 : null;
            }
            else
            {
                keyType = Pkcs11KeyType.Ec;
                bits = GetAttribute(native, session, handle, CKA.CKA_EC_PARAMS) is { } ecParams
                    ? (EcCurves.DecodeNamedCurve(ecParams, out var fieldBytes).Oid.Value == EcCurves.P521 ? 521 : fieldBytes * 8)
                    : null;
            }
        }

        var isPrivate = objectClass == Pkcs11ObjectClass.PrivateKey;
        var uri = new Pkcs11Uri
        {
            Token = Label,
            Serial = Label is null ? SerialNumber : null,
            Object = label,
            Id = id.Length > 0 ? id : null,
            Type = objectClass switch
            {
                Pkcs11ObjectClass.PrivateKey => "private",
                Pkcs11ObjectClass.PublicKey => "public",
                _ => "cert",
            },
        };
        return new Pkcs11ObjectInfo(objectClass, label, id, keyType, bits,
            isPrivate ? GetBool(native, session, handle, CKA.CKA_SENSITIVE) : null,
            isPrivate ? GetBool(native, session, handle, CKA.CKA_EXTRACTABLE) : null,
            uri);
    }

    private static RSAParameters ReadRsaPublic(CryptokiLibrary native, ulong session, ulong privateKey, string label, byte[] id)
    {
        var modulus = GetAttribute(native, session, privateKey, CKA.CKA_MODULUS);
        var exponent = GetAttribute(native, session, privateKey, CKA.CKA_PUBLIC_EXPONENT);
        if (modulus is null || exponent is null)
        {
            // Some tokens keep the public half only on the public key object.
            using var template = TemplateFor(CKO.CKO_PUBLIC_KEY, label, id.Length > 0 ? id : null);
            var publicKey = FindSingle(native, session, template, $"public key for '{label}'");
            modulus = GetAttribute(native, session, publicKey, CKA.CKA_MODULUS);
            exponent = GetAttribute(native, session, publicKey, CKA.CKA_PUBLIC_EXPONENT);
        }

        if (modulus is null || exponent is null)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.KeyNotFound, $"The token does not reveal the RSA public key of '{label}'.");
        }

        return new RSAParameters { Modulus = modulus.AsSpan().TrimStart((byte)0).ToArray(), Exponent = exponent.AsSpan().TrimStart((byte)0).ToArray() };
    }

    private static ECParameters ReadEcPublic(CryptokiLibrary native, ulong session, ulong privateKey, string label, byte[] id)
    {
        using var template = TemplateFor(CKO.CKO_PUBLIC_KEY, label, id.Length > 0 ? id : null);
        var publicKey = FindSingle(native, session, template, $"public key for '{label}'");
        var ecParams = GetAttribute(native, session, publicKey, CKA.CKA_EC_PARAMS)
            ?? GetAttribute(native, session, privateKey, CKA.CKA_EC_PARAMS)
            ?? throw new Pkcs11TokenException(Pkcs11ErrorKind.KeyNotFound, $"Key '{label}' has no CKA_EC_PARAMS.");
        var point = GetAttribute(native, session, publicKey, CKA.CKA_EC_POINT)
            ?? throw new Pkcs11TokenException(Pkcs11ErrorKind.KeyNotFound, $"Public key '{label}' has no CKA_EC_POINT.");
        var curve = EcCurves.DecodeNamedCurve(ecParams, out var fieldBytes);
        return new ECParameters { Curve = curve, Q = EcCurves.DecodePoint(point, fieldBytes) };
    }
}
