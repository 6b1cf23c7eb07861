namespace Signing.Pdf;

/// <summary>
/// Private scratch files for documents too large to hold in memory: created new (never an existing file), readable
/// by this user only, not shared, and deleted when closed. A process killed outright leaves its files for the
/// temp directory's cleaner, which is why they are never readable by others.
/// </summary>
public static class PdfScratchFile
{
    /// <summary>Creates an empty read-write scratch file in the temp directory.</summary>
    /// <param name="purpose">A short name prefix (e.g. <c>upload</c>) that tells an operator who made the file.</param>
    public static FileStream Create(string purpose) => new(
        Path.Combine(Path.GetTempPath(), $"signing-{purpose}-{Guid.NewGuid():N}.pdf"),
        new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 81920,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
}
