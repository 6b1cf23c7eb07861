using Microsoft.Extensions.Options;

namespace Signing.Api.Hosting;

/// <summary>Turns an options type's own list of problems into start-up validation with readable messages.</summary>
public sealed class ProblemListValidator<TOptions>(Func<TOptions, IReadOnlyList<string>> problems) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var found = problems(options);
        return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
    }
}
