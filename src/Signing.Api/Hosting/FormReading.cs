namespace Signing.Api.Hosting;

/// <summary>
/// Reads request forms so that a malformed one is a client error. ASP.NET Core's form reader reports most broken
/// bodies as <see cref="InvalidDataException"/> (400 in <see cref="ProblemMap"/>), but a part header naming a charset
/// .NET refuses (<c>charset=utf-7</c>, or <c>filename*=utf-7''…</c>) escapes as <see cref="NotSupportedException"/>, and an
/// RFC 5987 <c>filename*</c> without a value as <see cref="ArgumentNullException"/>: the multipart fuzzer found both,
/// and both were 500s.
/// </summary>
public static class FormReading
{
    /// <summary>
    /// <see cref="HttpRequest.ReadFormAsync(CancellationToken)"/>, with the form parser's undocumented failures turned into
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The form is malformed.</exception>
    public static async Task<IFormCollection> ReadFormOrInvalidDataAsync(this HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or FormatException)
        {
            // The parser's own message names .NET settings (SYSLIB0001) or a parameter, which mean nothing to a client.
            throw new InvalidDataException(
                "The form has a part header the service cannot read: an unsupported charset, or a malformed name or filename parameter.", e);
        }
    }
}
