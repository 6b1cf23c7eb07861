using System.Globalization;
using System.Text;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Signing.Api.Features.Certificates;

/// <summary>A problem with one row (and column) of an imported table, or with the file as a whole (no row).</summary>
/// <param name="Row">The row as a spreadsheet numbers it (the header is row 1), or null for the whole file.</param>
/// <param name="Column">The column's header, or null for the whole row.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ImportProblem(int? Row, string? Column, string Message);

/// <summary>One data row of an imported table.</summary>
/// <param name="Row">Its number as a spreadsheet shows it (the header is row 1).</param>
/// <param name="Cells">The cells, by column index of the header.</param>
public sealed record TableRow(int Row, IReadOnlyList<string> Cells);

/// <summary>A table read from a CSV or XLSX file: the header's column names (trimmed, lower case) and the data rows.</summary>
/// <param name="Columns">The header's names, lower case.</param>
/// <param name="Rows">The data rows that could be read.</param>
/// <param name="Problems">Rows that could not be read at all (broken quoting), by row.</param>
public sealed record TableData(IReadOnlyList<string> Columns, IReadOnlyList<TableRow> Rows, IReadOnlyList<ImportProblem> Problems)
{
    /// <summary>The cell of <paramref name="row"/> under <paramref name="column"/> (trimmed), or null when the table has no such column or it is empty.</summary>
    public string? Cell(TableRow row, string column)
    {
        ArgumentNullException.ThrowIfNull(row);
        var index = IndexOf(column);
        return index < 0 || index >= row.Cells.Count || string.IsNullOrWhiteSpace(row.Cells[index]) ? null : row.Cells[index].Trim();
    }

    /// <summary>The index of <paramref name="column"/>, or -1.</summary>
    public int IndexOf(string column) => Columns.ToList().IndexOf(column);
}

/// <summary>
/// Reads the tables people import: CSV (UTF-8, separator detected among , ; tab and |, as spreadsheets export them) or
/// the first sheet of an XLSX workbook, whose first row is the header. Rows are numbered as the spreadsheet shows them,
/// so an error report points at the row people see. A record with broken quoting is reported and skipped; the others
/// are read.
/// </summary>
public static class TableFile
{
    /// <summary>The formats read: <c>csv</c> and <c>xlsx</c>.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["csv", "xlsx"];

    /// <summary>The format of a file from its name or content type, or null.</summary>
    public static string? FormatOf(string? fileName, string? contentType, ReadOnlySpan<byte> content)
    {
        if (content.StartsWith("PK\x03\x04"u8) || fileName?.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) == true
            || contentType?.Contains("spreadsheetml", StringComparison.OrdinalIgnoreCase) == true)
        {
            return "xlsx";
        }

        return fileName?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) == true || contentType?.Contains("csv", StringComparison.OrdinalIgnoreCase) == true
            || contentType?.StartsWith("text/", StringComparison.OrdinalIgnoreCase) == true
            ? "csv"
            : null;
    }

    /// <summary>Reads <paramref name="content"/> as <paramref name="format"/>, at most <paramref name="maxRows"/> data rows.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable table of that format, or has too many rows.</exception>
    public static TableData Read(byte[] content, string format, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(content);
        return format switch
        {
            "csv" => ReadCsv(content, maxRows),
            "xlsx" => ReadXlsx(content, maxRows),
            _ => throw new InvalidDataException($"Unknown table format '{format}'; use csv or xlsx."),
        };
    }

    private static TableData ReadCsv(byte[] content, int maxRows)
    {
        var problems = new List<ImportProblem>();
        var rows = new List<TableRow>();
        var options = CsvReaderOptions.Default with
        {
            // A stray quote must cost one row, not swallow the rest of the file.
            // One record per line, so the line number is the row a spreadsheet shows.
            AllowLineBreaksInQuotes = false,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = record => problems.Add(new ImportProblem((int)record.LineNumber, null,
                $"the row is malformed CSV ({Words(record.Reason)}) and was not read")),
        };
        try
        {
            using var reader = CsvReader.Create(content, options);
            var headers = reader.Headers.Select(Normalise).ToList();
            if (headers.Count == 0 || headers.All(string.IsNullOrEmpty))
            {
                throw new InvalidDataException("The CSV file has no header row.");
            }

            while (reader.Read())
            {
                if (rows.Count >= maxRows)
                {
                    throw new InvalidDataException($"The file has more than {maxRows} rows; split it.");
                }

                var cells = new string[reader.FieldCount];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = reader.GetString(i);
                }

                rows.Add(new TableRow((int)reader.LineNumber, cells));
            }

            return new TableData(headers, rows, problems);
        }
        catch (CsvFormatException e)
        {
            throw new InvalidDataException($"The CSV file cannot be read: {e.Message}", e);
        }
    }

    private static string Words(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
        CsvMalformedReason.UnterminatedQuote => "a quoted field that is never closed",
        CsvMalformedReason.LineBreakInQuotes => "a line break inside quotes",
        CsvMalformedReason.FieldCountMismatch => "a different number of fields",
        _ => reason.ToString(),
    };

    private static TableData ReadXlsx(byte[] content, int maxRows)
    {
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            using var document = SpreadsheetDocument.Open(stream, false);
            var workbook = document.WorkbookPart ?? throw new InvalidDataException("The workbook has no workbook part.");
            var sheet = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw new InvalidDataException("The workbook has no sheet.");
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id?.Value ?? throw new InvalidDataException("The first sheet has no part id."));
            var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(item => item.InnerText).ToArray() ?? [];
            List<string>? headers = null;
            var rows = new List<TableRow>();
            foreach (var row in part.Worksheet.Descendants<Row>())
            {
                var cells = new List<string>();
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = ColumnIndex(cell.CellReference?.Value) ?? cells.Count;
                    while (cells.Count < column)
                    {
                        cells.Add("");
                    }

                    var value = Value(cell, shared);
                    if (column < cells.Count)
                    {
                        cells[column] = value;
                    }
                    else
                    {
                        cells.Add(value);
                    }
                }

                var number = (int)(row.RowIndex?.Value ?? (uint)(rows.Count + 2));
                if (headers is null)
                {
                    headers = [.. cells.Select(Normalise)];
                    continue;
                }

                if (cells.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                if (rows.Count >= maxRows)
                {
                    throw new InvalidDataException($"The sheet has more than {maxRows} rows; split it.");
                }

                rows.Add(new TableRow(number, cells));
            }

            return headers is null ? throw new InvalidDataException("The first sheet is empty: it needs a header row.") : new TableData(headers, rows, []);
        }
        catch (Exception e) when (e is OpenXmlPackageException or FileFormatException or InvalidOperationException or ArgumentException or System.Xml.XmlException)
        {
            throw new InvalidDataException($"The file is not a readable XLSX workbook: {e.Message}", e);
        }
    }

    private static string Value(Cell cell, string[] shared)
    {
        var raw = cell.CellValue?.Text ?? "";
        if (cell.DataType?.Value == CellValues.SharedString)
        {
            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < shared.Length ? shared[index] : "";
        }

        return cell.DataType?.Value == CellValues.InlineString ? cell.InlineString?.InnerText ?? "" : raw;
    }

    // "AB12" is column 27 (0-based); null when there is no reference.
    private static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var index = 0;
        foreach (var c in reference.TakeWhile(char.IsAsciiLetter))
        {
            index = (index * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
        }

        return index - 1;
    }

    private static string Normalise(string header) => header.Trim().Trim('\uFEFF').Normalize(NormalizationForm.FormC).ToLowerInvariant();

    /// <summary>An XLSX workbook of one sheet: a header row and the rows, every cell an inline string (no shared-string table to keep in step).</summary>
    public static byte[] WriteXlsx(string sheetName, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var worksheet = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(RowOf(1, header));
            var index = 2u;
            foreach (var row in rows)
            {
                data.Append(RowOf(index++, row));
            }

            worksheet.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(worksheet), SheetId = 1, Name = sheetName.Length > 31 ? sheetName[..31] : sheetName }));
            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }

    private static Row RowOf(uint index, IReadOnlyList<string> cells)
    {
        var row = new Row { RowIndex = index };
        for (var i = 0; i < cells.Count; i++)
        {
            row.Append(new Cell
            {
                CellReference = ColumnName(i) + index.ToString(CultureInfo.InvariantCulture),
                DataType = CellValues.InlineString,
                InlineString = new InlineString(new Text(cells[i] ?? "") { Space = SpaceProcessingModeValues.Preserve }),
            });
        }

        return row;
    }

    private static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }

    /// <summary>A CSV file (UTF-8 with a byte order mark, so spreadsheets read the Vietnamese) of a header and rows.</summary>
    public static byte[] WriteCsv(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        using var stream = new MemoryStream();
        using (var writer = CsvWriter.Create(stream, CsvWriterOptions.Default with { WriteByteOrderMark = true }, leaveOpen: true))
        {
            writer.WriteHeader([.. header]);
            foreach (var row in rows)
            {
                writer.WriteRecord([.. row]);
            }
        }

        return stream.ToArray();
    }
}
