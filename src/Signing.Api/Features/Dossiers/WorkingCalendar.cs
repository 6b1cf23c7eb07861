using System.Globalization;
using System.Text.Json;

namespace Signing.Api.Features.Dossiers;

/// <summary>A listed day: a day off on a weekday, or a make-up working day on a weekend.</summary>
/// <param name="Date">The day (yyyy-MM-dd).</param>
/// <param name="Name">Why.</param>
public sealed record CalendarDay(string Date, string Name);

/// <summary>The calendar file's period.</summary>
/// <param name="From">First day covered (yyyy-MM-dd).</param>
/// <param name="To">Last day covered.</param>
public sealed record CalendarPeriod(string From, string To);

/// <summary>The calendar file: days off and make-up working days.</summary>
/// <param name="Description">What it is.</param>
/// <param name="Sources">Where its dates come from.</param>
/// <param name="Covers">The period it lists days for.</param>
/// <param name="DaysOff">Public holidays, Tết and swapped days off.</param>
/// <param name="WorkingDays">Weekend days worked in exchange for a swapped day off.</param>
public sealed record CalendarFile(string? Description, IReadOnlyList<string>? Sources, CalendarPeriod? Covers, IReadOnlyList<CalendarDay>? DaysOff,
    IReadOnlyList<CalendarDay>? WorkingDays);

/// <summary>
/// Vietnamese working days for state agencies: Monday to Friday, minus public holidays, Tết and swapped days off, plus
/// the Saturdays worked in exchange, from a calendar file (the shipped one lists 2025–2027; <c>Dossiers:CalendarFile</c>
/// replaces it). The GCC issues within 3 working days of a valid dossier, so a dossier sent on the Friday before Tết is
/// due well after it.
/// </summary>
public sealed class WorkingCalendar
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<DateOnly, string> _daysOff;
    private readonly Dictionary<DateOnly, string> _workingDays;

    private WorkingCalendar(CalendarFile file, string source)
    {
        _daysOff = Parse(file.DaysOff, source, "daysOff");
        _workingDays = Parse(file.WorkingDays, source, "workingDays");
        Source = source;
        From = file.Covers is { } covers ? DateOnly.ParseExact(covers.From, "yyyy-MM-dd", CultureInfo.InvariantCulture) : _daysOff.Keys.DefaultIfEmpty().Min();
        To = file.Covers is { } period ? DateOnly.ParseExact(period.To, "yyyy-MM-dd", CultureInfo.InvariantCulture) : _daysOff.Keys.DefaultIfEmpty().Max();
    }

    /// <summary>Where the calendar was read from.</summary>
    public string Source { get; }

    /// <summary>The first day the file lists days for.</summary>
    public DateOnly From { get; }

    /// <summary>The last day the file lists days for; after it only weekends are known.</summary>
    public DateOnly To { get; }

    /// <summary>The shipped calendar (2025–2027).</summary>
    public static WorkingCalendar Shipped()
    {
        using var stream = typeof(WorkingCalendar).Assembly.GetManifestResourceStream("working-calendar-vn.json")
            ?? throw new InvalidOperationException("The shipped working calendar (working-calendar-vn.json) is missing from the assembly.");
        return new WorkingCalendar(JsonSerializer.Deserialize<CalendarFile>(stream, Json)!, "working-calendar-vn.json (shipped)");
    }

    /// <summary>A calendar from a file of the same shape as the shipped one.</summary>
    /// <exception cref="InvalidDataException">The file is not such a calendar.</exception>
    public static WorkingCalendar Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return new WorkingCalendar(JsonSerializer.Deserialize<CalendarFile>(stream, Json) ?? throw new InvalidDataException($"{path} is empty."), path);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a working calendar: {e.Message}", e);
        }
    }

    /// <summary>Whether <paramref name="day"/> is a working day.</summary>
    public bool IsWorkingDay(DateOnly day)
        => _workingDays.ContainsKey(day) || (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_daysOff.ContainsKey(day));

    /// <summary>Why <paramref name="day"/> is off (or worked), or null for an ordinary day.</summary>
    public string? Why(DateOnly day) => _daysOff.TryGetValue(day, out var off) ? off : _workingDays.GetValueOrDefault(day);

    /// <summary>The <paramref name="days"/>-th working day after <paramref name="start"/> (the start day itself not counted).</summary>
    public DateOnly AddWorkingDays(DateOnly start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var day = start;
        for (var counted = 0; counted < days;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }

        return day;
    }

    /// <summary>Working days after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
        {
            count += IsWorkingDay(day) ? 1 : 0;
        }

        return count;
    }

    private static Dictionary<DateOnly, string> Parse(IReadOnlyList<CalendarDay>? days, string source, string list)
    {
        var parsed = new Dictionary<DateOnly, string>();
        foreach (var day in days ?? [])
        {
            if (!DateOnly.TryParseExact(day.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new InvalidDataException($"{source}: {list} has '{day.Date}', which is not a yyyy-MM-dd date.");
            }

            parsed[date] = day.Name;
        }

        return parsed;
    }
}
