using System.Globalization;

namespace Signing.Api.Features.Web;

/// <summary>
/// Times as the pages show them: in Vietnam's time (UTC+07:00, no daylight saving) whatever the server's zone, day
/// first, in the request's language.
/// </summary>
public static class VietnamTime
{
    /// <summary>Vietnam's offset from UTC.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(7);

    /// <summary><paramref name="time"/> as <c>14:05 06/12/2026</c>.</summary>
    public static string Format(DateTimeOffset time)
        => time.ToOffset(Offset).ToString("HH:mm dd/MM/yyyy", CultureInfo.CurrentCulture);

    /// <summary><paramref name="time"/>'s date as <c>06/12/2026</c>.</summary>
    public static string FormatDate(DateTimeOffset time)
        => time.ToOffset(Offset).ToString("dd/MM/yyyy", CultureInfo.CurrentCulture);

    /// <summary>A stored <c>yyyy-MM-dd</c> date as <c>06/12/2026</c>; anything else as it is.</summary>
    public static string FormatDate(string? isoDate)
        => DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("dd/MM/yyyy", CultureInfo.CurrentCulture)
            : isoDate ?? "";

    /// <summary>Today in Vietnam.</summary>
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Offset).DateTime);
    }
}
