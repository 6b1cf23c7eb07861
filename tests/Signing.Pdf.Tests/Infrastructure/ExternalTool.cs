using System.Diagnostics;

namespace Signing.Pdf.Tests.Infrastructure;

/// <summary>Runs the Debian tools the tests cross-check against (qpdf, pdfsig); a missing tool fails the test by name.</summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public string Combined => StandardOutput + StandardError;
    }

    public static Result Run(string tool, params string[] arguments)
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
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"'{tool}' did not finish within 2 minutes");
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
        _ => tool,
    };
}

/// <summary>A temporary directory removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
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
