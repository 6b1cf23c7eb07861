using System.Collections.Concurrent;
using Signing.Testing;

namespace Signing.Pkcs11.Tests.Fixtures;

// Key pairs generated once per fixture and algorithm, so tests do not each pay for keygen.
internal static class TestKeys
{
    private static readonly ConcurrentDictionary<(SoftHsmToken, Pkcs11KeyAlgorithm), Pkcs11Uri> Generated = new();

    public static Pkcs11Token LoggedInToken(SoftHsmToken hsm)
    {
        var token = hsm.Module.OpenToken(hsm.TokenLabel);
        token.Login(hsm.UserPin);
        return token;
    }

    public static Pkcs11PrivateKey Get(SoftHsmToken hsm, Pkcs11KeyAlgorithm algorithm)
    {
        var token = LoggedInToken(hsm);
        var uri = Generated.GetOrAdd((hsm, algorithm), key => token.GenerateKeyPair(key.Item2, $"shared-{key.Item2}").Uri);
        return token.OpenPrivateKey(uri);
    }
}
