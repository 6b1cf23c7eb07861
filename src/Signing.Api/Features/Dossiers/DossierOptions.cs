namespace Signing.Api.Features.Dossiers;

/// <summary>Configuration section <c>Dossiers</c>.</summary>
public sealed class DossierOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Dossiers";

    /// <summary>A working calendar to use instead of the shipped 2025–2027 one (same JSON shape as <c>working-calendar-vn.json</c>).</summary>
    public string? CalendarFile { get; set; }

    /// <summary>Working days the GCC has to answer a valid dossier (default 3, Decree 68/2024).</summary>
    public int DueWorkingDays { get; set; } = 3;

    /// <summary>Who the dossier is addressed to.</summary>
    public string Recipient { get; set; } = "Cục Chứng thực số và Bảo mật thông tin - Ban Cơ yếu Chính phủ";

    /// <summary>The line of the PDF the head's signature goes below.</summary>
    public string SignatureAnchor { get; set; } = "THỦ TRƯỞNG CƠ QUAN";

    /// <summary>The document type of the signature request that carries the PDF.</summary>
    public string DocumentType { get; set; } = "Công văn";

    /// <summary>The symbol pattern of that request; <c>{số}</c> is where a registered number would go.</summary>
    public string SymbolPattern { get; set; } = "{số}/CV-CKS";

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (DueWorkingDays is < 1 or > 60)
        {
            problems.Add("Dossiers:DueWorkingDays must be between 1 and 60.");
        }

        if (CalendarFile is { Length: > 0 } file && !File.Exists(file))
        {
            problems.Add($"Dossiers:CalendarFile '{file}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(SignatureAnchor) || !SymbolPattern.Contains("{số}", StringComparison.Ordinal))
        {
            problems.Add("Dossiers:SignatureAnchor must be set and Dossiers:SymbolPattern must hold {số}.");
        }

        return problems;
    }
}
