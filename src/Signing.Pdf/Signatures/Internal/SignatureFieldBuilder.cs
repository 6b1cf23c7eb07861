namespace Signing.Pdf.Signatures.Internal;

/// <summary>
/// Adds a signature field merged with its widget annotation to page 1 and to /AcroForm /Fields (ISO 32000-1 §12.7.4.5),
/// coping with AcroForm present or absent and direct, indirect or inherited /Annots arrays.
/// </summary>
internal static class SignatureFieldBuilder
{
    // Print (4) + Locked (128): the widget prints and cannot be moved or deleted in a viewer.
    private const int WidgetFlags = 132;

    /// <summary>
    /// Points a field at the signature dictionary: an existing empty signature field named <paramref name="requestedName"/>
    /// (a template's pre-placed field), otherwise a new invisible field on page 1. Returns the field name.
    /// </summary>
    public static string Attach(PdfIncrementalWriter writer, PdfReference signatureValue, string? requestedName, SignatureAppearance? appearance = null)
    {
        var reader = writer.Reader;
        var catalog = reader.ResolveDictionary(writer.GetObject(reader.CatalogReference), "the catalog");
        var acroFormValue = catalog["AcroForm"];
        var acroForm = writer.Resolve(acroFormValue) is PdfDictionary existing ? existing.Clone() : new PdfDictionary();
        var fields = writer.Resolve(acroForm["Fields"]) as PdfArray;
        var emptyField = requestedName is null ? null : FindEmptySignatureField(writer, fields, requestedName);
        if (emptyField is not null)
        {
            var filled = reader.ResolveDictionary(writer.GetObject(emptyField), $"field object {emptyField.ObjectNumber}").Clone();
            filled["V"] = signatureValue;
            writer.SetObject(emptyField, filled);
            SetSignatureFlags(writer, catalog, acroFormValue, acroForm);
            return requestedName!;
        }

        var pages = reader.GetPageReferences();
        if (pages.Count == 0)
        {
            throw new PdfFormatException("The document has no pages to put a signature widget on");
        }

        var pageNumber = appearance?.PageNumber ?? 1;
        if (pageNumber < 1 || pageNumber > pages.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(appearance), $"Page {pageNumber} does not exist; the document has {pages.Count} pages");
        }

        var pageReference = pages[pageNumber - 1];
        var fieldName = ChooseName(writer, fields, requestedName);

        var widget = new PdfDictionary
        {
            ["Type"] = new PdfName("Annot"),
            ["Subtype"] = new PdfName("Widget"),
            ["FT"] = new PdfName("Sig"),
            ["T"] = PdfString.FromText(fieldName),
            ["V"] = signatureValue,
            ["Rect"] = new PdfArray(new PdfInteger(0), new PdfInteger(0), new PdfInteger(0), new PdfInteger(0)),
            ["F"] = new PdfInteger(WidgetFlags),
            ["P"] = pageReference,
        };
        if (appearance is not null)
        {
            var page = reader.ResolveDictionary(writer.GetObject(pageReference), $"page object {pageReference.ObjectNumber}");
            var (rectangle, stream) = AppearanceBuilder.Build(writer, page, appearance);
            widget["Rect"] = new PdfArray(new PdfReal(rectangle.X), new PdfReal(rectangle.Y), new PdfReal(rectangle.X + rectangle.Width), new PdfReal(rectangle.Y + rectangle.Height));
            widget["AP"] = new PdfDictionary { ["N"] = stream };
        }

        var widgetReference = writer.AddObject(widget);

        AddToPageAnnotations(writer, pageReference, widgetReference);

        var newFields = new PdfArray(fields?.Items ?? []);
        newFields.Items.Add(widgetReference);
        if (acroForm["Fields"] is PdfReference fieldsReference)
        {
            writer.SetObject(fieldsReference, newFields);
        }
        else
        {
            acroForm["Fields"] = newFields;
        }

        SetSignatureFlags(writer, catalog, acroFormValue, acroForm);
        return fieldName;
    }

    private static void SetSignatureFlags(PdfIncrementalWriter writer, PdfDictionary catalog, PdfObject? acroFormValue, PdfDictionary acroForm)
    {
        // SignaturesExist (1) + AppendOnly (2): viewers must save further changes incrementally.
        acroForm["SigFlags"] = new PdfInteger(3);
        if (acroFormValue is PdfReference acroFormReference)
        {
            writer.SetObject(acroFormReference, acroForm);
        }
        else
        {
            var newCatalog = catalog.Clone();
            newCatalog["AcroForm"] = writer.AddObject(acroForm);
            writer.SetObject(writer.Reader.CatalogReference, newCatalog);
        }
    }

    /// <summary>The top-level field named <paramref name="name"/> when it is an unsigned signature field; null when there is no such field.</summary>
    private static PdfReference? FindEmptySignatureField(PdfIncrementalWriter writer, PdfArray? fields, string name)
    {
        foreach (var item in fields?.Items ?? [])
        {
            if (item is not PdfReference reference
                || writer.Resolve(reference) is not PdfDictionary field
                || field["T"] is not PdfString title
                || title.ToText() != name)
            {
                continue;
            }

            if (field["FT"] is not PdfName { Value: "Sig" })
            {
                throw new InvalidOperationException($"The document already has a field named '{name}' and it is not a signature field");
            }

            return field.ContainsKey("V")
                ? throw new InvalidOperationException($"The signature field '{name}' is already signed")
                : reference;
        }

        return null;
    }

    internal static void AddToPageAnnotations(PdfIncrementalWriter writer, PdfReference pageReference, PdfReference widgetReference)
    {
        var page = writer.Reader.ResolveDictionary(writer.GetObject(pageReference), $"page object {pageReference.ObjectNumber}").Clone();
        var annotsValue = page["Annots"];
        if (annotsValue is PdfReference annotsReference)
        {
            var shared = writer.Resolve(annotsReference) as PdfArray
                ?? throw new PdfFormatException($"/Annots of page object {pageReference.ObjectNumber} (object {annotsReference.ObjectNumber}) is not an array");
            var updated = new PdfArray(shared.Items);
            updated.Items.Add(widgetReference);
            writer.SetObject(annotsReference, updated);
            return;
        }

        // /Annots is not inheritable in ISO 32000, but some writers put it on a /Pages node and some viewers honour that;
        // copying the inherited list keeps those annotations visible once the page has its own array.
        var annotations = annotsValue as PdfArray ?? InheritedAnnotations(writer, page) ?? new PdfArray();
        var copy = new PdfArray(annotations.Items);
        copy.Items.Add(widgetReference);
        page["Annots"] = copy;
        writer.SetObject(pageReference, page);
    }

    private static PdfArray? InheritedAnnotations(PdfIncrementalWriter writer, PdfDictionary page)
    {
        var node = page;
        for (var depth = 0; depth < writer.Reader.Limits.MaxNestingDepth; depth++)
        {
            if (writer.Resolve(node["Parent"]) is not PdfDictionary parent)
            {
                return null;
            }

            if (writer.Resolve(parent["Annots"]) is PdfArray inherited)
            {
                return inherited;
            }

            node = parent;
        }

        return null;
    }

    private static string ChooseName(PdfIncrementalWriter writer, PdfArray? fields, string? requested)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields?.Items ?? [])
        {
            if (writer.Resolve(field) is PdfDictionary dictionary && dictionary["T"] is PdfString name)
            {
                taken.Add(name.ToText());
            }
        }

        if (requested is not null)
        {
            if (requested.Length == 0 || requested.Contains('.', StringComparison.Ordinal))
            {
                throw new ArgumentException("A field name must be non-empty and contain no '.' (ISO 32000-1 §12.7.3.2)", nameof(requested));
            }

            return taken.Contains(requested)
                ? throw new InvalidOperationException($"The document already has a field named '{requested}'")
                : requested;
        }

        for (var i = 1; ; i++)
        {
            var candidate = "Signature" + i;
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
