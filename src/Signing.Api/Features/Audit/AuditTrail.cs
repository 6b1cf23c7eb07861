using System.Reflection;
using System.Text;
using Signing.Storage.Audit;

namespace Signing.Api.Features.Audit;

/// <summary>
/// What one audited operation did, collected while it runs, for its one audit record. The operation names its target
/// and adds details (hashes, key, level, where the signature shows); whoever audits the operation writes the record
/// once with the outcome. Never add a PIN, password, key or document content.
/// </summary>
public sealed class AuditTrail
{
    private readonly StringBuilder _details = new();

    /// <summary>The audit action, e.g. <c>sign.pdf</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>What the operation acted on: a signature, operation or session id.</summary>
    public string? Target { get; set; }

    /// <summary>Overrides the actor taken from the request's principal (e.g. the desk signer, which has none).</summary>
    public string? Actor { get; set; }

    /// <summary>Overrides the agency taken from the request's principal.</summary>
    public string? AgencyId { get; set; }

    /// <summary>
    /// Builds the success record as <see cref="AuditedEndpointFilter"/> would write it, for an operation that must
    /// commit that record in its own transaction: a two-step completion commits its claim and signed document, and a
    /// kill between that commit and a separate audit append would leave a signature without its record.
    /// </summary>
    public Func<AuditTrail, AuditEntry>? SuccessEntry { get; set; }

    /// <summary>True once the operation committed its success record itself; the filter then writes none for a 2xx.</summary>
    public bool SuccessRecorded { get; set; }

    /// <summary>The details so far, <c>name=value</c> pairs separated by <c>"; "</c>.</summary>
    public string Details => _details.ToString();

    /// <summary>Adds <c>name=value</c> (or the bare text when <paramref name="value"/> is null and the name is the text).</summary>
    public AuditTrail Add(string name, string? value)
    {
        Append(value is null ? $"{name}=" : $"{name}={value}");
        return this;
    }

    /// <summary>Adds a free-form fact, such as <c>visible=page 1 rect ...</c>.</summary>
    public AuditTrail Note(string text)
    {
        Append(text);
        return this;
    }

    private void Append(string text)
    {
        if (_details.Length > 0)
        {
            _details.Append("; ");
        }

        _details.Append(text);
    }

    /// <summary>The request's trail, opened on first use; <see cref="AuditedEndpointFilter"/> writes it.</summary>
    public static AuditTrail Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var trail = context.Features.Get<AuditTrail>();
        if (trail is null)
        {
            trail = new AuditTrail();
            context.Features.Set(trail);
        }

        return trail;
    }

    /// <summary>
    /// Lets a handler declare the request's trail as a parameter. Parameters are bound before endpoint filters run, so
    /// the trail is opened here and <see cref="AuditedEndpointFilter"/> finds it afterwards.
    /// </summary>
    public static ValueTask<AuditTrail?> BindAsync(HttpContext context, ParameterInfo parameter) => ValueTask.FromResult<AuditTrail?>(Of(context));
}
