using Signing.Pki.Revocation;
using Signing.Pki.Validation;

namespace Signing.Pki.Tests;

[Collection(DevPkiCollection.Name)]
public sealed class PathValidationTests(DevPkiFixture pki)
{
    [Fact]
    public async Task Validate_NowWithRevocation_ChecksLeafAndSubCa()
    {
        var leaf = pki.IssueFresh("Đường dẫn");
        var validator = new CertificatePathValidator(pki.Anchors, RevocationChecker.Create(pki.Http));
        var result = await validator.ValidateAsync(leaf, [pki.Authority.SubCa], DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(PathStatus.Valid, result.Status);
        Assert.Equal(3, result.Chain.Count);
        Assert.Equal(2, result.Revocations.Count);
        Assert.All(result.Revocations, r => Assert.Equal(RevocationStatus.Good, r.Result.Status));
        Assert.Empty(result.OutOfValidity);
    }

    [Fact]
    public async Task Validate_InThePastBeforeIssuance_ReportsOutOfValidity()
    {
        var leaf = pki.IssueFresh("Quá khứ");
        var validator = new CertificatePathValidator(pki.Anchors, null);
        var result = await validator.ValidateAsync(leaf, [pki.Authority.SubCa], DateTimeOffset.UtcNow.AddYears(-1), CancellationToken.None);

        Assert.Equal(PathStatus.Valid, result.Status);
        Assert.Contains(result.OutOfValidity, c => c.Thumbprint == leaf.Thumbprint);
        Assert.Empty(result.Revocations);
    }

    [Fact]
    public async Task Validate_MissingIntermediate_IsNoChain()
    {
        var leaf = pki.IssueFresh("Thiếu CA trung gian");
        var result = await new CertificatePathValidator(pki.Anchors, null).ValidateAsync(leaf, null, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(PathStatus.NoChain, result.Status);
    }
}
