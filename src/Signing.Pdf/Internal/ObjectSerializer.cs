using System.Globalization;
using System.Text;

namespace Signing.Pdf.Internal;

/// <summary>Serialises PDF objects to bytes, recording where placeholders land relative to the start of the buffer.</summary>
internal sealed class ObjectSerializer(MemoryStream buffer)
{
    public List<(PdfPlaceholder Placeholder, long Offset)> Placeholders { get; } = [];

    public void WriteIndirect(PdfReference reference, PdfObject value)
    {
        WriteAscii(string.Create(CultureInfo.InvariantCulture, $"{reference.ObjectNumber} {reference.Generation} obj\n"));
        Write(value, 0);
        WriteAscii("\nendobj\n");
    }

    public void Write(PdfObject value, int depth)
    {
        if (depth > 200)
        {
            throw new InvalidOperationException("Object graph too deep to serialise (a cycle of direct objects?)");
        }

        switch (value)
        {
            case PdfNull:
            case PdfBoolean:
            case PdfInteger:
            case PdfReference:
                WriteAscii(value.ToString()!);
                break;
            case PdfReal real:
                WriteAscii(real.Value.ToString("0.##########", CultureInfo.InvariantCulture));
                break;
            case PdfName name:
                WriteName(name);
                break;
            case PdfString text:
                WriteString(text);
                break;
            case PdfArray array:
                buffer.WriteByte((byte)'[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        buffer.WriteByte((byte)' ');
                    }

                    Write(array[i], depth + 1);
                }

                buffer.WriteByte((byte)']');
                break;
            case PdfDictionary dictionary:
                WriteDictionary(dictionary, depth);
                break;
            case PdfStream stream:
                var streamDictionary = stream.Dictionary.Clone();
                streamDictionary["Length"] = new PdfInteger(stream.EncodedData.Length);
                WriteDictionary(streamDictionary, depth);
                WriteAscii("\nstream\r\n");
                buffer.Write(stream.EncodedData.Span);
                WriteAscii("\r\nendstream");
                break;
            case PdfPlaceholder placeholder:
                Placeholders.Add((placeholder, buffer.Position));
                buffer.Write(placeholder.InitialBytes);
                break;
            default:
                throw new InvalidOperationException("Cannot serialise " + value.GetType().Name);
        }
    }

    private void WriteDictionary(PdfDictionary dictionary, int depth)
    {
        WriteAscii("<<");
        foreach (var (key, item) in dictionary.Entries)
        {
            WriteName(key);
            buffer.WriteByte((byte)' ');
            Write(item, depth + 1);
        }

        WriteAscii(">>");
    }

    private void WriteName(PdfName name)
    {
        buffer.WriteByte((byte)'/');
        foreach (var c in name.Value)
        {
            if (c > 0xFF)
            {
                throw new InvalidOperationException($"Name /{name.Value} has a character outside Latin-1; names hold bytes");
            }

            if (c is > (char)0x20 and < (char)0x7F and not '#' && !ObjectParser.IsDelimiter(c))
            {
                buffer.WriteByte((byte)c);
            }
            else
            {
                WriteAscii("#" + ((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
        }
    }

    private void WriteString(PdfString text)
    {
        if (text.IsHex)
        {
            buffer.WriteByte((byte)'<');
            WriteAscii(Convert.ToHexString(text.Bytes));
            buffer.WriteByte((byte)'>');
            return;
        }

        buffer.WriteByte((byte)'(');
        foreach (var b in text.Bytes)
        {
            switch (b)
            {
                case (byte)'(' or (byte)')' or (byte)'\\':
                    buffer.WriteByte((byte)'\\');
                    buffer.WriteByte(b);
                    break;
                case (byte)'\r':
                    WriteAscii("\\r");
                    break;
                default:
                    buffer.WriteByte(b);
                    break;
            }
        }

        buffer.WriteByte((byte)')');
    }

    private void WriteAscii(string text) => buffer.Write(Encoding.ASCII.GetBytes(text));
}
