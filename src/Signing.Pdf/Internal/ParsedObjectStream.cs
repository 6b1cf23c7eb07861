namespace Signing.Pdf.Internal;

/// <summary>A decoded object stream (ISO 32000-1 §7.5.7): its header of object numbers and offsets, parsed lazily.</summary>
internal sealed class ParsedObjectStream
{
    private readonly int streamNumber;
    private readonly byte[] data;
    private readonly int first;
    private readonly (int ObjectNumber, long Offset)[] header;

    private ParsedObjectStream(int streamNumber, byte[] data, int first, (int, long)[] header)
    {
        this.streamNumber = streamNumber;
        this.data = data;
        this.first = first;
        this.header = header;
    }

    public int Count => header.Length;

    public long DecodedLength => data.LongLength;

    public static ParsedObjectStream Load(int streamNumber, PdfStream stream, PdfReaderLimits limits, PdfResourceBudget budget)
    {
        var context = $"object stream {streamNumber}";
        var dictionary = stream.Dictionary;
        if (dictionary["Type"] is not PdfName { Value: "ObjStm" })
        {
            throw new PdfFormatException($"Object {streamNumber} is used as an object stream but its /Type is not /ObjStm");
        }

        if (dictionary["N"] is not PdfInteger { Value: var count } || count < 0 || count > limits.MaxObjectsPerObjectStream)
        {
            throw new PdfFormatException($"{context}: /N is missing, negative or above {limits.MaxObjectsPerObjectStream}");
        }

        var data = StreamDecoder.Decode(stream, limits.MaxStructureStreamBytes, context, budget);
        if (dictionary["First"] is not PdfInteger { Value: var first } || first < 0 || first > data.Length)
        {
            throw new PdfFormatException($"{context}: /First is missing or outside the {data.Length} decoded bytes");
        }

        // Each header pair takes at least four bytes ("1 0 "), so /N cannot honestly exceed /First / 4 + 1.
        if (count > (first / 4) + 1)
        {
            throw new PdfFormatException($"{context}: /N {count} cannot fit in a header of {first} bytes");
        }

        using var headerBytes = PdfBytes.Open(data, (int)first);
        var headerParser = new ObjectParser(new ByteInput(headerBytes), limits, context + " header", budget);
        var header = new (int, long)[count];
        for (var i = 0; i < count; i++)
        {
            headerParser.SkipWhitespace();
            if (headerParser.Input.AtEnd)
            {
                throw new PdfFormatException($"{context}: /N says {count} objects but the header ends after {i}");
            }

            var objectNumber = headerParser.ReadNonNegativeInteger("an object number");
            var offset = headerParser.ReadNonNegativeInteger("an object offset");
            if (objectNumber > int.MaxValue || first + offset >= data.Length)
            {
                throw new PdfFormatException($"{context}: header entry {i} (object {objectNumber}, offset {offset}) points outside the stream data");
            }

            header[i] = ((int)objectNumber, offset);
        }

        return new ParsedObjectStream(streamNumber, data, (int)first, header);
    }

    public PdfObject Parse(int objectNumber, int index, PdfReaderLimits limits, PdfResourceBudget budget)
    {
        var (headerNumber, offset) = header[index];
        if (headerNumber != objectNumber)
        {
            throw new PdfFormatException($"Object {objectNumber}: entry {index} of object stream {streamNumber} holds object {headerNumber} instead");
        }

        using var body = PdfBytes.Open(data);
        var input = new ByteInput(body);
        input.Seek(first + offset);
        var value = new ObjectParser(input, limits, $"object {objectNumber} in object stream {streamNumber}", budget).ParseObject();
        return value;
    }
}
