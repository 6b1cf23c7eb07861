namespace Signing.Cli.Tests;

/// <summary>Runs the built <c>signing</c> CLI as a child process, the way people and scripts run it.</summary>
internal static class SigningCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string LastLine => Stdout.TrimEnd().Split('\n')[^1].Trim();
    }

    public static Result Run(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = TokenTestStore.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "signing.dll"), .. arguments], environment);
        return new Result(exitCode, stdout, stderr);
    }
}
