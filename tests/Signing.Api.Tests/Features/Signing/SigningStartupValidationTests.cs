using Signing.Api.Tests.Fixtures;

namespace Signing.Api.Tests.Features.Signing;

/// <summary>Token, signing, limit and verification options are checked when the service starts.</summary>
public sealed class SigningStartupValidationTests
{
    [Fact]
    public async Task TokenWithoutModuleOrPinFile_FailsAtStart_NamingTheKeys()
    {
        await using var api = new ApiFactory(new Dictionary<string, string?>
        {
            ["Pkcs11:Tokens:0:Label"] = "dev",
            ["Pkcs11:Tokens:0:PinFile"] = "/nonexistent/token-pin",
        });
        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient()).ToString();
        Assert.Contains("Pkcs11:Module must name the PKCS#11 library", error, StringComparison.Ordinal);
        Assert.Contains("Pkcs11:Tokens:0:PinFile '/nonexistent/token-pin' does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadSigningAndLimitValues_FailAtStart_NamingTheKeys()
    {
        await using var api = new ApiFactory(new Dictionary<string, string?>
        {
            ["Signing:TsaUrl"] = "not a url",
            ["Limits:MaxPages"] = "0",
            ["Verification:TrustAnchorsFile"] = "/nonexistent/root.pem",
        });
        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient()).ToString();
        Assert.Contains("Signing:TsaUrl 'not a url'", error, StringComparison.Ordinal);
        Assert.Contains("Limits:MaxPages must be at least 1", error, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/root.pem", error, StringComparison.Ordinal);
    }
}
