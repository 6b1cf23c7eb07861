using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Signing.Pki.Cms;
using Signing.Pki.Validation;

namespace Signing.Pdf.Validation;

/// <summary>The checks for one signature field.</summary>
public sealed partial class PdfSignatureValidator
{
    private const int DefaultDocMdpPermission = 2;

    // An approval signature in a document nobody certified restricts nothing by DocMDP; like pyHanko's difference
    // analysis (its ANNOTATIONS level for uncertified documents) and Adobe, we accept form filling, new signatures and
    // annotations after it, such as the registered number and date a clerk writes with the seal. Everything else
    // (content, page tree, catalog) stays rejected.
    private const int UncertifiedPermission = 3;

    private async Task<ParsedSignature> ValidateFieldAsync(DocumentContext context, SignatureField field, CancellationToken cancellationToken)
    {
        var checks = new List<ValidationCheck>();
        var dictionary = field.Signature;
        var subFilter = (dictionary["SubFilter"] as PdfName)?.Value;
        var kind = (dictionary["Type"] as PdfName)?.Value == "DocTimeStamp" || subFilter == "ETSI.RFC3161"
            ? PdfSignatureKind.DocumentTimestamp
            : PdfSignatureKind.Signature;
        var range = (context.Reader.Resolve(dictionary["ByteRange"]) as PdfArray)?.Items.Select(i => i is PdfInteger n ? n.Value : -1).ToList() ?? [];
        var report = new PdfSignatureValidationReport
        {
            FieldName = field.Name,
            Kind = kind,
            SubFilter = subFilter,
            ByteRange = range,
            Coverage = ByteRangeCoverage.Unclear,
            Validation = new ValidationReport { Indication = Indication.TotalFailed, SubIndication = SubIndication.FormatFailure },
        };

        if (context.Reader.Resolve(dictionary["Contents"]) is not PdfString contents || contents.Bytes.Length == 0 || range.Count == 0)
        {
            checks.Add(new("signature-dictionary", CheckOutcome.Failed, "/Contents or /ByteRange is missing"));
            return Done(report, Indication.TotalFailed, SubIndication.FormatFailure, checks);
        }

        var inspection = ByteRangeInspection.Inspect(context.File, range, contents.Bytes, context.Reader.Revisions);
        report = report with { Coverage = inspection.Coverage, Revision = inspection.Revision?.Index };
        if (inspection.Problem is { } problem)
        {
            checks.Add(new("byte-range", CheckOutcome.Failed, problem));
            return Done(report, Indication.TotalFailed, SubIndication.FormatFailure, checks);
        }

        checks.Add(new("byte-range", CheckOutcome.Passed, inspection.Coverage == ByteRangeCoverage.EntireFile
            ? "covers the whole file except the /Contents string"
            : $"covers revision {inspection.Revision!.Index} entirely; {context.Reader.Revisions.Count - 1 - inspection.Revision.Index} later update(s) follow"));

        var (permission, lockedFields) = ReadModificationRules(context.Reader, dictionary);

        // A certification signature's DocMDP (catalog /Perms /DocMDP) binds every change after it, whoever signs later.
        if (context.Reader.Resolve(context.Reader.Catalog["Perms"]) is PdfDictionary perms
            && context.Reader.Resolve(perms["DocMDP"]) is PdfDictionary certification
            && !ReferenceEquals(certification, dictionary))
        {
            permission = Math.Min(permission, ReadModificationRules(context.Reader, certification).Permission);
        }

        report = report with { DocMdpPermission = permission };
        if (inspection.Revision is { } revision && revision.Index < context.Reader.Revisions.Count - 1)
        {
            var before = PdfReader.OpenRevision(context.Reader, new RevisionSliceStream(context.File, revision.EndOffset));
            var modifications = ModificationAnalyzer.Analyze(before, context.Reader, permission, lockedFields);
            report = report with { Modifications = modifications };
        }

        byte[] cms;
        try
        {
            cms = new AsnReader(contents.Bytes, AsnEncodingRules.BER).ReadEncodedValue().ToArray();
        }
        catch (AsnContentException e)
        {
            checks.Add(new("format", CheckOutcome.Failed, "/Contents is not a DER/BER structure: " + e.Message));
            return Done(report, Indication.TotalFailed, SubIndication.FormatFailure, checks);
        }

        return kind == PdfSignatureKind.DocumentTimestamp
            ? await ValidateDocumentTimestampAsync(context, report, cms, checks, cancellationToken).ConfigureAwait(false)
            : ValidateSignatureValue(context, report, cms, subFilter, checks);
    }

    private static (int Permission, IReadOnlySet<string> LockedFields) ReadModificationRules(PdfReader reader, PdfDictionary signature)
    {
        var permission = UncertifiedPermission;
        var locked = new HashSet<string>();
        if (reader.Resolve(signature["Reference"]) is not PdfArray references)
        {
            return (permission, locked);
        }

        foreach (var item in references.Items.Take(64))
        {
            if (reader.Resolve(item) is not PdfDictionary reference || reader.Resolve(reference["TransformParams"]) is not PdfDictionary parameters)
            {
                continue;
            }

            switch ((reference["TransformMethod"] as PdfName)?.Value)
            {
                case "DocMDP":
                    permission = parameters["P"] is PdfInteger { Value: >= 1 and <= 3 } p ? (int)p.Value : DefaultDocMdpPermission;
                    break;
                case "FieldMDP" when reader.Resolve(parameters["Fields"]) is PdfArray names:
                    foreach (var name in names.Items.OfType<PdfString>())
                    {
                        locked.Add(name.ToText());
                    }

                    break;
            }
        }

        return (permission, locked);
    }

    private ParsedSignature ValidateSignatureValue(DocumentContext context, PdfSignatureValidationReport report, byte[] cms, string? subFilter, List<ValidationCheck> checks)
    {
        var enveloping = subFilter == "adbe.pkcs7.sha1";
        SignedCms signedCms;
        SignerInfoParts fields;
        try
        {
            signedCms = enveloping ? new SignedCms() : new SignedCms(new ContentInfo([]), detached: true);
            signedCms.Decode(cms);
            fields = CmsSignerInfoFields.ReadFirst(cms);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            checks.Add(new("format", CheckOutcome.Failed, "the CMS SignedData cannot be decoded: " + e.Message));
            return Done(report, Indication.TotalFailed, SubIndication.FormatFailure, checks);
        }

        if (subFilter is not ("ETSI.CAdES.detached" or "adbe.pkcs7.detached" or "adbe.pkcs7.sha1") || signedCms.SignerInfos.Count == 0)
        {
            checks.Add(new("format", CheckOutcome.Failed, $"unsupported /SubFilter {subFilter ?? "(none)"} or no SignerInfo"));
            return Done(report, Indication.TotalFailed, SubIndication.FormatFailure, checks);
        }

        // ISO 32000-1 12.8.3.3 and EN 319 142-1 6.3: a detached SubFilter signs the byte range; a CMS that carries its
        // own content signs something else, whatever the byte range holds.
        if (!enveloping && fields.HasEncapsulatedContent)
        {
            checks.Add(new("format", CheckOutcome.Failed, $"/SubFilter {subFilter} is detached, but the CMS encapsulates content"));
            return Done(report, Indication.TotalFailed, SubIndication.FormatFailure, checks);
        }

        checks.Add(new("format", CheckOutcome.Passed, $"{subFilter} CMS with {signedCms.SignerInfos.Count} signer(s); the first is validated"));
        var signerInfo = signedCms.SignerInfos[0];

        // The CMS's certificates through the shared cache, never SignedCms.Certificates, which decodes them anew each time.
        var embedded = fields.LoadCertificates();
        var certificate = fields.Signer.Find(embedded);
        var validation = new ValidationReport
        {
            Indication = Indication.Indeterminate,
            SignerName = certificate?.GetNameInfo(X509NameType.SimpleName, false),
            SignerSubject = certificate?.Subject,
            SignerCertificate = certificate is null ? null : Convert.ToBase64String(certificate.RawData),
            ClaimedSigningTime = signerInfo.SignedAttributes.Cast<CryptographicAttributeObject>()
                .SelectMany(a => a.Values.Cast<AsnEncodedData>()).OfType<Pkcs9SigningTime>()
                .Select(t => (DateTimeOffset?)new DateTimeOffset(t.SigningTime.ToUniversalTime(), TimeSpan.Zero)).FirstOrDefault(),
        };
        report = report with { Validation = validation };

        // Integrity before trust (EN 319 102-1 5.2.7): the signed bytes are checked before anything about the signer,
        // so a changed document is TOTAL_FAILED even when the certificate is missing or untrusted.
        if (CmsDigest.FromOid(signerInfo.DigestAlgorithm.Value, fields.DigestParameters) is not { } digestAlgorithm)
        {
            checks.Add(new("message-digest", CheckOutcome.Indeterminate, $"the digest algorithm {signerInfo.DigestAlgorithm.Value} is not supported"));
            return Done(report, Indication.Indeterminate, SubIndication.CryptoConstraintsFailure, checks);
        }

        byte[] contentDigest;
        if (enveloping)
        {
            // adbe.pkcs7.sha1: the signed content is the SHA-1 digest of the byte range.
            var rangeDigest = ByteRangeInspection.Digest(context.File, report.ByteRange, HashAlgorithmName.SHA1);
            var content = signedCms.ContentInfo.Content;
            if (!content.AsSpan().SequenceEqual(rangeDigest))
            {
                checks.Add(new("message-digest", CheckOutcome.Failed, $"the enveloped SHA-1 {Convert.ToHexString(content)} differs from the byte range's {Convert.ToHexString(rangeDigest)}"));
                return Done(report, Indication.TotalFailed, SubIndication.HashFailure, checks);
            }

            contentDigest = digestAlgorithm.Hash(content);
        }
        else if (fields.SignsContentItself)
        {
            // PureEdDSA without signed attributes (RFC 8419 3.1) signs the byte range itself: it is streamed to the
            // verifier below, and a digest of it would be read for nothing.
            contentDigest = [];
        }
        else
        {
            contentDigest = ByteRangeInspection.Digest(context.File, report.ByteRange, digestAlgorithm);
        }

        if (fields.SignedAttributes is not null)
        {
            var messageDigest = signerInfo.SignedAttributes.Cast<CryptographicAttributeObject>()
                .Where(a => a.Oid.Value == MessageDigestOid).SelectMany(a => a.Values.Cast<AsnEncodedData>()).OfType<Pkcs9MessageDigest>().FirstOrDefault();
            if (messageDigest is null)
            {
                checks.Add(new("message-digest", CheckOutcome.Failed, "signed attributes without a message-digest attribute"));
                return Done(report, Indication.TotalFailed, SubIndication.FormatFailure, checks);
            }

            if (!CryptographicOperations.FixedTimeEquals(messageDigest.MessageDigest, contentDigest))
            {
                checks.Add(new("message-digest", CheckOutcome.Failed, $"{digestAlgorithm.Name} of the signed bytes is {Convert.ToHexString(contentDigest)}, the signed message-digest is {Convert.ToHexString(messageDigest.MessageDigest)}"));
                return Done(report, Indication.TotalFailed, SubIndication.HashFailure, checks);
            }

            checks.Add(new("message-digest", CheckOutcome.Passed, $"{digestAlgorithm.Name} of the signed bytes matches"));
        }

        if (certificate is null)
        {
            checks.Add(new("signing-certificate", CheckOutcome.Indeterminate, "the signer's certificate is not in the CMS"));
            return Done(report, Indication.Indeterminate, SubIndication.NoSigningCertificateFound, checks);
        }

        if (!CheckEss(signerInfo, certificate, checks))
        {
            return Done(report, Indication.Indeterminate, SubIndication.NoSigningCertificateFound, checks);
        }

        SignatureValueResult value;
        if (fields.SignsContentItself && !enveloping)
        {
            // The inspection above admitted only [0 a b c] inside the file.
            var range = report.ByteRange;
            using var signedBytes = new Signatures.Internal.ByteRangeReadStream(context.File, new Signatures.PdfByteRange(range[0], range[1], range[2], range[3]));
            value = fields.Verify(certificate, digestAlgorithm, contentDigest, signedBytes);
        }
        else if (fields.SignsContentItself)
        {
            // adbe.pkcs7.sha1: the signed content is the enveloped SHA-1 of the byte range, checked above.
            using var enveloped = new MemoryStream(signedCms.ContentInfo.Content, writable: false);
            value = fields.Verify(certificate, digestAlgorithm, contentDigest, enveloped);
        }
        else
        {
            value = fields.Verify(certificate, digestAlgorithm, contentDigest);
        }

        switch (value.Status)
        {
            case SignatureValueStatus.Unsupported:
                checks.Add(new("signature-value", CheckOutcome.Indeterminate, value.Detail));
                return Done(report, Indication.Indeterminate, SubIndication.CryptoConstraintsFailure, checks);
            case SignatureValueStatus.Invalid:
                // Without signed attributes a mismatch is the byte range's digest (HASH_FAILURE), except for EdDSA,
                // whose value is over the bytes themselves: no digest to blame, only the signature (SIG_CRYPTO_FAILURE).
                checks.Add(new("signature-value", CheckOutcome.Failed, value.Detail));
                return Done(report, Indication.TotalFailed, fields.SignedAttributes is null && !fields.SignsContentItself ? SubIndication.HashFailure : SubIndication.SigCryptoFailure, checks);
        }

        checks.Add(new("signature-value", CheckOutcome.Passed, $"{value.Detail}: verifies with the key of '{certificate.Subject}'"));
        if (ModificationsFailure(report, checks) is { } rejected)
        {
            return rejected;
        }

        var cmsCertificates = new X509Certificate2Collection(embedded.ToArray());
        cmsCertificates.AddRange(context.Dss.Certificates);
        return new ParsedSignature(report, (documentTimestamps, token) =>
            FinishSignatureAsync(context, report, signerInfo, certificate, cmsCertificates, checks, documentTimestamps, token));
    }

    private static bool CheckEss(SignerInfo signerInfo, X509Certificate2 certificate, List<ValidationCheck> checks)
    {
        foreach (var (oid, version2) in new[] { (EssCertificateMatch.V2Oid, true), (EssCertificateMatch.V1Oid, false) })
        {
            var value = signerInfo.SignedAttributes.Cast<CryptographicAttributeObject>()
                .Where(a => a.Oid.Value == oid && a.Values.Count > 0).Select(a => a.Values[0].RawData).FirstOrDefault();
            if (value is null)
            {
                continue;
            }

            var name = version2 ? "signing-certificate-v2" : "signing-certificate";
            bool matches;
            try
            {
                matches = EssCertificateMatch.Matches(value, version2, certificate);
            }
            catch (Exception e) when (e is AsnContentException or CryptographicException)
            {
                matches = false;
            }

            checks.Add(new(name, matches ? CheckOutcome.Passed : CheckOutcome.Failed, matches
                ? $"ESS {name} matches the signer's certificate"
                : $"ESS {name} does not match the signer's certificate"));
            return matches;
        }

        checks.Add(new("signing-certificate-v2", CheckOutcome.Skipped, "no ESS signing-certificate(-v2) attribute"));
        return true;
    }

    private static ParsedSignature? ModificationsFailure(PdfSignatureValidationReport report, List<ValidationCheck> checks)
    {
        if (report.Modifications.Count == 0)
        {
            checks.Add(new("modifications", CheckOutcome.Passed, report.Coverage == ByteRangeCoverage.EntireFile ? "nothing was added after signing" : "no object changed"));
            return null;
        }

        var rejected = report.Modifications.Where(m => !m.Allowed).ToList();
        if (rejected.Count > 0)
        {
            checks.Add(new("modifications", CheckOutcome.Failed, $"{rejected.Count} change(s) after signing are not allowed by DocMDP P={report.DocMdpPermission}: "
                + string.Join("; ", rejected.Take(10).Select(m => $"object {m.ObjectNumber}: {m.Description}"))));
            return Done(report, Indication.TotalFailed, SubIndication.HashFailure, checks);
        }

        checks.Add(new("modifications", CheckOutcome.Passed, $"{report.Modifications.Count} change(s) after signing, all allowed (new signatures, DSS, timestamps or permitted form changes)"));
        return null;
    }

    private async Task<ParsedSignature> ValidateDocumentTimestampAsync(DocumentContext context, PdfSignatureValidationReport report, byte[] cms, List<ValidationCheck> checks, CancellationToken cancellationToken)
    {
        if (TimestampTokenCheck.TryDecode(cms) is not { } token)
        {
            checks.Add(new("format", CheckOutcome.Failed, "/Contents is not an RFC 3161 time-stamp token"));
            return Done(report, Indication.TotalFailed, SubIndication.FormatFailure, checks);
        }

        if (CmsDigest.FromOid(token.ImprintAlgorithm) is not { } algorithm)
        {
            checks.Add(new("message-imprint", CheckOutcome.Indeterminate, $"unsupported imprint hash {token.ImprintAlgorithm}"));
            return Done(report, Indication.Indeterminate, SubIndication.CryptoConstraintsFailure, checks);
        }

        var digest = ByteRangeInspection.Digest(context.File, report.ByteRange, algorithm);
        if (!token.Imprint.AsSpan().SequenceEqual(digest))
        {
            checks.Add(new("message-imprint", CheckOutcome.Failed, $"the token's imprint is not the {algorithm.Name} of the signed bytes"));
            return Done(report, Indication.TotalFailed, SubIndication.HashFailure, checks);
        }

        checks.Add(new("message-imprint", CheckOutcome.Passed, $"{algorithm.Name} of the signed bytes matches the token"));
        var result = await token.ValidateAsync(digest, pathValidator, context.Dss.Certificates, cancellationToken).ConfigureAwait(false);
        report = report with
        {
            Validation = report.Validation with
            {
                SignerName = result.TsaCertificate?.GetNameInfo(X509NameType.SimpleName, false),
                SignerSubject = result.TsaCertificate?.Subject,
                SignerCertificate = result.TsaCertificate is null ? null : Convert.ToBase64String(result.TsaCertificate.RawData),
                TimestampTime = result.IsValid ? result.GenTime : null,
            },
        };
        checks.Add(new("timestamp-token", result.IsValid ? CheckOutcome.Passed : CheckOutcome.Failed, result.Detail));
        if (!result.IsValid)
        {
            return result.Detail.StartsWith("TSA certificate path", StringComparison.Ordinal)
                ? Done(report, Indication.Indeterminate, SubIndication.NoCertificateChainFound, checks)
                : Done(report, Indication.TotalFailed, SubIndication.SigCryptoFailure, checks);
        }

        return ModificationsFailure(report, checks) ?? Done(report, Indication.TotalPassed, null, checks);
    }

    private static ParsedSignature Done(PdfSignatureValidationReport report, Indication indication, SubIndication? subIndication, List<ValidationCheck> checks) =>
        new(report with { Validation = report.Validation with { Indication = indication, SubIndication = subIndication, Checks = checks } }, null);
}
