namespace Signing.Cli.Tests;

public sealed class TokenCommandsTests : IDisposable
{
    private readonly TokenTestStore _store = new();

    [Fact]
    public void TokenInit_ThenList_ShowsLabelSerialAndPinState()
    {
        var (exit, stdout, stderr) = _store.Signing(["token", "list"]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("not initialised", stdout, StringComparison.Ordinal);

        _store.InitializeToken("Văn thư");
        (exit, stdout, stderr) = _store.Signing(["token", "list"]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("token: label=Văn thư serial=", stdout, StringComparison.Ordinal);
        Assert.Contains("TokenInitialized", stdout, StringComparison.Ordinal);
        Assert.Contains("user PIN: ok", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenInit_WithoutSoPin_ExplainsWhereItComesFrom()
    {
        var (exit, _, stderr) = _store.Signing(["token", "init", "--slot", "0", "--label", "x"], soPin: null);
        Assert.Equal(2, exit);
        Assert.Contains("$SIGNING_SO_PIN", stderr, StringComparison.Ordinal);
        Assert.Contains("never taken from the command line", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void PinOnCommandLine_IsNotAnOption()
    {
        _store.InitializeToken("dev");
        var (exit, _, stderr) = _store.Signing(["key", "list", "--token", "dev", "--pin", TokenTestStore.UserPin]);
        Assert.NotEqual(0, exit);
        Assert.Contains("--pin", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongPin_GivesOneLineError()
    {
        _store.InitializeToken("dev");
        var (exit, stdout, stderr) = _store.Signing(["key", "list", "--token", "dev"], pin: "0000");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: C_Login returned CKR_PIN_INCORRECT", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("0000", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void PinFile_IsReadWhenSigningPinIsUnset()
    {
        _store.InitializeToken("dev");
        var pinFile = _store.FilePath("pin.txt");
        File.WriteAllText(pinFile, TokenTestStore.UserPin + "\n");
        var (exit, _, stderr) = _store.Signing(["key", "list", "--token", "dev", "--pin-file", pinFile], pin: null);
        Assert.True(exit == 0, stderr);

        (exit, _, stderr) = _store.Signing(["key", "list", "--token", "dev"], pin: null);
        Assert.Equal(2, exit);
        Assert.Contains("No PIN given", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _store.Dispose();
}
