using System.Security.Cryptography;

namespace Signing.Pdf.Internal;

/// <summary>
/// Decrypts a document protected by the standard security handler (ISO 32000-1 7.6.3, ISO 32000-2 7.6.4) with the empty
/// user password, the way a viewer opens it without asking: RC4 40 and 128 bits (V1/V2, R2/R3), crypt filters V2 and
/// AESV2 (V4, R4) and AES-256 (V5, R5 and R6). Only reading: nothing here encrypts.
/// </summary>
internal sealed class StandardSecurityHandler
{
    /// <summary>The 32-byte padding string of Algorithm 2 (ISO 32000-1 7.6.3.3).</summary>
    private static readonly byte[] Padding =
    [
        0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
        0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
    ];

    private readonly byte[] fileKey;
    private readonly Cipher streamCipher;
    private readonly Cipher stringCipher;
    private readonly bool encryptMetadata;

    private StandardSecurityHandler(byte[] fileKey, Cipher streamCipher, Cipher stringCipher, bool encryptMetadata, string description)
    {
        this.fileKey = fileKey;
        this.streamCipher = streamCipher;
        this.stringCipher = stringCipher;
        this.encryptMetadata = encryptMetadata;
        Description = description;
    }

    private enum Cipher
    {
        Identity,
        Rc4,
        Aes128,
        Aes256,
    }

    /// <summary>What protects the document, e.g. "AES-256 (R6)".</summary>
    public string Description { get; }

    /// <summary>
    /// Sets up decryption for the /Encrypt dictionary <paramref name="encrypt"/> and the first /ID string, or throws
    /// <see cref="PdfEncryptedException"/> when the handler is not the standard one or the user password is not empty.
    /// </summary>
    public static StandardSecurityHandler Open(PdfDictionary encrypt, byte[] firstId)
    {
        if ((encrypt["Filter"] as PdfName)?.Value != "Standard")
        {
            throw new PdfEncryptedException($"The PDF is encrypted with the security handler /{(encrypt["Filter"] as PdfName)?.Value ?? "?"}; only the standard (password) handler can be read");
        }

        var version = Integer(encrypt["V"], 0);
        var revision = Integer(encrypt["R"], 0);
        var owner = Bytes(encrypt["O"]);
        var user = Bytes(encrypt["U"]);
        var permissions = Integer(encrypt["P"], 0);
        var encryptMetadata = encrypt["EncryptMetadata"] is not PdfBoolean { Value: false };
        switch (version)
        {
            case 1 or 2 when revision is 2 or 3:
                {
                    var keyLength = version == 1 ? 5 : Integer(encrypt["Length"], 40) / 8;
                    if (keyLength is < 5 or > 16)
                    {
                        throw new PdfEncryptedException($"The /Encrypt /Length {keyLength * 8} is outside 40..128 bits");
                    }

                    var key = LegacyKey(revision, keyLength, owner, permissions, firstId, encryptMetadata: true);
                    CheckLegacyUserPassword(revision, key, user, firstId);
                    return new(key, Cipher.Rc4, Cipher.Rc4, true, $"RC4 {keyLength * 8}-bit (R{revision})");
                }

            case 4 when revision == 4:
                {
                    var streams = CryptFilter(encrypt, "StmF");
                    var strings = CryptFilter(encrypt, "StrF");
                    var key = LegacyKey(revision, 16, owner, permissions, firstId, encryptMetadata);
                    CheckLegacyUserPassword(revision, key, user, firstId);
                    return new(key, streams, strings, encryptMetadata, $"{Name(streams)} (R4)");
                }

            case 5 when revision is 5 or 6:
                {
                    if (user.Length < 48 || Bytes(encrypt["UE"]) is not { Length: >= 32 } userKey)
                    {
                        throw new PdfEncryptedException("The AES-256 /Encrypt dictionary has no 48-byte /U or 32-byte /UE");
                    }

                    var validationSalt = user.AsSpan(32, 8);
                    var keySalt = user.AsSpan(40, 8);
                    var check = revision == 6 ? HardenedHash([], validationSalt, []) : SHA256.HashData(validationSalt);
                    if (!CryptographicOperations.FixedTimeEquals(check, user.AsSpan(0, 32)))
                    {
                        throw NeedsPassword();
                    }

                    var intermediate = revision == 6 ? HardenedHash([], keySalt, []) : SHA256.HashData(keySalt);
                    using var aes = Aes.Create();
                    aes.Key = intermediate;
                    var key = aes.DecryptCbc(userKey.AsSpan(0, 32), new byte[16], PaddingMode.None);
                    return new(key, Cipher.Aes256, Cipher.Aes256, encryptMetadata, $"AES-256 (R{revision})");
                }

            default:
                throw new PdfEncryptedException($"The standard security handler /V {version} /R {revision} is not supported");
        }
    }

    /// <summary>Decrypts the strings and stream data of the indirect object <paramref name="number"/> <paramref name="generation"/>.</summary>
    public PdfObject Decrypt(int number, int generation, PdfObject value, int maxDepth)
    {
        if (value is PdfStream stream)
        {
            var type = (stream.Dictionary["Type"] as PdfName)?.Value;

            // 7.5.8.2: cross-reference streams are never encrypted; 7.6.1 (7.6.2 in ISO 32000-2): nor is unencrypted XMP.
            if (type == "XRef" || (type == "Metadata" && !encryptMetadata))
            {
                return value;
            }

            var dictionary = (PdfDictionary)DecryptStrings(number, generation, stream.Dictionary, 0, maxDepth);
            return new PdfStream(dictionary, DecryptBytes(streamCipher, number, generation, stream.EncodedData.Span));
        }

        return DecryptStrings(number, generation, value, 0, maxDepth);
    }

    private PdfObject DecryptStrings(int number, int generation, PdfObject value, int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            throw new PdfFormatException($"Object {number}: nested deeper than {maxDepth} levels while decrypting");
        }

        switch (value)
        {
            case PdfString text:
                return new PdfString(DecryptBytes(stringCipher, number, generation, text.Bytes), text.IsHex);
            case PdfArray array:
                return new PdfArray(array.Items.Select(item => DecryptStrings(number, generation, item, depth + 1, maxDepth)));
            case PdfDictionary dictionary:
                // ISO 32000-2 7.6.2: a signature dictionary's /Contents is not encrypted (the signature covers the file bytes).
                var isSignature = dictionary.ContainsKey("ByteRange");
                var copy = new PdfDictionary();
                foreach (var (key, entry) in dictionary.Entries)
                {
                    copy[key] = isSignature && key.Value == "Contents" ? entry : DecryptStrings(number, generation, entry, depth + 1, maxDepth);
                }

                return copy;
            default:
                return value;
        }
    }

    private byte[] DecryptBytes(Cipher cipher, int number, int generation, ReadOnlySpan<byte> data)
    {
        switch (cipher)
        {
            case Cipher.Identity:
                return data.ToArray();
            case Cipher.Rc4:
                return Rc4(ObjectKey(number, generation, aes: false), data);
            default:
                // AES-CBC with the 16-byte IV in front (7.6.3.2); anything shorter than IV + one block decrypts to nothing.
                var usable = data.Length < 32 ? 0 : 16 + ((data.Length - 16) / 16 * 16);
                return usable == 0 ? [] : DecryptAes(cipher, number, generation, data[..usable]);
        }
    }

    private byte[] DecryptAes(Cipher cipher, int number, int generation, ReadOnlySpan<byte> data)
    {
        using var aes = Aes.Create();
        aes.Key = cipher == Cipher.Aes256 ? fileKey : ObjectKey(number, generation, aes: true);
        try
        {
            return aes.DecryptCbc(data[16..], data[..16], PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            // Writers that get the padding wrong exist; readers keep the bytes rather than refuse the object.
            return aes.DecryptCbc(data[16..], data[..16], PaddingMode.None);
        }
    }

    /// <summary>Algorithm 1: the object key is MD5(file key, object number, generation[, "sAlT"]) cut to n + 5 bytes.</summary>
    private byte[] ObjectKey(int number, int generation, bool aes)
    {
        Span<byte> input = stackalloc byte[fileKey.Length + 9];
        fileKey.CopyTo(input);
        var at = fileKey.Length;
        input[at++] = (byte)number;
        input[at++] = (byte)(number >> 8);
        input[at++] = (byte)(number >> 16);
        input[at++] = (byte)generation;
        input[at++] = (byte)(generation >> 8);
        if (aes)
        {
            "sAlT"u8.CopyTo(input[at..]);
            at += 4;
        }

        return MD5.HashData(input[..at])[..Math.Min(fileKey.Length + 5, 16)];
    }

    /// <summary>Algorithm 2 with the empty user password.</summary>
    private static byte[] LegacyKey(int revision, int keyLength, byte[] owner, int permissions, byte[] firstId, bool encryptMetadata)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(Padding);
        md5.AppendData(owner);
        md5.AppendData([(byte)permissions, (byte)(permissions >> 8), (byte)(permissions >> 16), (byte)(permissions >> 24)]);
        md5.AppendData(firstId);
        if (revision >= 4 && !encryptMetadata)
        {
            md5.AppendData([0xFF, 0xFF, 0xFF, 0xFF]);
        }

        var hash = md5.GetHashAndReset();
        if (revision >= 3)
        {
            for (var i = 0; i < 50; i++)
            {
                hash = MD5.HashData(hash.AsSpan(0, keyLength));
            }
        }

        return hash[..keyLength];
    }

    /// <summary>Algorithms 4 and 5: the empty password is the user password when /U comes out as computed.</summary>
    private static void CheckLegacyUserPassword(int revision, byte[] key, byte[] user, byte[] firstId)
    {
        bool matches;
        if (revision == 2)
        {
            matches = user.Length >= 32 && Rc4(key, Padding).AsSpan().SequenceEqual(user.AsSpan(0, 32));
        }
        else
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            md5.AppendData(Padding);
            md5.AppendData(firstId);
            var value = Rc4(key, md5.GetHashAndReset());
            var stepKey = new byte[key.Length];
            for (var i = 1; i <= 19; i++)
            {
                for (var j = 0; j < key.Length; j++)
                {
                    stepKey[j] = (byte)(key[j] ^ i);
                }

                value = Rc4(stepKey, value);
            }

            matches = user.Length >= 16 && value.AsSpan().SequenceEqual(user.AsSpan(0, 16));
        }

        if (!matches)
        {
            throw NeedsPassword();
        }
    }

    /// <summary>Algorithm 2.B (ISO 32000-2 7.6.4.3.4), the hash of revision 6; bounded: it ends by round 64 + 256.</summary>
    private static byte[] HardenedHash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> userData)
    {
        var k = SHA256.HashData([.. password, .. salt, .. userData]);
        using var aes = Aes.Create();
        for (var round = 0; ; round++)
        {
            var block = new byte[password.Length + k.Length + userData.Length];
            password.CopyTo(block);
            k.CopyTo(block, password.Length);
            userData.CopyTo(block.AsSpan(password.Length + k.Length));
            var k1 = new byte[block.Length * 64];
            for (var i = 0; i < 64; i++)
            {
                block.CopyTo(k1, i * block.Length);
            }

            aes.Key = k[..16];
            var e = aes.EncryptCbc(k1, k.AsSpan(16, 16), PaddingMode.None);
            var selector = 0;
            for (var i = 0; i < 16; i++)
            {
                selector = ((selector * 256) + e[i]) % 3;
            }

            k = selector switch
            {
                0 => SHA256.HashData(e),
                1 => SHA384.HashData(e),
                _ => SHA512.HashData(e),
            };
            // After round 63 (64 rounds), stop once E's last byte is at most (rounds done) - 32.
            if (round >= 63 && e[^1] <= round + 1 - 32)
            {
                return k[..32];
            }
        }
    }

    private static Cipher CryptFilter(PdfDictionary encrypt, string which)
    {
        var name = (encrypt[which] as PdfName)?.Value ?? "Identity";
        if (name == "Identity")
        {
            return Cipher.Identity;
        }

        var method = ((encrypt["CF"] as PdfDictionary)?[name] as PdfDictionary)?["CFM"] as PdfName;
        return method?.Value switch
        {
            "V2" => Cipher.Rc4,
            "AESV2" => Cipher.Aes128,
            "None" => Cipher.Identity,
            var other => throw new PdfEncryptedException($"The crypt filter /{name} uses /CFM /{other ?? "(none)"}, which is not supported"),
        };
    }

    private static string Name(Cipher cipher) => cipher switch
    {
        Cipher.Rc4 => "RC4 128-bit",
        Cipher.Aes128 => "AES-128",
        Cipher.Aes256 => "AES-256",
        _ => "no encryption",
    };

    /// <summary>RC4 (ARCFOUR), which .NET does not offer; PDF needs it only to read old files.</summary>
    private static byte[] Rc4(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        Span<byte> state = stackalloc byte[256];
        for (var i = 0; i < 256; i++)
        {
            state[i] = (byte)i;
        }

        for (int i = 0, j = 0; i < 256; i++)
        {
            j = (j + state[i] + key[i % key.Length]) & 0xFF;
            (state[i], state[j]) = (state[j], state[i]);
        }

        var output = new byte[data.Length];
        for (int n = 0, i = 0, j = 0; n < data.Length; n++)
        {
            i = (i + 1) & 0xFF;
            j = (j + state[i]) & 0xFF;
            (state[i], state[j]) = (state[j], state[i]);
            output[n] = (byte)(data[n] ^ state[(state[i] + state[j]) & 0xFF]);
        }

        return output;
    }

    private static PdfEncryptedException NeedsPassword() =>
        new("The PDF is encrypted with a user password; only documents that open without one can be read");

    private static int Integer(PdfObject? value, int fallback) =>
        value is PdfInteger integer && integer.Value is >= int.MinValue and <= int.MaxValue ? (int)integer.Value : fallback;

    private static byte[] Bytes(PdfObject? value) => (value as PdfString)?.Bytes ?? [];

    /// <inheritdoc/>
    public override string ToString() => Description;
}
