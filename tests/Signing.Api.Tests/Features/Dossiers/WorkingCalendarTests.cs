using Signing.Api.Features.Dossiers;
using Signing.Api.Tests.Features.Certificates;
using Signing.Api.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Api.Tests.Features.Dossiers;

/// <summary>The GCC's 3 working days across Tết 2026, Tết 2027 and 2 September, from the shipped calendar and through the API.</summary>
public sealed class WorkingCalendarTests
{
    private readonly WorkingCalendar _calendar = WorkingCalendar.Shipped();

    [Theory]
    // Friday before Tết Bính Ngọ (off 14/02-22/02/2026): Monday 23, Tuesday 24, Wednesday 25.
    [InlineData("2026-02-13", 3, "2026-02-25")]
    [InlineData("2026-02-12", 3, "2026-02-24")]
    [InlineData("2026-02-16", 1, "2026-02-23")]
    // Thursday before Tết Đinh Mùi (projected: off 05/02 and 08/02-11/02/2027): Friday 12, Monday 15, Tuesday 16.
    [InlineData("2027-02-04", 3, "2027-02-16")]
    // National Day 2026: off 29/08-02/09 (31/08 swapped with Saturday 22/08, which is worked).
    [InlineData("2026-08-28", 3, "2026-09-07")]
    [InlineData("2026-08-21", 1, "2026-08-22")]
    [InlineData("2026-08-27", 1, "2026-08-28")]
    // National Day 2025: 01/09 and 02/09 off after the weekend.
    [InlineData("2025-08-29", 1, "2025-09-03")]
    // An ordinary week.
    [InlineData("2025-10-08", 3, "2025-10-13")]
    public void AddWorkingDays_SkipsWeekendsHolidaysAndTet(string from, int days, string due)
        => Assert.Equal(DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture),
            _calendar.AddWorkingDays(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), days));

    [Fact]
    public void TetAndNationalDay_AreDaysOff_AndTheSwappedSaturdayIsWorked()
    {
        Assert.False(_calendar.IsWorkingDay(new DateOnly(2026, 2, 17)));
        Assert.Contains("Bính Ngọ", _calendar.Why(new DateOnly(2026, 2, 17)), StringComparison.Ordinal);
        Assert.False(_calendar.IsWorkingDay(new DateOnly(2026, 9, 2)));
        Assert.False(_calendar.IsWorkingDay(new DateOnly(2027, 9, 2)));
        Assert.True(_calendar.IsWorkingDay(new DateOnly(2026, 8, 22)));
        Assert.True(_calendar.IsWorkingDay(new DateOnly(2025, 4, 26)));
        Assert.Equal(3, _calendar.WorkingDaysBetween(new DateOnly(2026, 2, 13), new DateOnly(2026, 2, 25)));
        Assert.Equal(new DateOnly(2025, 1, 1), _calendar.From);
        Assert.Equal(new DateOnly(2027, 12, 31), _calendar.To);
    }

    [Fact]
    public void ConfiguredCalendar_ReplacesTheShippedOne()
    {
        var path = Path.Combine(Path.GetTempPath(), $"calendar-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "covers": { "from": "2028-01-01", "to": "2028-12-31" }, "daysOff": [ { "date": "2028-01-03", "name": "Nghỉ bù" } ], "workingDays": [] }""");
        try
        {
            var calendar = WorkingCalendar.Load(path);
            Assert.Equal(new DateOnly(2028, 1, 5), calendar.AddWorkingDays(new DateOnly(2027, 12, 31), 2));
            File.WriteAllText(path, """{ "daysOff": [ { "date": "03/01/2028", "name": "x" } ] }""");
            Assert.Throws<InvalidDataException>(() => WorkingCalendar.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>The same counting through <c>GET /api/v1/dossiers/working-days</c>, which names the days off on the way.</summary>
[Collection(TokenCollection.Name)]
public sealed class WorkingDaysApiTests(TokenPki pki, PostgresCluster cluster)
{
    [Fact]
    public async Task WorkingDaysEndpoint_NamesTheDaysOff()
    {
        await using var api = await CertificateTestKit.StartAsync(pki, cluster, "sqlite");
        using var admin = await api.SignedInAsync(api.A.Admin);
        var answer = await admin.GetOkAsync("/api/v1/dossiers/working-days?from=2026-02-13&days=3");
        Assert.Equal("2026-02-25", answer.GetProperty("due").GetString());
        var off = answer.GetProperty("daysOff").EnumerateArray().Select(d => d.GetProperty("date").GetString()).ToList();
        Assert.Equal(["2026-02-14", "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22"], off);
    }
}
