namespace Signing.Api.Features.SignatureRequests;

/// <summary>Configuration section <c>SignatureRequests</c>.</summary>
public sealed class SignatureRequestOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "SignatureRequests";

    /// <summary>How often the actors of a hỏa tốc (flash) request are reminded (default hourly).</summary>
    public TimeSpan FlashReminderInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often for thượng khẩn (default every 4 hours).</summary>
    public TimeSpan VeryUrgentReminderInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How often for every other urgency (default daily).</summary>
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the reminder and deadline scans run (default every minute).</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The seal's true diameter in millimetres (default 36 mm), at which the seal image is placed.</summary>
    public double SealDiameterMillimetres { get; set; } = 36;

    /// <summary>The most attachments (phụ lục) a request may carry (default 20).</summary>
    public int MaxAttachments { get; set; } = 20;

    /// <summary>The PAdES level of the workflow's signatures (default B-T when a TSA is configured, else B-B).</summary>
    public string? Level { get; set; }

    /// <summary>The reminder interval for <paramref name="urgency"/>.</summary>
    public TimeSpan ReminderFor(string urgency) => urgency switch
    {
        Urgencies.Flash => FlashReminderInterval,
        Urgencies.VeryUrgent => VeryUrgentReminderInterval,
        _ => ReminderInterval,
    };

    /// <summary>Returns a list of problems with this configuration, empty when it is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (new[] { FlashReminderInterval, VeryUrgentReminderInterval, ReminderInterval, ScanInterval }.Any(interval => interval <= TimeSpan.Zero))
        {
            problems.Add("SignatureRequests: reminder and scan intervals must be positive.");
        }

        if (SealDiameterMillimetres is < 10 or > 80)
        {
            problems.Add("SignatureRequests:SealDiameterMillimetres must be between 10 and 80.");
        }

        if (MaxAttachments is < 0 or > 100)
        {
            problems.Add("SignatureRequests:MaxAttachments must be between 0 and 100.");
        }

        return problems;
    }
}
