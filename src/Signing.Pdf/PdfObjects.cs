using System.Globalization;
using System.Text;

namespace Signing.Pdf;

/// <summary>A PDF object (ISO 32000-1 §7.3). Instances read from a file are shared through the reader's cache: copy before changing.</summary>
public abstract class PdfObject
{
    private protected PdfObject()
    {
    }
}

/// <summary>The PDF null object.</summary>
public sealed class PdfNull : PdfObject
{
    /// <summary>The single null instance.</summary>
    public static readonly PdfNull Instance = new();

    private PdfNull()
    {
    }

    /// <inheritdoc/>
    public override string ToString() => "null";
}

/// <summary>A PDF boolean.</summary>
public sealed class PdfBoolean : PdfObject
{
    /// <summary>The true object.</summary>
    public static readonly PdfBoolean True = new(true);

    /// <summary>The false object.</summary>
    public static readonly PdfBoolean False = new(false);

    private PdfBoolean(bool value) => Value = value;

    /// <summary>The value.</summary>
    public bool Value { get; }

    /// <summary>Returns the shared instance for <paramref name="value"/>.</summary>
    public static PdfBoolean From(bool value) => value ? True : False;

    /// <inheritdoc/>
    public override string ToString() => Value ? "true" : "false";
}

/// <summary>A PDF integer.</summary>
/// <param name="value">The value.</param>
public sealed class PdfInteger(long value) : PdfObject
{
    /// <summary>The value.</summary>
    public long Value { get; } = value;

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A PDF real number.</summary>
/// <param name="value">The value.</param>
public sealed class PdfReal(double value) : PdfObject
{
    /// <summary>The value.</summary>
    public double Value { get; } = value;

    /// <inheritdoc/>
    public override string ToString() => Value.ToString("0.######", CultureInfo.InvariantCulture);
}

/// <summary>A PDF string: raw bytes, remembered as literal or hexadecimal for faithful re-serialisation.</summary>
public sealed class PdfString : PdfObject
{
    /// <summary>Creates a string from its raw bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="isHex">Whether it is written as a hexadecimal string.</param>
    public PdfString(byte[] bytes, bool isHex = false)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Bytes = bytes;
        IsHex = isHex;
    }

    /// <summary>The raw bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>Whether the string is written as a hexadecimal string.</summary>
    public bool IsHex { get; }

    /// <summary>
    /// Creates a text string: PDFDocEncoding-compatible ASCII stays a literal string, anything else
    /// (Vietnamese diacritics) becomes UTF-16BE with a byte order mark, as ISO 32000-1 §7.9.2.2 requires.
    /// </summary>
    /// <param name="text">The text.</param>
    public static PdfString FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.All(c => c >= 0x20 && c < 0x7F))
        {
            return new PdfString(Encoding.ASCII.GetBytes(text));
        }

        var utf16 = Encoding.BigEndianUnicode.GetBytes(text);
        var bytes = new byte[utf16.Length + 2];
        bytes[0] = 0xFE;
        bytes[1] = 0xFF;
        utf16.CopyTo(bytes, 2);
        return new PdfString(bytes, isHex: true);
    }

    /// <summary>Decodes the bytes as a text string (UTF-16BE with BOM, UTF-8 with BOM, or Latin-1 as an approximation of PDFDocEncoding).</summary>
    public string ToText()
    {
        if (Bytes.Length >= 2 && Bytes[0] == 0xFE && Bytes[1] == 0xFF)
        {
            return Encoding.BigEndianUnicode.GetString(Bytes, 2, Bytes.Length - 2);
        }

        if (Bytes.Length >= 3 && Bytes[0] == 0xEF && Bytes[1] == 0xBB && Bytes[2] == 0xBF)
        {
            return Encoding.UTF8.GetString(Bytes, 3, Bytes.Length - 3);
        }

        return Encoding.Latin1.GetString(Bytes);
    }

    /// <inheritdoc/>
    public override string ToString() => ToText();
}

/// <summary>A PDF name, held decoded (without the slash, #xx escapes resolved).</summary>
public sealed class PdfName : PdfObject, IEquatable<PdfName>
{
    /// <summary>Creates a name.</summary>
    /// <param name="value">The decoded name, without the leading slash.</param>
    public PdfName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    /// <summary>The decoded name, without the leading slash.</summary>
    public string Value { get; }

    /// <inheritdoc/>
    public bool Equals(PdfName? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PdfName);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc/>
    public override string ToString() => "/" + Value;

    /// <summary>Converts a string to a name.</summary>
    /// <param name="value">The decoded name.</param>
    public static implicit operator PdfName(string value) => new(value);
}

/// <summary>A reference to an indirect object; compares by object and generation number.</summary>
/// <param name="objectNumber">The object number.</param>
/// <param name="generation">The generation number.</param>
public sealed class PdfReference(int objectNumber, int generation) : PdfObject, IEquatable<PdfReference>
{
    /// <summary>The object number.</summary>
    public int ObjectNumber { get; } = objectNumber;

    /// <summary>The generation number.</summary>
    public int Generation { get; } = generation;

    /// <inheritdoc/>
    public bool Equals(PdfReference? other) => other is not null && other.ObjectNumber == ObjectNumber && other.Generation == Generation;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PdfReference);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ObjectNumber, Generation);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ObjectNumber} {Generation} R");
}

/// <summary>A PDF array.</summary>
public sealed class PdfArray : PdfObject
{
    /// <summary>Creates an array.</summary>
    /// <param name="items">The items.</param>
    public PdfArray(IEnumerable<PdfObject> items) => Items = [.. items];

    /// <summary>Creates an array.</summary>
    /// <param name="items">The items.</param>
    public PdfArray(params PdfObject[] items) => Items = [.. items];

    private PdfArray(List<PdfObject> items, bool owned) => Items = items;

    /// <summary>The items.</summary>
    public List<PdfObject> Items { get; }

    /// <summary>The number of items.</summary>
    public int Count => Items.Count;

    /// <summary>Gets an item.</summary>
    /// <param name="index">The index.</param>
    public PdfObject this[int index] => Items[index];

    /// <summary>An array over a list the parser just built and hands over, without copying it.</summary>
    internal static PdfArray Wrap(List<PdfObject> items) => new(items, owned: true);
}

/// <summary>A PDF dictionary; keys keep their insertion order so rewritten objects stay readable.</summary>
public sealed class PdfDictionary : PdfObject
{
    // Most dictionaries in a PDF hold a handful of entries; starting at eight spares the list's early regrowths.
    private readonly List<KeyValuePair<PdfName, PdfObject>> entries = new(8);

    /// <summary>The entries in order.</summary>
    public IReadOnlyList<KeyValuePair<PdfName, PdfObject>> Entries => entries;

    /// <summary>The number of entries.</summary>
    public int Count => entries.Count;

    /// <summary>Gets an entry, or null when absent; setting null removes the entry.</summary>
    /// <param name="key">The key.</param>
    public PdfObject? this[PdfName key]
    {
        get
        {
            var index = IndexOf(key);
            return index < 0 ? null : entries[index].Value;
        }

        set
        {
            var index = IndexOf(key);
            if (value is null)
            {
                if (index >= 0)
                {
                    entries.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                entries[index] = new(key, value);
            }
            else
            {
                entries.Add(new(key, value));
            }
        }
    }

    /// <summary>Whether the key is present.</summary>
    /// <param name="key">The key.</param>
    public bool ContainsKey(PdfName key) => IndexOf(key) >= 0;

    /// <summary>A shallow copy: a new dictionary holding the same values.</summary>
    public PdfDictionary Clone()
    {
        var copy = new PdfDictionary();
        copy.entries.AddRange(entries);
        return copy;
    }

    private int IndexOf(PdfName key)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Key.Equals(key))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>A PDF stream: its dictionary and its encoded (still filtered) data.</summary>
/// <param name="dictionary">The stream dictionary; /Length is rewritten by the writer.</param>
/// <param name="encodedData">The encoded data.</param>
public sealed class PdfStream(PdfDictionary dictionary, ReadOnlyMemory<byte> encodedData) : PdfObject
{
    /// <summary>The stream dictionary.</summary>
    public PdfDictionary Dictionary { get; } = dictionary;

    /// <summary>The encoded data, exactly as stored in the file.</summary>
    public ReadOnlyMemory<byte> EncodedData { get; } = encodedData;
}

/// <summary>
/// A fixed-width run of bytes written verbatim, whose absolute offset the writer reports so it can be patched
/// in place later (the mechanism behind signature placeholders; the writer itself attaches no meaning to it).
/// </summary>
public sealed class PdfPlaceholder : PdfObject
{
    /// <summary>Creates a placeholder.</summary>
    /// <param name="initialBytes">Bytes written now; they must form a valid PDF token of the final width.</param>
    public PdfPlaceholder(byte[] initialBytes)
    {
        ArgumentNullException.ThrowIfNull(initialBytes);
        InitialBytes = initialBytes;
    }

    /// <summary>The bytes written now.</summary>
    public byte[] InitialBytes { get; }
}
