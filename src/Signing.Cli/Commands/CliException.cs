namespace Signing.Cli.Commands;

/// <summary>A failure the user can fix; the CLI prints its message without a stack trace and exits with 2.</summary>
internal sealed class CliException(string message) : Exception(message);
