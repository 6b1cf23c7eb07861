using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Pdf.Signatures.Internal;

/// <summary>The validation data a /VRI entry lists for one signature.</summary>
internal sealed class VriEntry
{
    public List<PdfReference> Certificates { get; } = [];

    public List<PdfReference> Ocsps { get; } = [];

    public List<PdfReference> Crls { get; } = [];
}

/// <summary>
/// Builds the document security store (ETSI EN 319 142-1 §5.4.2, ISO 32000-2 §12.8.4.3) for a new revision: keeps what an
/// earlier /DSS holds, adds each certificate, OCSP response and CRL once as a stream, and writes /VRI entries.
/// </summary>
internal sealed class DssStore
{
    private readonly PdfReader reader;
    private readonly PdfIncrementalWriter writer;
    private readonly PdfDictionary dss;
    private readonly PdfArray certs;
    private readonly PdfArray ocsps;
    private readonly PdfArray crls;
    private readonly PdfDictionary vri;
    private readonly Dictionary<string, PdfReference> streams = new(StringComparer.Ordinal);

    public DssStore(PdfReader reader, PdfIncrementalWriter writer)
    {
        this.reader = reader;
        this.writer = writer;
        var existing = reader.Resolve(reader.Catalog["DSS"]) as PdfDictionary;
        dss = existing?.Clone() ?? new PdfDictionary();
        certs = CopyArray(existing?["Certs"]);
        ocsps = CopyArray(existing?["OCSPs"]);
        crls = CopyArray(existing?["CRLs"]);
        vri = (reader.Resolve(existing?["VRI"]) as PdfDictionary)?.Clone() ?? new PdfDictionary();
    }

    public PdfReference Certificate(X509Certificate2 certificate) => Add("cert", certificate.RawData, certs);

    public PdfReference Ocsp(byte[] response) => Add("ocsp", response, ocsps);

    public PdfReference Crl(byte[] crl) => Add("crl", crl, crls);

    public void AddVri(string key, VriEntry entry)
    {
        var item = new PdfDictionary();
        AddDistinct(item, "Cert", entry.Certificates);
        AddDistinct(item, "OCSP", entry.Ocsps);
        AddDistinct(item, "CRL", entry.Crls);
        vri[key] = writer.AddObject(item);
    }

    /// <summary>Points the catalog at the new /DSS.</summary>
    public void Commit()
    {
        dss["Type"] = new PdfName("DSS");
        SetIfAny("Certs", certs);
        SetIfAny("OCSPs", ocsps);
        SetIfAny("CRLs", crls);
        dss["VRI"] = writer.AddObject(vri);
        var catalog = reader.ResolveDictionary(writer.GetObject(reader.CatalogReference), "the catalog").Clone();
        catalog["DSS"] = writer.AddObject(dss);
        writer.SetObject(reader.CatalogReference, catalog);
    }

    private void SetIfAny(string key, PdfArray array)
    {
        if (array.Count > 0)
        {
            dss[key] = writer.AddObject(array);
        }
    }

    private PdfReference Add(string kind, byte[] data, PdfArray list)
    {
        var key = kind + ":" + Convert.ToHexString(SHA256.HashData(data));
        if (!streams.TryGetValue(key, out var reference))
        {
            reference = writer.AddObject(new PdfStream(new PdfDictionary(), data));
            streams[key] = reference;
            list.Items.Add(reference);
        }

        return reference;
    }

    private PdfArray CopyArray(PdfObject? value) => new((reader.Resolve(value) as PdfArray)?.Items ?? []);

    private static void AddDistinct(PdfDictionary dictionary, string key, List<PdfReference> references)
    {
        var distinct = references.Distinct().ToList();
        if (distinct.Count > 0)
        {
            dictionary[key] = new PdfArray(distinct);
        }
    }
}
