using Signing.Testing;

namespace Signing.Pkcs11.Tests.Fixtures;

/// <summary>All tests that touch SoftHSM2 share one token store and one module instance.</summary>
[CollectionDefinition(Name)]
public sealed class SoftHsmCollection : ICollectionFixture<SoftHsmToken>
{
    /// <summary>The collection name.</summary>
    public const string Name = "SoftHSM2";
}
