namespace Signing.Cli.Tests;

/// <summary>
/// <c>sign pdf --csc</c>'s usage rules, refused before any request: the key is either local (--key) or the service's
/// (--csc with --credential and --user), and secrets come only from the environment.
/// </summary>
public sealed class SignPdfCscUsageTests
{
    private const string Service = "http://127.0.0.1:9";

    [Fact]
    public async Task CscWithKey_IsRefused_NamingKey()
    {
        var result = await Cli.RunAsync("sign", "pdf", "in.pdf", "out.pdf", "--csc", Service, "--credential", "k1", "--user", "official-a", "--key", "official.key");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--csc signs with a key the service holds; --key is for local keys", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CscWithPinFileOrModule_IsRefused_NamingEach()
    {
        var result = await Cli.RunAsync("sign", "pdf", "in.pdf", "out.pdf", "--csc", Service, "--credential", "k1", "--user", "official-a",
            "--pin-file", "pin.txt", "--module", "/usr/lib/softhsm/libsofthsm2.so");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--pin-file is for local keys", result.Error, StringComparison.Ordinal);
        Assert.Contains("--module is for local keys", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CscWithoutCredentialOrUser_IsRefused_NamingWhatIsMissing()
    {
        var result = await Cli.RunAsync("sign", "pdf", "in.pdf", "out.pdf", "--csc", Service);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--csc needs --credential.", result.Error, StringComparison.Ordinal);
        Assert.Contains("--csc needs --user.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NeitherKeyNorCsc_SaysKeyIsRequired_CredentialWithoutCscIsRefused()
    {
        var neither = await Cli.RunAsync("sign", "pdf", "in.pdf", "out.pdf");
        Assert.Equal(1, neither.ExitCode);
        Assert.Contains("Option '--key' is required (or sign remotely with --csc", neither.Error, StringComparison.Ordinal);

        var stray = await Cli.RunAsync("sign", "pdf", "in.pdf", "out.pdf", "--key", "official.key", "--credential", "k1");
        Assert.Equal(1, stray.ExitCode);
        Assert.Contains("--credential goes with --csc.", stray.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CscUrlMustBeHttpsOrLoopbackHttp_WithoutUserInfo()
    {
        var ftp = await Cli.RunAsync("sign", "pdf", "in.pdf", "out.pdf", "--csc", "ftp://example.org", "--credential", "k1", "--user", "u");
        Assert.Equal(1, ftp.ExitCode);
        Assert.Contains("'ftp://example.org' is not an absolute http:// or https:// URL.", ftp.Error, StringComparison.Ordinal);

        var clear = await Cli.RunAsync("sign", "pdf", "in.pdf", "out.pdf", "--csc", "http://signing.example.org", "--credential", "k1", "--user", "u");
        Assert.Equal(1, clear.ExitCode);
        Assert.Contains("would send the password and PIN in clear; use https://", clear.Error, StringComparison.Ordinal);

        var urlPassword = Guid.NewGuid().ToString("N");
        var userInfo = await Cli.RunAsync("sign", "pdf", "in.pdf", "out.pdf", "--csc", $"https://u:{urlPassword}@signing.example.org", "--credential", "k1", "--user", "u");
        Assert.Equal(1, userInfo.ExitCode);
        Assert.Contains("without user:password@", userInfo.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(urlPassword, userInfo.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void NoPasswordOrNoPinInTheEnvironment_Exit1_SaysWhichVariable()
    {
        string[] arguments = ["sign", "pdf", "in.pdf", "out.pdf", "--csc", Service, "--credential", "k1", "--user", "official-a"];

        var noPassword = SigningCli.Run(new Dictionary<string, string?> { ["SIGNING_PASSWORD"] = null, ["SIGNING_PIN"] = Guid.NewGuid().ToString("N") }, arguments);
        Assert.Equal(1, noPassword.ExitCode);
        Assert.Equal("signing sign pdf: No password given for --csc: set $SIGNING_PASSWORD. Passwords are never taken from the command line.", noPassword.Stderr.Trim());

        var noPin = SigningCli.Run(new Dictionary<string, string?> { ["SIGNING_PASSWORD"] = Guid.NewGuid().ToString("N"), ["SIGNING_PIN"] = null }, arguments);
        Assert.Equal(1, noPin.ExitCode);
        Assert.Equal("signing sign pdf: No PIN given: set $SIGNING_PIN. PINs are never taken from the command line.", noPin.Stderr.Trim());
    }
}
