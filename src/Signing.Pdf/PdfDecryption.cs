namespace Signing.Pdf;

/// <summary>What <see cref="PdfReader.Open"/> does with an encrypted document.</summary>
public enum PdfDecryption
{
    /// <summary>Refuse it with <see cref="PdfEncryptedException"/>: the default, and what signing needs, since the writer does not encrypt.</summary>
    Refuse,

    /// <summary>
    /// Read it when it uses the standard security handler (RC4 40/128, AES-128, AES-256) and opens with the empty user
    /// password, as viewers do without asking; for validation and other reading.
    /// </summary>
    EmptyUserPassword,
}
