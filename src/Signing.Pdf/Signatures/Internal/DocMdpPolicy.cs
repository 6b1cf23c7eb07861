namespace Signing.Pdf.Signatures.Internal;

/// <summary>
/// Certification (DocMDP, ISO 32000-1 §12.8.2.2): the signature reference dictionary a certification signature carries,
/// and the check that an earlier certification allows a new signature.
/// </summary>
internal static class DocMdpPolicy
{
    /// <summary>/Reference [&lt;&lt; /Type /SigRef /TransformMethod /DocMDP /TransformParams &lt;&lt; /Type /TransformParams /P p /V /1.2 &gt;&gt; &gt;&gt;].</summary>
    public static PdfArray Reference(CertificationPermissions permissions) => new(new PdfDictionary
    {
        ["Type"] = new PdfName("SigRef"),
        ["TransformMethod"] = new PdfName("DocMDP"),
        ["TransformParams"] = new PdfDictionary
        {
            ["Type"] = new PdfName("TransformParams"),
            ["P"] = new PdfInteger((int)permissions),
            ["V"] = new PdfName("1.2"),
        },
    });

    /// <summary>The permissions of the document's certification signature (catalog /Perms /DocMDP), or null when it is not certified.</summary>
    public static CertificationPermissions? ExistingCertification(PdfReader reader)
    {
        if (reader.Resolve(reader.Catalog["Perms"]) is not PdfDictionary perms || reader.Resolve(perms["DocMDP"]) is not PdfDictionary signature)
        {
            return null;
        }

        foreach (var item in (reader.Resolve(signature["Reference"]) as PdfArray)?.Items.Take(16) ?? [])
        {
            if (reader.Resolve(item) is PdfDictionary reference && reference["TransformMethod"] is PdfName { Value: "DocMDP" })
            {
                var parameters = reader.Resolve(reference["TransformParams"]) as PdfDictionary;
                return (reader.Resolve(parameters?["P"]) as PdfInteger)?.Value switch
                {
                    1 => CertificationPermissions.NoChanges,
                    3 => CertificationPermissions.FormFillingAnnotationsAndSigning,
                    _ => CertificationPermissions.FormFillingAndSigning,
                };
            }
        }

        // A /DocMDP entry without a usable reference: treat as the default, P = 2.
        return CertificationPermissions.FormFillingAndSigning;
    }

    /// <summary>Throws when the document's state forbids adding the requested signature.</summary>
    public static void CheckCanSign(PdfReader reader, PdfSignatureOptions options)
    {
        var existing = ExistingCertification(reader);
        var isTimestamp = options.Format.Type == PdfSignatureFormat.DocumentTimestamp.Type;

        // ETSI EN 319 142-1 §5.4: a DSS and document timestamps do not count as changes, so LT/LTA stay possible under P=1.
        if (existing == CertificationPermissions.NoChanges && !isTimestamp)
        {
            throw new SignatureNotPermittedException("The document carries a certification signature with /P 1 (no changes allowed); another signature would invalidate it");
        }

        // Text overlays are annotations (ISO 32000-1 §12.8.2.2.2: P = 3 allows adding annotations, P = 2 does not).
        if (existing == CertificationPermissions.FormFillingAndSigning && options.TextOverlays.Count > 0)
        {
            throw new SignatureNotPermittedException("The document carries a certification signature with /P 2: it allows form filling and signatures but not the annotations that write the registered number and date");
        }

        if (options.Certification is { } requested)
        {
            if (isTimestamp)
            {
                throw new ArgumentException("A document timestamp cannot be a certification signature", nameof(options));
            }

            if (!Enum.IsDefined(requested))
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"Certification permissions must be 1, 2 or 3, not {(int)requested}");
            }

            if (SignatureFieldWalker.SignedFields(reader).Count > 0)
            {
                throw new SignatureNotPermittedException("A certification signature must be the document's first signature, and this document is already signed");
            }
        }
    }
}
