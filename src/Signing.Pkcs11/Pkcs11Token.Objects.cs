using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pkcs11.Internal;
using Signing.Pkcs11.Internal.Native;

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
            Pkcs11KeyAlgorithm.Rsa2048 or Pkcs11KeyAlgorithm.Rsa3072 or Pkcs11KeyAlgorithm.Rsa4096 => (Ckm.RSA_PKCS_KEY_PAIR_GEN, Ckk.RSA),
            Pkcs11KeyAlgorithm.EcP256 or Pkcs11KeyAlgorithm.EcP384 => (Ckm.EC_KEY_PAIR_GEN, Ckk.EC),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown key algorithm."),
        };

        using var publicTemplate = new AttributeTemplate()
            .Add(Cka.CLASS, Cko.PUBLIC_KEY).Add(Cka.KEY_TYPE, keyType)
            .Add(Cka.TOKEN, true).Add(Cka.PRIVATE, false)
            .Add(Cka.LABEL, label).Add(Cka.ID, keyId)
            .Add(Cka.VERIFY, true).Add(Cka.ENCRYPT, false).Add(Cka.WRAP, false);
        switch (algorithm)
        {
            case Pkcs11KeyAlgorithm.Rsa2048: publicTemplate.Add(Cka.MODULUS_BITS, 2048UL).Add(Cka.PUBLIC_EXPONENT, Rsa65537); break;
            case Pkcs11KeyAlgorithm.Rsa3072: publicTemplate.Add(Cka.MODULUS_BITS, 3072UL).Add(Cka.PUBLIC_EXPONENT, Rsa65537); break;
            case Pkcs11KeyAlgorithm.Rsa4096: publicTemplate.Add(Cka.MODULUS_BITS, 4096UL).Add(Cka.PUBLIC_EXPONENT, Rsa65537); break;
            case Pkcs11KeyAlgorithm.EcP256: publicTemplate.Add(Cka.EC_PARAMS, EcCurves.EncodeNamedCurve(EcCurves.P256)); break;
            case Pkcs11KeyAlgorithm.EcP384: publicTemplate.Add(Cka.EC_PARAMS, EcCurves.EncodeNamedCurve(EcCurves.P384)); break;
        }

        using var privateTemplate = new AttributeTemplate()
            .Add(Cka.CLASS, Cko.PRIVATE_KEY).Add(Cka.KEY_TYPE, keyType)
            .Add(Cka.TOKEN, true).Add(Cka.PRIVATE, true)
            .Add(Cka.LABEL, label).Add(Cka.ID, keyId)
            .Add(Cka.SENSITIVE, true).Add(Cka.EXTRACTABLE, false)
            .Add(Cka.SIGN, true).Add(Cka.DECRYPT, false).Add(Cka.UNWRAP, false);

        return Run((native, session, _) =>
        {
            unsafe
            {
                var ckMechanism = new CkMechanism { Mechanism = new CULong((nuint)mechanism) };
                Pkcs11Module.Check("C_GenerateKeyPair", native.C_GenerateKeyPair(session, &ckMechanism,
                    publicTemplate.Pointer, publicTemplate.Count, privateTemplate.Pointer, privateTemplate.Count,
                    out ulong _, out var privateKey));
                return Describe(native, session, privateKey);
            }
        });
    }

    /// <summary>Lists private keys, public keys and X.509 certificates on the token.</summary>
    public IReadOnlyList<Pkcs11ObjectInfo> ListObjects() => Run((native, session, _) =>
    {
        var result = new List<Pkcs11ObjectInfo>();
        foreach (var objectClass in new[] { Cko.PRIVATE_KEY, Cko.PUBLIC_KEY, Cko.CERTIFICATE })
        {
            using var template = new AttributeTemplate().Add(Cka.CLASS, objectClass);
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
            using var template = TemplateFor(Cko.PRIVATE_KEY, uri.Object, uri.Id);
            var handle = FindSingle(native, session, template, $"private key {uri}");
            var label = GetString(native, session, handle, Cka.LABEL);
            var id = GetAttribute(native, session, handle, Cka.ID) ?? [];
            var keyType = GetUlong(native, session, handle, Cka.KEY_TYPE);
            return keyType switch
            {
                Ckk.RSA => Pkcs11PrivateKey.ForRsa(this, label, id, ReadRsaPublic(native, session, handle, label, id), handle, state.Generation),
                Ckk.EC => Pkcs11PrivateKey.ForEc(this, label, id, ReadEcPublic(native, session, handle, label, id), handle, state.Generation),
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
            .Add(Cka.CLASS, Cko.CERTIFICATE).Add(Cka.CERTIFICATE_TYPE, Ckc.X_509)
            .Add(Cka.TOKEN, true).Add(Cka.PRIVATE, false)
            .Add(Cka.LABEL, label).Add(Cka.ID, id)
            .Add(Cka.SUBJECT, certificate.SubjectName.RawData)
            .Add(Cka.ISSUER, certificate.IssuerName.RawData)
            .Add(Cka.SERIAL_NUMBER, serialWriter.Encode())
            .Add(Cka.VALUE, certificate.RawData);
        return Run((native, session, _) =>
        {
            unsafe
            {
                Pkcs11Module.Check("C_CreateObject", native.C_CreateObject(session, template.Pointer, template.Count, out var handle));
                return Describe(native, session, handle);
            }
        });
    }

    /// <summary>The X.509 certificate with this CKA_ID, or null when there is none.</summary>
    public X509Certificate2? FindCertificate(ReadOnlySpan<byte> id)
    {
        var keyId = id.ToArray();
        var der = Run((native, session, _) =>
        {
            using var template = TemplateFor(Cko.CERTIFICATE, null, keyId);
            var handles = FindObjects(native, session, template);
            return handles.Count == 0 ? null : GetAttribute(native, session, handles[0], Cka.VALUE);
        });
        return der is null ? null : X509CertificateLoader.LoadCertificate(der);
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

        ulong? objectClass = uri.Type switch
        {
            null => null,
            "private" => Cko.PRIVATE_KEY,
            "public" => Cko.PUBLIC_KEY,
            "cert" => Cko.CERTIFICATE,
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

    internal static AttributeTemplate TemplateFor(ulong? objectClass, string? label, byte[]? id)
    {
        var template = new AttributeTemplate();
        if (objectClass is { } c)
        {
            template.Add(Cka.CLASS, c);
        }

        if (label is not null)
        {
            template.Add(Cka.LABEL, label);
        }

        if (id is not null)
        {
            template.Add(Cka.ID, id);
        }

        return template;
    }

    internal static unsafe List<ulong> FindObjects(NativeCryptoki native, ulong session, AttributeTemplate template)
    {
        Pkcs11Module.Check("C_FindObjectsInit", native.C_FindObjectsInit(session, template.Pointer, template.Count));
        var result = new List<ulong>();
        try
        {
            const int batch = 64;
            var handles = stackalloc CULong[batch];
            while (result.Count < MaxObjects)
            {
                Pkcs11Module.Check("C_FindObjects", native.C_FindObjects(session, handles, batch, out var found));
                for (var i = 0; i < found; i++)
                {
                    result.Add(handles[i].Value);
                }

                if (found < batch)
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

    internal static ulong FindSingle(NativeCryptoki native, ulong session, AttributeTemplate template, string what)
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

    internal static byte[]? GetAttribute(NativeCryptoki native, ulong session, ulong handle, ulong type)
    {
        try
        {
            return OutputBuffer.ReadAll(new AttributeCall(native, session, handle, type));
        }
        catch (Pkcs11Exception e) when (e.ReturnCode is Ckr.ATTRIBUTE_TYPE_INVALID or Ckr.ATTRIBUTE_SENSITIVE)
        {
            return null;
        }
    }

    private static string GetString(NativeCryptoki native, ulong session, ulong handle, ulong type) =>
        System.Text.Encoding.UTF8.GetString(GetAttribute(native, session, handle, type) ?? []);

    private static ulong GetUlong(NativeCryptoki native, ulong session, ulong handle, ulong type)
    {
        var bytes = GetAttribute(native, session, handle, type);
        if (bytes is null || bytes.Length != 8)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.Other, $"Attribute 0x{type:x} of object {handle} is not a CK_ULONG.");
        }

        return MemoryMarshal.Read<ulong>(bytes);
    }

    private static bool? GetBool(NativeCryptoki native, ulong session, ulong handle, ulong type) =>
        GetAttribute(native, session, handle, type) is [var b] ? b != 0 : null;

    private Pkcs11ObjectInfo Describe(NativeCryptoki native, ulong session, ulong handle)
    {
        var objectClass = GetUlong(native, session, handle, Cka.CLASS) switch
        {
            Cko.PRIVATE_KEY => Pkcs11ObjectClass.PrivateKey,
            Cko.PUBLIC_KEY => Pkcs11ObjectClass.PublicKey,
            Cko.CERTIFICATE => Pkcs11ObjectClass.Certificate,
            var other => throw new Pkcs11TokenException(Pkcs11ErrorKind.Other, $"Object {handle} has unexpected class 0x{other:x}."),
        };
        var label = GetString(native, session, handle, Cka.LABEL);
        var id = GetAttribute(native, session, handle, Cka.ID) ?? [];
        Pkcs11KeyType? keyType = null;
        int? bits = null;
        if (objectClass != Pkcs11ObjectClass.Certificate)
        {
            if (GetUlong(native, session, handle, Cka.KEY_TYPE) == Ckk.RSA)
            {
                keyType = Pkcs11KeyType.Rsa;
                bits = GetAttribute(native, session, handle, Cka.MODULUS) is { } modulus ? modulus.SkipWhile(b => b == 0).Count() * 8 : null;
            }
            else
            {
                keyType = Pkcs11KeyType.Ec;
                bits = GetAttribute(native, session, handle, Cka.EC_PARAMS) is { } ecParams
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
            isPrivate ? GetBool(native, session, handle, Cka.SENSITIVE) : null,
            isPrivate ? GetBool(native, session, handle, Cka.EXTRACTABLE) : null,
            uri);
    }

    private static RSAParameters ReadRsaPublic(NativeCryptoki native, ulong session, ulong privateKey, string label, byte[] id)
    {
        var modulus = GetAttribute(native, session, privateKey, Cka.MODULUS);
        var exponent = GetAttribute(native, session, privateKey, Cka.PUBLIC_EXPONENT);
        if (modulus is null || exponent is null)
        {
            // Some tokens keep the public half only on the public key object.
            using var template = TemplateFor(Cko.PUBLIC_KEY, label, id.Length > 0 ? id : null);
            var publicKey = FindSingle(native, session, template, $"public key for '{label}'");
            modulus = GetAttribute(native, session, publicKey, Cka.MODULUS);
            exponent = GetAttribute(native, session, publicKey, Cka.PUBLIC_EXPONENT);
        }

        if (modulus is null || exponent is null)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.KeyNotFound, $"The token does not reveal the RSA public key of '{label}'.");
        }

        return new RSAParameters { Modulus = modulus.AsSpan().TrimStart((byte)0).ToArray(), Exponent = exponent.AsSpan().TrimStart((byte)0).ToArray() };
    }

    private static ECParameters ReadEcPublic(NativeCryptoki native, ulong session, ulong privateKey, string label, byte[] id)
    {
        using var template = TemplateFor(Cko.PUBLIC_KEY, label, id.Length > 0 ? id : null);
        var publicKey = FindSingle(native, session, template, $"public key for '{label}'");
        var ecParams = GetAttribute(native, session, publicKey, Cka.EC_PARAMS)
            ?? GetAttribute(native, session, privateKey, Cka.EC_PARAMS)
            ?? throw new Pkcs11TokenException(Pkcs11ErrorKind.KeyNotFound, $"Key '{label}' has no CKA_EC_PARAMS.");
        var point = GetAttribute(native, session, publicKey, Cka.EC_POINT)
            ?? throw new Pkcs11TokenException(Pkcs11ErrorKind.KeyNotFound, $"Public key '{label}' has no CKA_EC_POINT.");
        var curve = EcCurves.DecodeNamedCurve(ecParams, out var fieldBytes);
        return new ECParameters { Curve = curve, Q = EcCurves.DecodePoint(point, fieldBytes) };
    }

    private readonly unsafe struct AttributeCall(NativeCryptoki native, ulong session, ulong handle, ulong type) : IOutputCall
    {
        public string Function => "C_GetAttributeValue";

        public ulong Invoke(byte* output, CULong* length)
        {
            var attribute = new CkAttribute { Type = new CULong((nuint)type), Value = output, ValueLen = *length };
            var rv = native.C_GetAttributeValue(session, handle, &attribute, 1);
            *length = attribute.ValueLen;
            return rv;
        }
    }
}
