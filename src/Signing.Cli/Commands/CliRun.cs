using System.Data.Common;

using Signing.Cli.Tokens;

namespace Signing.Cli.Commands;

/// <summary>Runs a command body and turns expected failures into a message and exit code 2.</summary>
internal static class CliRun
{
    public static async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliUsageException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            return 2;
        }
        catch (DbException exception)
        {
            await Console.Error.WriteLineAsync($"error: database: {exception.Message}");
            return 2;
        }
    }

    /// <summary>Runs a parser and reports its <see cref="ArgumentException"/> as a usage error.</summary>
    public static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException exception)
        {
            throw new CliUsageException(exception.Message);
        }
    }
}
