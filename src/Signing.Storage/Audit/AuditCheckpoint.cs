using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Signing.Storage.Audit;

/// <summary>
/// Signs audit checkpoints with a key the database cannot reach: in the service, a key on the token. A seam because the
/// storage layer knows no token; tests sign with a software key.
/// </summary>
public interface IAuditCheckpointSigner
{
    /// <summary>The signer's public key, DER SubjectPublicKeyInfo.</summary>
    byte[] PublicKey { get; }

    /// <summary>Signs <paramref name="data"/>: RSA PKCS#1 v1.5 or DER ECDSA, over SHA-256.</summary>
    byte[] Sign(byte[] data);
}

/// <summary>
/// A signed statement of the chain's head: "the audit log had record <paramref name="Seq"/>, sealed as
/// <paramref name="Hash"/>, at <paramref name="At"/>". Kept in the database and, for this node, in a file outside it; a
/// log that ends before a checkpoint, or differs from it, lost records or was restored from an older backup.
/// </summary>
/// <param name="Seq">The head's sequence number.</param>
/// <param name="Hash">The head's seal.</param>
/// <param name="At">When (Unix milliseconds).</param>
/// <param name="KeyId">The audit key that sealed the chain.</param>
/// <param name="Node">The node that wrote the checkpoint.</param>
/// <param name="PublicKey">The signer's public key, base64 DER SubjectPublicKeyInfo.</param>
/// <param name="Signature">Base64 signature over <see cref="SignedData()"/>.</param>
public sealed record AuditCheckpoint(long Seq, string Hash, long At, string KeyId, string Node, string PublicKey, string Signature)
{
    /// <summary>The bytes the signature covers.</summary>
    public byte[] SignedData() => SignedData(Seq, Hash, At, KeyId, Node);

    /// <summary>The bytes a checkpoint's signature covers.</summary>
    public static byte[] SignedData(long seq, string hash, long at, string keyId, string node) => Encoding.UTF8.GetBytes(
        string.Create(CultureInfo.InvariantCulture, $"signing-audit-checkpoint:v1\n{seq}\n{hash}\n{at}\n{keyId}\n{node}\n"));

    /// <summary>Signs a checkpoint of a head.</summary>
    public static AuditCheckpoint Create(long seq, string hash, long at, string keyId, string node, IAuditCheckpointSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var signature = signer.Sign(SignedData(seq, hash, at, keyId, node));
        return new AuditCheckpoint(seq, hash, at, keyId, node, Convert.ToBase64String(signer.PublicKey), Convert.ToBase64String(signature));
    }

    /// <summary>
    /// Whether the signature verifies with <paramref name="trustedPublicKey"/> (DER SubjectPublicKeyInfo), or with the
    /// key the checkpoint names when none is given.
    /// </summary>
    public bool SignatureIsValid(byte[]? trustedPublicKey = null)
    {
        try
        {
            var key = trustedPublicKey ?? Convert.FromBase64String(PublicKey);
            if (trustedPublicKey is not null && !CryptographicOperations.FixedTimeEquals(key, Convert.FromBase64String(PublicKey)))
            {
                return false;
            }

            var signature = Convert.FromBase64String(Signature);
            var data = SignedData();
            using var rsa = RSA.Create();
            try
            {
                rsa.ImportSubjectPublicKeyInfo(key, out _);
                return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
            catch (CryptographicException)
            {
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportSubjectPublicKeyInfo(key, out _);
                return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
        }
        catch (Exception exception) when (exception is FormatException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>When, for people.</summary>
    public string AtText => DateTimeOffset.FromUnixTimeMilliseconds(At).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// This node's latest checkpoint, in a file beside the data (not in the database): <c>{DataDirectory}/audit-checkpoint.json</c>.
/// Written atomically (a new file renamed over the old one).
/// </summary>
public static class AuditCheckpointFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The checkpoint in <paramref name="path"/>, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">The file exists but does not hold a checkpoint.</exception>
    public static AuditCheckpoint? Read(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<AuditCheckpoint>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"The audit checkpoint file '{path}' is empty.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The audit checkpoint file '{path}' is not a checkpoint: {exception.Message}", exception);
        }
    }

    /// <summary>Replaces the checkpoint in <paramref name="path"/>.</summary>
    public static void Write(string path, AuditCheckpoint checkpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(file, checkpoint, Json);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
