using System.Diagnostics;

namespace Signing.Testing;

/// <summary>
/// Runs the Debian tools the tests cross-check against (qpdf, pdfsig, openssl, pkcs11-tool) with a time limit; a
/// missing tool fails the test by name and package.
/// </summary>
public static class ExternalTool
{
    /// <summary>What the tool printed and how it exited.</summary>
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        /// <summary>Standard output followed by standard error.</summary>
        public string Combined => StandardOutput + StandardError;

        /// <summary>Deconstructs into exit code, standard output and standard error.</summary>
        public void Deconstruct(out int exitCode, out string standardOutput, out string standardError)
            => (exitCode, standardOutput, standardError) = (ExitCode, StandardOutput, StandardError);
    }

    /// <summary>Runs <paramref name="tool"/> with <paramref name="arguments"/> (2 minutes at most).</summary>
    public static Result Run(string tool, params string[] arguments) => Run(tool, arguments, null, null);

    /// <summary>Runs <paramref name="tool"/> with extra environment variables and a time limit (default 2 minutes).</summary>
    public static Result Run(string tool, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{tool}'");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"The test needs the '{tool}' tool (Debian package {PackageOf(tool)}), which is not installed: {ex.Message}", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var limit = timeout ?? TimeSpan.FromMinutes(2);
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"'{tool} {string.Join(' ', start.ArgumentList)}' did not finish within {limit.TotalSeconds:0} s");
            }

            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    /// <summary>Rewrites a PDF with qpdf, e.g. with --object-streams=generate to get xref and object streams.</summary>
    public static byte[] Qpdf(byte[] input, params string[] options)
    {
        using var directory = new TempDirectory();
        var source = directory.File("in.pdf");
        var target = directory.File("out.pdf");
        File.WriteAllBytes(source, input);
        var result = Run("qpdf", [.. options, source, target]);
        if (result.ExitCode is not (0 or 3))
        {
            throw new InvalidOperationException($"qpdf {string.Join(' ', options)} failed ({result.ExitCode}): {result.Combined}");
        }

        return File.ReadAllBytes(target);
    }

    public static Result QpdfCheck(string path) => Run("qpdf", "--check", path);

    public static Result Pdfsig(string path) => Run("pdfsig", path);

    private static string PackageOf(string tool) => tool switch
    {
        "pdfsig" or "pdftocairo" or "pdftotext" or "pdftoppm" => "poppler-utils",
        "openssl" => "openssl",
        "pkcs11-tool" => "opensc",
        "softhsm2-util" => "softhsm2",
        _ => tool,
    };
}

/// <summary>A temporary directory removed on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("signing-pdf-tests-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}
