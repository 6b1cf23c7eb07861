namespace Signing.Pdf.Signatures.Internal;

/// <summary>A signed signature field found in a document: its full name and its signature dictionary.</summary>
/// <param name="FieldName">The fully qualified field name.</param>
/// <param name="SignatureReference">The indirect reference of the signature dictionary (/V), when it is indirect.</param>
/// <param name="Signature">The signature dictionary.</param>
/// <param name="Field">The field dictionary (merged with its widget when it has one widget).</param>
internal sealed record SignedField(string FieldName, PdfReference? SignatureReference, PdfDictionary Signature, PdfDictionary Field);

/// <summary>Walks /AcroForm /Fields (and /Kids, depth- and count-bounded) for signature fields that carry a value.</summary>
internal static class SignatureFieldWalker
{
    private const int MaxFields = 100_000;

    public static IReadOnlyList<SignedField> SignedFields(PdfReader reader)
    {
        var found = new List<SignedField>();
        if (reader.Resolve(reader.Catalog["AcroForm"]) is not PdfDictionary acroForm || reader.Resolve(acroForm["Fields"]) is not PdfArray fields)
        {
            return found;
        }

        var visited = new HashSet<PdfReference>();
        var pending = new Stack<(PdfObject Node, string Prefix, int Depth, string? InheritedType)>();
        foreach (var field in Enumerable.Reverse(fields.Items))
        {
            pending.Push((field, "", 0, null));
        }

        var seen = 0;
        while (pending.Count > 0)
        {
            var (node, prefix, depth, inheritedType) = pending.Pop();
            if (++seen > MaxFields)
            {
                throw new PdfFormatException($"/AcroForm holds more than {MaxFields} fields");
            }

            if (depth > reader.Limits.MaxNestingDepth)
            {
                throw new PdfFormatException($"/AcroForm field tree is deeper than {reader.Limits.MaxNestingDepth}");
            }

            if (node is PdfReference reference && !visited.Add(reference))
            {
                continue;
            }

            if (reader.Resolve(node) is not PdfDictionary field)
            {
                continue;
            }

            var partial = (field["T"] as PdfString)?.ToText();
            var name = partial is null ? prefix : prefix.Length == 0 ? partial : prefix + "." + partial;
            var type = (field["FT"] as PdfName)?.Value ?? inheritedType;
            if (type == "Sig" && field["V"] is { } value && reader.Resolve(value) is PdfDictionary signature)
            {
                found.Add(new SignedField(name, value as PdfReference, signature, field));
            }

            if (reader.Resolve(field["Kids"]) is PdfArray kids)
            {
                foreach (var kid in Enumerable.Reverse(kids.Items))
                {
                    pending.Push((kid, name, depth + 1, type));
                }
            }
        }

        return found;
    }
}
