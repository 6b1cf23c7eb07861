namespace Signing.Pdf;

/// <summary>
/// Private scratch files for documents too large to hold in memory: created new (never an existing file), not
/// shared, and deleted by the operating system when closed, so a crash mid-request leaves nothing readable behind
/// once the handle goes.
/// </summary>
public static class PdfScratchFile
{
    /// <summary>Creates an empty read-write scratch file in the temp directory.</summary>
    /// <param name="purpose">A short name prefix (e.g. <c>upload</c>) that tells an operator who made the file.</param>
    public static FileStream Create(string purpose) => new(
        Path.Combine(Path.GetTempPath(), $"signing-{purpose}-{Guid.NewGuid():N}.pdf"),
        FileMode.CreateNew,
        FileAccess.ReadWrite,
        FileShare.None,
        81920,
        FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}
