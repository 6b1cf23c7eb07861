using System.Globalization;
using System.Xml.Linq;
using Signing.Api.Features.Certificates;

namespace Signing.Api.Features.Web.Pages.Certificates;

/// <summary>One week of the expiry timeline.</summary>
/// <param name="FirstDay">The week's first day, counted from today (0).</param>
/// <param name="LastDay">Its last day.</param>
/// <param name="From">Its first date.</param>
/// <param name="To">Its last date.</param>
/// <param name="Certificates">The certificates expiring in it.</param>
public sealed record ExpiryWeek(int FirstDay, int LastDay, DateOnly From, DateOnly To, IReadOnlyList<CertificateView> Certificates);

/// <summary>
/// The certificates that expire in the next <see cref="Days"/> days, by week, for the dashboard's bar chart. The chart
/// is drawn on the server as SVG (no script, so the CSP stays strict and the chart prints); this type does the counting
/// and the geometry, the view only writes the elements.
/// </summary>
public sealed class ExpiryTimeline
{
    /// <summary>How far the timeline looks ahead.</summary>
    public const int Days = 90;

    /// <summary>The drawing's width in SVG units.</summary>
    public const double Width = 720;

    /// <summary>The drawing's height in SVG units.</summary>
    public const double Height = 240;

    /// <summary>Room left of the bars for the count axis.</summary>
    public const double Left = 40;

    /// <summary>Room under the bars for the day axis.</summary>
    public const double Bottom = 44;

    /// <summary>Room above the tallest bar.</summary>
    public const double Top = 16;

    private ExpiryTimeline(IReadOnlyList<ExpiryWeek> weeks) => Weeks = weeks;

    /// <summary>The weeks, from today.</summary>
    public IReadOnlyList<ExpiryWeek> Weeks { get; }

    /// <summary>Every certificate on the timeline, soonest first.</summary>
    public IEnumerable<CertificateView> Certificates => Weeks.SelectMany(week => week.Certificates);

    /// <summary>How many certificates the timeline holds.</summary>
    public int Total => Weeks.Sum(week => week.Certificates.Count);

    /// <summary>The count axis' top: the largest week, at least one so an empty chart still draws.</summary>
    public int Max => Math.Max(1, Weeks.Max(week => week.Certificates.Count));

    /// <summary>The width of one week's slot.</summary>
    public double SlotWidth => (Width - Left - 8) / Weeks.Count;

    /// <summary>The baseline's y.</summary>
    public static double Baseline => Height - Bottom;

    /// <summary>The live certificates of <paramref name="certificates"/> that expire within <see cref="Days"/> days of <paramref name="today"/>.</summary>
    public static ExpiryTimeline Of(IEnumerable<CertificateView> certificates, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var expiring = certificates
            .Where(c => c.Status is "active" or "expiring" && c.DaysLeft is >= 0 and <= Days)
            .OrderBy(c => c.NotAfter)
            .ToList();
        var weeks = new List<ExpiryWeek>();
        for (var first = 0; first <= Days; first += 7)
        {
            var last = Math.Min(first + 6, Days);
            weeks.Add(new ExpiryWeek(first, last, today.AddDays(first), today.AddDays(last),
                [.. expiring.Where(c => c.DaysLeft >= first && c.DaysLeft <= last)]));
        }

        return new ExpiryTimeline(weeks);
    }

    /// <summary>The x of a week's bar.</summary>
    public double X(int index) => Left + (index * SlotWidth) + 3;

    /// <summary>The height of a bar of <paramref name="count"/> certificates.</summary>
    public double BarHeight(int count) => (Baseline - Top) * count / Max;

    /// <summary>The count axis' ticks: 0, the top and a middle one when it is a whole number.</summary>
    public IEnumerable<int> Ticks() => Max % 2 == 0 ? [0, Max / 2, Max] : [0, Max];

    /// <summary>The y of a count on the axis.</summary>
    public double Y(int count) => Baseline - BarHeight(count);

    /// <summary>
    /// The chart as an SVG element: a bar per week (red in the first 30 days), its count above it, its first day under
    /// it, and a title, description and per-bar titles in the request's language for screen readers and tooltips.
    /// XElement escapes every text, so names and dates cannot break the markup.
    /// </summary>
    public string ToSvg()
    {
        XNamespace svg = "http://www.w3.org/2000/svg";
        var right = Width - 8;
        var chart = new XElement(svg + "svg",
            new XAttribute("viewBox", $"0 0 {N(Width)} {N(Height)}"), new XAttribute("role", "img"),
            new XAttribute("aria-labelledby", "timeline-title timeline-desc"), new XAttribute("class", "chart__svg"),
            new XElement(svg + "title", new XAttribute("id", "timeline-title"), CertificateText.TimelineHeading.ToString()),
            new XElement(svg + "desc", new XAttribute("id", "timeline-desc"), CertificateText.TimelineDescription.Format(Total)));
        foreach (var tick in Ticks())
        {
            chart.Add(
                new XElement(svg + "line", new XAttribute("x1", N(Left)), new XAttribute("x2", N(right)), new XAttribute("y1", N(Y(tick))),
                    new XAttribute("y2", N(Y(tick))), new XAttribute("class", "chart__grid")),
                Text(svg, Left - 6, Y(tick) + 4, "end", "chart__label", tick.ToString(CultureInfo.CurrentCulture)));
        }

        for (var i = 0; i < Weeks.Count; i++)
        {
            var week = Weeks[i];
            var count = week.Certificates.Count;
            var x = X(i);
            var width = SlotWidth - 6;
            var group = new XElement(svg + "g", new XElement(svg + "title", CertificateText.TimelineBar.Format(count, Day(week.From), Day(week.To))));
            if (count > 0)
            {
                group.Add(
                    new XElement(svg + "rect", new XAttribute("x", N(x)), new XAttribute("y", N(Y(count))), new XAttribute("width", N(width)),
                        new XAttribute("height", N(BarHeight(count))), new XAttribute("class", week.FirstDay < 30 ? "chart__bar chart__bar--soon" : "chart__bar")),
                    Text(svg, x + (width / 2), Y(count) - 4, "middle", "chart__value", count.ToString(CultureInfo.CurrentCulture)));
            }

            group.Add(Text(svg, x + (width / 2), Baseline + 16, "middle", "chart__label", Day(week.From)));
            chart.Add(group);
        }

        chart.Add(
            new XElement(svg + "line", new XAttribute("x1", N(Left)), new XAttribute("x2", N(right)), new XAttribute("y1", N(Baseline)),
                new XAttribute("y2", N(Baseline)), new XAttribute("class", "chart__axis")),
            Text(svg, Width / 2, Height - 6, "middle", "chart__label", CertificateText.TimelineAxis.ToString()));
        return chart.ToString(SaveOptions.DisableFormatting);
    }

    private static XElement Text(XNamespace svg, double x, double y, string anchor, string style, string content)
        => new(svg + "text", new XAttribute("x", N(x)), new XAttribute("y", N(y)), new XAttribute("text-anchor", anchor), new XAttribute("class", style), content);

    private static string Day(DateOnly day) => day.ToString("dd/MM", CultureInfo.CurrentCulture);

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
