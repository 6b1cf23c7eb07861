using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Signing.Pdf;
using Signing.Pdf.Signatures;

namespace Signing.Cli.Commands;

/// <summary>
/// Signs a PDF with a key the service holds, through its CSC API: the document is prepared here
/// (<see cref="PadesSigner.PrepareAsync"/>), only the SHA-256 of the signed attributes goes to the service, and the
/// signature value comes back to be embedded here (<see cref="PadesSigner.CompleteAsync"/>); B-LT and B-LTA are then
/// added locally by <see cref="PadesExtender"/>.
/// </summary>
internal static class CscRemoteSigner
{
    /// <summary>
    /// Signs <paramref name="input"/> into <paramref name="output"/> with credential <paramref name="credentialId"/> of the
    /// signed-in official; <paramref name="options"/> builds the PAdES options from the certificate and CA certificates the
    /// service reports. Returns the signer's certificate.
    /// </summary>
    /// <exception cref="CscRequestException">A CSC step failed or the service's answer cannot be used.</exception>
    public static async Task<X509Certificate2> SignPdfAsync(
        CscClient csc,
        string credentialId,
        ReadOnlyMemory<char> pin,
        Stream input,
        Stream output,
        Func<X509Certificate2, X509Certificate2Collection, PadesSignOptions> options,
        CancellationToken cancellationToken)
    {
        var credential = await csc.GetCredentialAsync(credentialId, cancellationToken);
        var signAlgorithm = SignAlgorithmFor(credential);
        var padesOptions = options(credential.Certificate, credential.Chain);
        if (padesOptions.DigestAlgorithm != HashAlgorithmName.SHA256)
        {
            throw new CscRequestException($"The service signs SHA-256 hashes only; {padesOptions.DigestAlgorithm.Name} was asked for.");
        }

        var extend = padesOptions.Level >= PadesLevel.BaselineLT;
        await using var temporary = extend ? PdfScratchFile.Create("csc") : null;
        var prepared = temporary ?? output;
        var state = await PadesSigner.PrepareAsync(input, prepared, padesOptions, cancellationToken);

        var sad = await csc.AuthorizeAsync(credentialId, state.DigestToSign, pin, cancellationToken);
        var signature = await csc.SignHashAsync(credentialId, sad, state.DigestToSign, signAlgorithm, cancellationToken);
        if (!Verifies(credential.Certificate, state.DigestToSign, signature))
        {
            throw new CscRequestException(
                $"signatures/signHash: the signature does not verify with the certificate of credential '{credentialId}' ('{credential.Certificate.Subject}').");
        }

        await PadesSigner.CompleteAsync(prepared, state, signature, credential.Certificate, padesOptions.Timestamper, cancellationToken);
        if (extend)
        {
            prepared.Position = 0;
            await PadesExtender.ExtendAsync(prepared, output, new PadesExtendOptions
            {
                Level = padesOptions.Level,
                Revocation = padesOptions.Revocation ?? throw new ArgumentException($"{padesOptions.Level} needs revocation sources", nameof(options)),
                Timestamper = padesOptions.Timestamper,
                ExtraCertificates = [.. padesOptions.Chain, .. padesOptions.ValidationCertificates],
                ReaderLimits = padesOptions.Pdf.ReaderLimits,
            }, cancellationToken);
        }

        return credential.Certificate;
    }

    /// <summary>The CSC signAlgo for the credential's key: PKCS#1 v1.5 with SHA-256 for RSA, ECDSA with SHA-256 for EC.</summary>
    internal static string SignAlgorithmFor(CscCredential credential)
    {
        using var rsa = credential.Certificate.GetRSAPublicKey();
        using var ecdsa = rsa is null ? credential.Certificate.GetECDsaPublicKey() : null;
        var (wanted, accepted) = rsa is not null
            ? (CscAlgorithms.Sha256WithRsa, new[] { CscAlgorithms.Sha256WithRsa, CscAlgorithms.RsaEncryption })
            : ecdsa is not null
                ? (CscAlgorithms.EcdsaWithSha256, [CscAlgorithms.EcdsaWithSha256])
                : throw new CscRequestException(
                    $"credentials/info: the key of '{credential.Certificate.Subject}' is neither RSA nor ECDSA ({credential.Certificate.PublicKey.Oid.Value}).");
        return credential.KeyAlgorithms.Any(accepted.Contains)
            ? wanted
            : throw new CscRequestException(
                $"credentials/info: key.algo ({string.Join(", ", credential.KeyAlgorithms.Take(8))}) lists none of {string.Join(", ", accepted)}.");
    }

    private static bool Verifies(X509Certificate2 certificate, byte[] digest, byte[] signature)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        using var ecdsa = certificate.GetECDsaPublicKey()!;
        var fieldBytes = (ecdsa.KeySize + 7) / 8;

        // The service answers DER (what CMS carries); a token relayed as is would give r||s.
        return ecdsa.VerifyHash(digest, signature,
            signature.Length == 2 * fieldBytes ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation : DSASignatureFormat.Rfc3279DerSequence);
    }
}
