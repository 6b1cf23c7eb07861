using System.ComponentModel;
using System.Diagnostics;

namespace Signing.Pki.Tests;

/// <summary>Runs the openssl command-line tool as an independent peer.</summary>
internal static class OpenSsl
{
    internal sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    internal static Result Run(params string[] arguments) => Run(null, arguments);

    internal static Result Run(byte[]? stdin, params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("The 'openssl' tool is required by this test but was not found on PATH (Debian package: openssl).", e);
        }

        using (process)
        {
            if (stdin is not null)
            {
                process.StandardInput.BaseStream.Write(stdin);
                process.StandardInput.Close();
            }

            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"openssl {string.Join(' ', arguments)} did not finish in 60 s");
            }

            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    internal static Result MustSucceed(params string[] arguments)
    {
        var result = Run(arguments);
        Assert.True(result.ExitCode == 0, $"openssl {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.All}");
        return result;
    }
}
