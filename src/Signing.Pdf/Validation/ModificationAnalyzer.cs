using System.Globalization;
using Signing.Pdf.Internal;

namespace Signing.Pdf.Validation;

/// <summary>
/// Compares the revision a signature covers with the current document, object by object, and judges each change by
/// explicit rules that reject by default (after pyHanko's difference analysis and DSS's object-modification checks).
/// Allowed: new signatures (signature field, widget, AcroForm and /Annots updates, resources added to the page for the
/// widget), the DSS and document timestamps, an updated XMP /Metadata stream and Info /ModDate (what readers write on
/// save); filling form fields and regenerating their appearance streams when the DocMDP permission is 2 or 3;
/// annotations when it is 3. Everything else, such as a changed content stream or page tree, is reported as not
/// allowed, naming the object and what changed.
/// </summary>
/// <remarks>
/// The rules, by their names in pyHanko's <c>diff_analysis</c>: cross-reference and object streams are skipped
/// (XrefStreamRule, ObjectStreamRule); the catalog may change only in /AcroForm, /DSS, /Extensions, /Version and
/// /Metadata (CatalogModificationRule); the DSS may grow (DSSCompareRule); new signature fields and their widgets
/// (SigFieldCreationRule); filled fields (GenericFieldModificationRule under FormUpdatingRule); /Info
/// (DocInfoRule, here narrowed to /ModDate and /Producer); XMP (MetadataUpdateRule). In DSS's terms
/// (PdfObjectModifications) the accepted ones are its "extension changes" (DSS, document timestamps), "signature or
/// form fill changes" and, at P=3, "annotation changes"; its "undefined changes" are what we reject.
/// </remarks>
internal sealed class ModificationAnalyzer
{
    private const int MaxCompareDepth = 64;
    private static readonly HashSet<string> CatalogKeysAllowed = ["AcroForm", "DSS", "Extensions", "Version"];
    private static readonly HashSet<string> AcroFormKeysAllowed = ["Fields", "SigFlags", "DR", "DA", "NeedAppearances"];
    private static readonly HashSet<string> FilledFieldKeys = ["V", "AP", "AS", "MK"];

    /// <summary>
    /// Info keys a reader rewrites on every save. pyHanko's DocInfoRule accepts any Info change; we accept only these,
    /// so a changed /Title or /Author is still named.
    /// </summary>
    private static readonly HashSet<string> InfoKeysAllowed = ["ModDate", "Producer"];
    private static readonly string[] AppearanceStates = ["N", "R", "D"];

    private readonly PdfReader oldDocument;
    private readonly PdfReader newDocument;
    private readonly int permission;
    private readonly IReadOnlySet<string> lockedFields;
    private readonly Dictionary<PdfReference, int> newPages = [];
    private readonly Dictionary<int, int> contentStreamPages = [];
    private readonly Dictionary<int, int> annotsArrayPages = [];
    private readonly HashSet<int> dssObjects = [];
    private readonly Dictionary<int, string> appearanceStreams = [];
    private readonly HashSet<int> pageResourceObjects = [];
    private readonly HashSet<int> resourceCategoryObjects = [];
    private readonly HashSet<int> pageXObjects = [];
    private int? acroFormObject;
    private int? fieldsArrayObject;
    private int? infoObject;
    private int? metadataObject;

    private ModificationAnalyzer(PdfReader oldDocument, PdfReader newDocument, int permission, IReadOnlySet<string> lockedFields)
    {
        this.oldDocument = oldDocument;
        this.newDocument = newDocument;
        this.permission = permission;
        this.lockedFields = lockedFields;
    }

    /// <summary>
    /// Lists every object that differs, each marked allowed or not. <paramref name="oldDocument"/> reads an earlier
    /// revision of <paramref name="newDocument"/>'s file: its first bytes, as both callers (a signature's revision, the
    /// original of an uploaded signed copy) guarantee.
    /// </summary>
    public static IReadOnlyList<PdfModification> Analyze(PdfReader oldDocument, PdfReader newDocument, int permission, IReadOnlySet<string> lockedFields)
    {
        var analyzer = new ModificationAnalyzer(oldDocument, newDocument, permission, lockedFields);
        analyzer.IndexDocument();
        return analyzer.Compare();
    }

    private void IndexDocument()
    {
        var pages = newDocument.GetPageReferences();
        for (var i = 0; i < pages.Count; i++)
        {
            newPages[pages[i]] = i + 1;
        }

        var oldPages = oldDocument.GetPageReferences();
        for (var i = 0; i < oldPages.Count; i++)
        {
            var page = oldDocument.ResolveDictionary(oldPages[i], "page");
            foreach (var content in ContentReferences(oldDocument, page["Contents"]))
            {
                contentStreamPages.TryAdd(content, i + 1);
            }

            if (page["Annots"] is PdfReference annots)
            {
                annotsArrayPages.TryAdd(annots.ObjectNumber, i + 1);
            }
        }

        foreach (var (reference, number) in newPages)
        {
            var page = newDocument.ResolveDictionary(reference, "page");
            if (page["Annots"] is PdfReference annots)
            {
                annotsArrayPages.TryAdd(annots.ObjectNumber, number);
            }

            IndexResources(newDocument, page["Resources"]);
        }

        foreach (var reference in oldPages)
        {
            IndexResources(oldDocument, oldDocument.ResolveDictionary(reference, "page")["Resources"]);
        }

        if (newDocument.Trailer["Info"] is PdfReference info)
        {
            infoObject = info.ObjectNumber;
        }

        if (newDocument.Catalog["Metadata"] is PdfReference metadata)
        {
            metadataObject = metadata.ObjectNumber;
        }

        IndexAppearanceStreams();

        var catalog = newDocument.Catalog;
        if (catalog["AcroForm"] is PdfReference acroForm)
        {
            acroFormObject = acroForm.ObjectNumber;
        }

        if (newDocument.Resolve(catalog["AcroForm"]) is PdfDictionary form && form["Fields"] is PdfReference fields)
        {
            fieldsArrayObject = fields.ObjectNumber;
        }

        CollectDss(catalog["DSS"]);
    }

    /// <summary>
    /// The DSS dictionary, its /Certs, /CRLs and /OCSPs arrays and their streams, the /VRI dictionary and its per-signature
    /// entries. Only these keys are followed, so a DSS cannot make, say, a page count as validation data.
    /// </summary>
    private void CollectDss(PdfObject? dssValue)
    {
        AddReference(dssValue);
        if (newDocument.Resolve(dssValue) is not PdfDictionary dss)
        {
            return;
        }

        foreach (var key in new[] { "Certs", "CRLs", "OCSPs" })
        {
            AddArrayAndItems(dss[key]);
        }

        AddReference(dss["VRI"]);
        if (newDocument.Resolve(dss["VRI"]) is not PdfDictionary vri)
        {
            return;
        }

        foreach (var entry in vri.Entries.Take(10_000))
        {
            AddReference(entry.Value);
            if (newDocument.Resolve(entry.Value) is PdfDictionary perSignature)
            {
                foreach (var key in new[] { "Cert", "CRL", "OCSP", "TS" })
                {
                    AddArrayAndItems(perSignature[key]);
                }
            }
        }
    }

    /// <summary>A page's resource dictionary and its category dictionaries, when they are objects of their own.</summary>
    private void IndexResources(PdfReader reader, PdfObject? resources)
    {
        if (resources is PdfReference reference)
        {
            pageResourceObjects.Add(reference.ObjectNumber);
        }

        if (reader.Resolve(resources) is not PdfDictionary dictionary)
        {
            return;
        }

        foreach (var (_, category) in dictionary.Entries)
        {
            if (category is PdfReference categoryReference)
            {
                resourceCategoryObjects.Add(categoryReference.ObjectNumber);
            }
        }

        // Form XObjects a page draws: an appearance stream that is also one of these is page content, not a widget's look.
        if (reader.Resolve(dictionary["XObject"]) is PdfDictionary xobjects)
        {
            foreach (var (_, xobject) in xobjects.Entries.Take(10_000))
            {
                if (xobject is PdfReference xobjectReference)
                {
                    pageXObjects.Add(xobjectReference.ObjectNumber);
                }
            }
        }
    }

    /// <summary>
    /// The appearance streams (/AP /N, /R, /D, directly or per state) of every widget of every form field in the current
    /// document, with the field's name: the streams a form-filling reader regenerates.
    /// </summary>
    private void IndexAppearanceStreams()
    {
        if (newDocument.Resolve(newDocument.Catalog["AcroForm"]) is not PdfDictionary form || newDocument.Resolve(form["Fields"]) is not PdfArray fields)
        {
            return;
        }

        var pending = new Stack<(PdfObject Node, int Depth)>(fields.Items.Select(f => (f, 0)));
        var visited = new HashSet<int>();
        while (pending.Count > 0 && visited.Count < 10_000)
        {
            var (node, depth) = pending.Pop();
            if (depth > 32 || (node is PdfReference r && !visited.Add(r.ObjectNumber)) || newDocument.Resolve(node) is not PdfDictionary field)
            {
                continue;
            }

            if (newDocument.Resolve(field["AP"]) is PdfDictionary appearance)
            {
                var name = FieldName(field);
                foreach (var state in AppearanceStates)
                {
                    switch (appearance[state])
                    {
                        case PdfReference stream:
                            appearanceStreams.TryAdd(stream.ObjectNumber, name);
                            break;
                        case var value when newDocument.Resolve(value) is PdfDictionary perState:
                            foreach (var (_, entry) in perState.Entries.Take(64))
                            {
                                if (entry is PdfReference stateStream)
                                {
                                    appearanceStreams.TryAdd(stateStream.ObjectNumber, name);
                                }
                            }

                            break;
                    }
                }
            }

            if (newDocument.Resolve(field["Kids"]) is PdfArray kids)
            {
                foreach (var kid in kids.Items.Take(10_000))
                {
                    pending.Push((kid, depth + 1));
                }
            }
        }
    }

    private void AddArrayAndItems(PdfObject? value)
    {
        AddReference(value);
        if (newDocument.Resolve(value) is PdfArray array)
        {
            foreach (var item in array.Items.Take(10_000))
            {
                AddReference(item);
            }
        }
    }

    private void AddReference(PdfObject? value)
    {
        if (value is PdfReference reference)
        {
            dssObjects.Add(reference.ObjectNumber);
        }
    }

    private static IEnumerable<int> ContentReferences(PdfReader reader, PdfObject? contents) => contents switch
    {
        PdfReference r when reader.Resolve(r) is PdfArray array => [r.ObjectNumber, .. array.Items.OfType<PdfReference>().Select(x => x.ObjectNumber)],
        PdfReference r => [r.ObjectNumber],
        PdfArray array => array.Items.OfType<PdfReference>().Select(x => x.ObjectNumber),
        _ => [],
    };

    private List<PdfModification> Compare()
    {
        var changes = new List<PdfModification>();
        var newNumbers = new HashSet<int>();
        foreach (var reference in newDocument.ObjectReferences)
        {
            newNumbers.Add(reference.ObjectNumber);
            if (DefinedAlike(reference.ObjectNumber))
            {
                continue;
            }

            var current = newDocument.GetObject(reference);
            if (IsStructural(current))
            {
                continue;
            }

            var before = oldDocument.GetObject(reference);
            if (before is PdfNull)
            {
                var description = dssObjects.Contains(reference.ObjectNumber) ? "validation data in the DSS (certificate, CRL, OCSP or VRI)" : DescribeAdded(current);
                changes.Add(new PdfModification(reference.ObjectNumber, "added", description, true, null));
            }
            else if (!DeepEquals(before, current, 0))
            {
                changes.Add(JudgeModified(reference, before, current));
            }
        }

        foreach (var reference in oldDocument.ObjectReferences.Where(r => !newNumbers.Contains(r.ObjectNumber)))
        {
            if (!IsStructural(oldDocument.GetObject(reference)))
            {
                changes.Add(new PdfModification(reference.ObjectNumber, "deleted", "object removed", false, null));
            }
        }

        return changes;
    }

    // Like pyHanko's difference analysis, which examines only the objects a revision's cross-reference section
    // (re)defines: the older revision's bytes are the first bytes of the newer file, so an object both sections put at
    // the same offset (or at the same place of an object stream both put at the same offset) is the same object, and
    // parsing and comparing it again would only cost time (all of it, for a long document and a one-object update).
    // An indirect /Length that changed is itself a redefined object and judged. Encrypted files are compared in full:
    // the newer trailer could change how the same bytes decrypt.
    private bool DefinedAlike(int objectNumber)
    {
        if (oldDocument.Encryption is not null || newDocument.Encryption is not null
            || oldDocument.EntryOf(objectNumber) is not { } before || newDocument.EntryOf(objectNumber) is not { } after || before != after)
        {
            return false;
        }

        return after.Kind != XrefEntryKind.Compressed
            || (oldDocument.EntryOf(after.ObjectStreamNumber) is { Kind: XrefEntryKind.InUse } oldStream
                && newDocument.EntryOf(after.ObjectStreamNumber) is { } newStream && oldStream == newStream);
    }

    private static bool IsStructural(PdfObject value) =>
        value is PdfStream stream && (stream.Dictionary["Type"] as PdfName)?.Value is "XRef" or "ObjStm";

    private string DescribeAdded(PdfObject value)
    {
        var dictionary = AsDictionary(value);
        var type = (dictionary?["Type"] as PdfName)?.Value;
        var subtype = (dictionary?["Subtype"] as PdfName)?.Value;
        return (type, subtype) switch
        {
            ("Sig", _) => "new signature dictionary",
            ("DocTimeStamp", _) => "new document timestamp",
            (_, "Widget") => "new widget annotation" + (IsSignatureField(dictionary!) ? " of a signature field" : string.Empty),
            ("Page", _) => "new page object (harmless unless the page tree refers to it)",
            (_, "Form") => "new form XObject (e.g. an appearance)",
            _ when dictionary is not null && IsSignatureField(dictionary) => "new signature field",
            _ => $"new {(value is PdfStream ? "stream" : value.GetType().Name[3..].ToLowerInvariant())} object",
        };
    }

    private PdfModification JudgeModified(PdfReference reference, PdfObject before, PdfObject current)
    {
        var number = reference.ObjectNumber;
        var oldDictionary = AsDictionary(before);
        var newDictionary = AsDictionary(current);
        if (contentStreamPages.TryGetValue(number, out var contentPage))
        {
            return Reject(number, $"content stream of page {contentPage} changed", contentPage);
        }

        if (newDocument.CatalogReference.ObjectNumber == number && oldDictionary is not null && newDictionary is not null)
        {
            var keys = ChangedKeys(oldDictionary, newDictionary);

            // pyHanko's MetadataUpdateRule: /Metadata may point at a new XMP stream (/Type /Metadata /Subtype /XML).
            var forbidden = keys.Where(k => !CatalogKeysAllowed.Contains(k) && !(k == "Metadata" && IsXmpStream(newDocument, newDictionary[k]))).ToList();
            if (forbidden.Count > 0)
            {
                return Reject(number, $"catalog: {string.Join(", ", forbidden.Select(k => "/" + k))} changed", null);
            }

            // An /AcroForm written inside the catalog gets the same scrutiny as one that is an object of its own.
            if (keys.Contains("AcroForm") && oldDocument.Resolve(oldDictionary["AcroForm"]) is PdfDictionary oldForm
                && newDocument.Resolve(newDictionary["AcroForm"]) is PdfDictionary newForm
                && JudgeAcroForm(oldForm, newForm) is { } formProblem)
            {
                return Reject(number, "catalog: interactive form: " + formProblem, null);
            }

            return new PdfModification(number, "modified", $"catalog: {string.Join(", ", keys.Select(k => "/" + k))} updated", true, null);
        }

        if (number == metadataObject && current is PdfStream && IsXmpStream(oldDocument, before) && IsXmpStream(newDocument, current))
        {
            return new PdfModification(number, "modified", "XMP metadata stream updated (pyHanko MetadataUpdateRule)", true, null);
        }

        if (number == infoObject && oldDictionary is not null && newDictionary is not null)
        {
            var keys = ChangedKeys(oldDictionary, newDictionary);
            var forbidden = keys.Where(k => !InfoKeysAllowed.Contains(k)).ToList();
            return forbidden.Count == 0
                ? new PdfModification(number, "modified", $"document information: {string.Join(", ", keys.Select(k => "/" + k))} updated (pyHanko DocInfoRule)", true, null)
                : Reject(number, $"document information: {string.Join(", ", forbidden.Select(k => "/" + k))} changed", null);
        }

        if (appearanceStreams.TryGetValue(number, out var appearanceField) && current is PdfStream
            && (AsDictionary(current)?["Subtype"] as PdfName)?.Value == "Form" && !pageXObjects.Contains(number))
        {
            // pyHanko's form-filling rules and DSS's "form fill-in": a reader regenerates the appearance of a field it fills.
            var allowed = permission >= 2 && !lockedFields.Contains(appearanceField);
            return new PdfModification(number, "modified", $"appearance stream of form field '{appearanceField}' regenerated"
                + (allowed ? string.Empty : lockedFields.Contains(appearanceField) ? "; the field is locked by FieldMDP" : "; DocMDP forbids form filling"), allowed, null);
        }

        if ((pageResourceObjects.Contains(number) || resourceCategoryObjects.Contains(number)) && oldDictionary is not null && newDictionary is not null && current is not PdfStream)
        {
            // A category dictionary (/Font, /XObject, ...) that is an object of its own: names may only be added.
            var problem = pageResourceObjects.Contains(number)
                ? ResourcesProblem(oldDictionary, newDictionary)
                : oldDictionary.Entries.Where(e => !DeepEquals(e.Value, newDictionary[e.Key], 0)).Select(e => "/" + e.Key.Value).ToList() is { Count: > 0 } replaced
                    ? $"{string.Join(", ", replaced.Take(5))} removed or replaced"
                    : null;
            return problem is null
                ? new PdfModification(number, "modified", "page resources: entries added, none changed", true, null)
                : Reject(number, "page resources: " + problem, null);
        }

        if (number == acroFormObject && oldDictionary is not null && newDictionary is not null)
        {
            var problem = JudgeAcroForm(oldDictionary, newDictionary);
            return problem is null
                ? new PdfModification(number, "modified", "interactive form: signature fields added", true, null)
                : Reject(number, "interactive form: " + problem, null);
        }

        if (number == fieldsArrayObject && before is PdfArray oldFields && current is PdfArray newFields)
        {
            var added = JudgeAddedEntries(oldFields, newFields, annotations: false);
            return added is null
                ? new PdfModification(number, "modified", "form field list: signature fields added", true, null)
                : Reject(number, "form field list: " + added, null);
        }

        if (annotsArrayPages.TryGetValue(number, out var annotsPage) && before is PdfArray oldAnnots && current is PdfArray newAnnots)
        {
            var added = JudgeAddedEntries(oldAnnots, newAnnots, annotations: true);
            return added is null
                ? new PdfModification(number, "modified", $"annotations of page {annotsPage}: allowed annotations added", true, annotsPage)
                : Reject(number, $"annotations of page {annotsPage}: {added}", annotsPage);
        }

        if (newPages.TryGetValue(reference, out var page) && oldDictionary is not null && newDictionary is not null)
        {
            var keys = ChangedKeys(oldDictionary, newDictionary);
            if (keys.Any(k => k is not ("Annots" or "Resources")))
            {
                return Reject(number, $"page {page}: {string.Join(", ", keys.Where(k => k is not ("Annots" or "Resources")).Select(k => "/" + k))} changed", page);
            }

            // A signer that adds a widget may add the resources its appearance uses to the page: entries added, none
            // replaced or removed, so the page's content draws exactly as before.
            if (keys.Contains("Resources")
                && ResourcesProblem(oldDocument.Resolve(oldDictionary["Resources"]) as PdfDictionary, newDocument.Resolve(newDictionary["Resources"]) as PdfDictionary) is { } resources)
            {
                return Reject(number, $"page {page}: /Resources {resources}", page);
            }

            var added = JudgeAddedEntries(oldDocument.Resolve(oldDictionary["Annots"]) as PdfArray, newDocument.Resolve(newDictionary["Annots"]) as PdfArray, annotations: true);
            var what = string.Join(" and ", new[] { keys.Contains("Annots") ? "allowed annotations added" : null, keys.Contains("Resources") ? "resources added" : null }.OfType<string>());
            return added is null
                ? new PdfModification(number, "modified", $"page {page}: {what}", true, page)
                : Reject(number, $"page {page}: {added}", page);
        }

        if (dssObjects.Contains(number) && (newDictionary?["Type"] as PdfName)?.Value is null or "DSS")
        {
            return new PdfModification(number, "modified", "document security store (DSS) updated", true, null);
        }

        if (oldDictionary is not null && newDictionary is not null)
        {
            var keys = ChangedKeys(oldDictionary, newDictionary);
            var type = (newDictionary["Type"] as PdfName)?.Value;
            if (type == "Pages")
            {
                return Reject(number, "page tree changed (pages added, removed, reordered or replaced)", null);
            }

            if (IsSignatureField(newDictionary) && oldDictionary["V"] is null && newDictionary["V"] is not null
                && keys.All(k => k is "V" or "AP" or "Lock" or "SV" or "F" or "MK" or "AS"))
            {
                return new PdfModification(number, "modified", $"empty signature field '{FieldName(newDictionary)}' signed", permission >= 2 || IsDocumentTimestamp(newDictionary), null);
            }

            var isField = newDictionary["FT"] is not null || newDictionary["T"] is not null;
            var subtype = (newDictionary["Subtype"] as PdfName)?.Value;
            if (isField && !IsSignatureField(newDictionary) && keys.All(FilledFieldKeys.Contains))
            {
                var name = FieldName(newDictionary);
                var allowed = permission >= 2 && !lockedFields.Contains(name);
                return new PdfModification(number, "modified", $"form field '{name}' filled in ({string.Join(", ", keys.Select(k => "/" + k))})"
                    + (allowed ? string.Empty : lockedFields.Contains(name) ? "; the field is locked by FieldMDP" : "; DocMDP forbids form filling"), allowed, null);
            }

            if (subtype == "Widget" && keys.All(k => k is "AP" or "AS" or "MK"))
            {
                return new PdfModification(number, "modified", "widget appearance changed", permission >= 2, null);
            }

            if (subtype is not null && subtype != "Widget" && newDictionary["Subtype"] is not null && type is null or "Annot")
            {
                return new PdfModification(number, "modified", $"{subtype} annotation changed", permission >= 3, null);
            }

            var what = keys.Count == 0 ? "stream data" : string.Join(", ", keys.Select(k => "/" + k));
            return Reject(number, $"{(type is null ? "object" : "/" + type + " object")}: {what} changed", null);
        }

        return Reject(number, current is PdfStream ? "stream data changed" : "object changed", null);
    }

    /// <summary>Null when the interactive form changed only in allowed keys and gained only allowed fields; otherwise why not.</summary>
    private string? JudgeAcroForm(PdfDictionary before, PdfDictionary after)
    {
        var keys = ChangedKeys(before, after);
        var forbidden = keys.Where(k => !AcroFormKeysAllowed.Contains(k)).ToList();
        if (forbidden.Count > 0)
        {
            return $"{string.Join(", ", forbidden.Select(k => "/" + k))} changed";
        }

        return JudgeAddedEntries(oldDocument.Resolve(before["Fields"]) as PdfArray, newDocument.Resolve(after["Fields"]) as PdfArray, annotations: false);
    }

    /// <summary>
    /// Null when <paramref name="after"/> keeps every resource of <paramref name="before"/> under the same name with the
    /// same value and only adds; otherwise what was removed or replaced. /ProcSet is obsolete and ignored.
    /// </summary>
    private string? ResourcesProblem(PdfDictionary? before, PdfDictionary? after)
    {
        if (before is null || after is null)
        {
            return before is null && after is null ? null : "replaced by something that is not a dictionary";
        }

        foreach (var (category, oldValue) in before.Entries)
        {
            if (category.Value == "ProcSet")
            {
                continue;
            }

            var newValue = after[category];
            if (DeepEquals(oldValue, newValue, 0))
            {
                continue;
            }

            if (oldDocument.Resolve(oldValue) is not PdfDictionary oldCategory || newDocument.Resolve(newValue) is not PdfDictionary newCategory)
            {
                return $"/{category.Value} removed or replaced";
            }

            var changed = oldCategory.Entries.Where(e => !DeepEquals(e.Value, newCategory[e.Key], 0)).Select(e => $"/{category.Value} /{e.Key.Value}").ToList();
            if (changed.Count > 0)
            {
                return $"{string.Join(", ", changed.Take(5))} removed or replaced";
            }
        }

        return null;
    }

    private static bool IsXmpStream(PdfReader reader, PdfObject? value) =>
        reader.Resolve(value) is PdfStream { Dictionary: var dictionary }
        && (dictionary["Type"] as PdfName)?.Value == "Metadata" && (dictionary["Subtype"] as PdfName)?.Value == "XML";

    /// <summary>Null when every entry added to the array is allowed; otherwise why not. Removed entries are never allowed.</summary>
    private string? JudgeAddedEntries(PdfArray? before, PdfArray? after, bool annotations)
    {
        var oldEntries = before?.Items ?? [];
        var newEntries = after?.Items ?? [];
        var removed = oldEntries.Where(o => !newEntries.Any(n => DeepEquals(o, n, 0))).ToList();
        if (removed.Count > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{removed.Count} entries removed");
        }

        foreach (var entry in newEntries.Where(n => !oldEntries.Any(o => DeepEquals(o, n, 0))))
        {
            var dictionary = newDocument.Resolve(entry) as PdfDictionary;
            var label = entry is PdfReference r ? "object " + r.ObjectNumber.ToString(CultureInfo.InvariantCulture) : "an inline entry";
            if (dictionary is null)
            {
                return $"{label} added, which is not a dictionary";
            }

            if (IsSignatureField(dictionary))
            {
                if (permission == 1 && !IsDocumentTimestamp(dictionary))
                {
                    return $"signature field {label} added, but DocMDP P=1 allows no changes";
                }

                continue;
            }

            if (annotations && permission >= 3 && dictionary["Subtype"] is PdfName { Value: not "Widget" })
            {
                continue;
            }

            var what = annotations ? $"{(dictionary["Subtype"] as PdfName)?.Value ?? "unknown"} annotation" : "form field";
            return $"{what} {label} added, which DocMDP P={permission} does not allow";
        }

        return null;
    }

    private bool IsSignatureField(PdfDictionary dictionary)
    {
        var current = dictionary;
        for (var depth = 0; depth < 32 && current is not null; depth++)
        {
            if (current["FT"] is PdfName fieldType)
            {
                return fieldType.Value == "Sig";
            }

            current = newDocument.Resolve(current["Parent"]) as PdfDictionary;
        }

        return false;
    }

    private bool IsDocumentTimestamp(PdfDictionary field) =>
        newDocument.Resolve(field["V"]) is PdfDictionary value && (value["Type"] as PdfName)?.Value == "DocTimeStamp";

    private string FieldName(PdfDictionary field)
    {
        var parts = new List<string>();
        var current = field;
        for (var depth = 0; depth < 32 && current is not null; depth++)
        {
            if (current["T"] is PdfString t)
            {
                parts.Insert(0, t.ToText());
            }

            current = newDocument.Resolve(current["Parent"]) as PdfDictionary;
        }

        return string.Join('.', parts);
    }

    private static PdfModification Reject(int number, string description, int? page) => new(number, "modified", description, false, page);

    private static PdfDictionary? AsDictionary(PdfObject value) => value switch
    {
        PdfDictionary d => d,
        PdfStream s => s.Dictionary,
        _ => null,
    };

    private static List<string> ChangedKeys(PdfDictionary before, PdfDictionary after) =>
        before.Entries.Select(e => e.Key.Value).Union(after.Entries.Select(e => e.Key.Value))
            .Where(k => !DeepEquals(before[k], after[k], 0))
            .ToList();

    /// <summary>Structural equality; references compare by number, not by what they point to.</summary>
    internal static bool DeepEquals(PdfObject? a, PdfObject? b, int depth)
    {
        if (depth > MaxCompareDepth)
        {
            throw new PdfFormatException($"Objects nest deeper than {MaxCompareDepth} levels");
        }

        return (a, b) switch
        {
            (null, null) => true,
            (PdfNull, PdfNull) => true,
            (PdfBoolean x, PdfBoolean y) => x.Value == y.Value,
            (PdfInteger x, PdfInteger y) => x.Value == y.Value,
            (PdfReal x, PdfReal y) => x.Value.Equals(y.Value),
            (PdfString x, PdfString y) => x.Bytes.AsSpan().SequenceEqual(y.Bytes),
            (PdfName x, PdfName y) => x.Equals(y),
            (PdfReference x, PdfReference y) => x.Equals(y),
            (PdfArray x, PdfArray y) => x.Count == y.Count && x.Items.Zip(y.Items).All(p => DeepEquals(p.First, p.Second, depth + 1)),
            (PdfDictionary x, PdfDictionary y) => x.Count == y.Count && x.Entries.All(e => DeepEquals(e.Value, y[e.Key], depth + 1)),
            (PdfStream x, PdfStream y) => x.EncodedData.Span.SequenceEqual(y.EncodedData.Span) && DeepEquals(x.Dictionary, y.Dictionary, depth + 1),
            _ => false,
        };
    }
}
