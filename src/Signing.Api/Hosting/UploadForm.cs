namespace Signing.Api.Hosting;

/// <summary>
/// Reads a multipart or URL-encoded form for the upload endpoints (sign, prepare, verify, submit, desk upload) and
/// refuses two things the framework lets through: a body that ends before its closing boundary, which
/// <see cref="HttpRequest.ReadFormAsync(CancellationToken)"/> reports as an <see cref="IOException"/> (it would be a
/// 500), and a field sent twice. Which of two <c>file</c> parts or two <c>keyId</c> values was meant cannot be known,
/// and different readers pick differently (the first, the last), so a duplicate is a 400, never a guess.
/// </summary>
public static class UploadForm
{
    /// <summary>Reads the form, or the 400 that says why it cannot be used.</summary>
    /// <param name="request">The request, whose content type is a form.</param>
    /// <param name="repeatable">Fields that may legitimately appear more than once (such as the lines of a signature's text).</param>
    /// <param name="ct">Cancels the read.</param>
    public static async Task<Result<IFormCollection>> ReadAsync(HttpRequest request, IReadOnlyCollection<string> repeatable, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(repeatable);
        IFormCollection form;
        try
        {
            // Through FormReading: a part header the framework cannot decode (charset=utf-7, an empty filename*) is an
            // InvalidDataException there, so it is the 400 below rather than a 500 (found by the multipart fuzzer).
            form = await request.ReadFormOrInvalidDataAsync(ct);
        }
        catch (IOException exception) when (!ct.IsCancellationRequested && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return new Failure(FailureKind.BadInput, "malformed-multipart", "Malformed form",
                $"The form body is incomplete or malformed ({exception.Message.TrimEnd('.')}); send the whole body, ending with its closing boundary.");
        }
        catch (InvalidDataException exception)
        {
            return new Failure(FailureKind.BadInput, "malformed-multipart", "Malformed form", exception.Message);
        }

        var textNames = form.Keys.Where(name => form[name].Count > 1);
        var fileNames = form.Files.GroupBy(file => file.Name, StringComparer.OrdinalIgnoreCase).Where(group => group.Count() > 1).Select(group => group.Key);
        var bothNames = form.Keys.Where(name => form.Files.Any(file => string.Equals(file.Name, name, StringComparison.OrdinalIgnoreCase)));
        var duplicate = textNames.Concat(fileNames).Concat(bothNames)
            .FirstOrDefault(name => !repeatable.Contains(name, StringComparer.OrdinalIgnoreCase));
        return duplicate is null
            ? (Result<IFormCollection>)new Result<IFormCollection>(form, null)
            : Failure.BadInput("Duplicate field", $"The form has the field '{duplicate}' more than once; send each field once.", duplicate);
    }
}
