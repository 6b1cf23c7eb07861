using System.Security.Cryptography;
using Signing.Pkcs11.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Pkcs11.Tests;

// SoftHSM2 keeps each token in its own directory under the token store and reads the store
// only in C_Initialize. Moving a token's directory away while the process runs is our stand-in
// for pulling a USB token: the key handle dies (CKR_OBJECT_HANDLE_INVALID), the binding drops
// the pool and restarts the module, and reports the token as gone until it is back.
[Collection(SoftHsmCollection.Name)]
public sealed class RecoveryTests(SoftHsmToken hsm)
{
    // Long enough that the fail-fast call below cannot outlive it even on a loaded machine.
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(3);

    [Fact]
    public void TokenDirectoryMovedAway_FailsClearly_ThenRecoversWhenBack()
    {
        var directory = hsm.InitializeToken("fault", "1111", "11111111");
        var token = hsm.Module.OpenToken("fault", options: new Pkcs11TokenOptions { RecoveryRetryInterval = RetryInterval });
        token.Login("1111");
        var key = token.OpenPrivateKey(token.GenerateKeyPair(Pkcs11KeyAlgorithm.Rsa2048, "fault-key").Uri);
        var hash = SHA256.HashData("x"u8);
        var signature = new byte[key.SignatureSize];
        key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature);
        var loginsBefore = hsm.Module.Native.LoginCalls;

        // Out of the token store: SoftHSM2 would load any directory inside it as a token.
        var away = Path.Combine(hsm.Directory, "away-" + Path.GetFileName(directory));
        Directory.Move(directory, away);
        try
        {
            // 1. The live call sees the dead key handle.
            var first = Assert.Throws<Pkcs11Exception>(() => key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature));
            Assert.StartsWith("C_SignInit returned CKR_OBJECT_HANDLE_INVALID", first.Message, StringComparison.Ordinal);

            // 2. The next call restarts the module and finds no such token.
            var second = Assert.Throws<Pkcs11TokenException>(() => key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature));
            Assert.Equal(Pkcs11ErrorKind.TokenUnavailable, second.Kind);
            Assert.Contains("Token 'fault' is no longer present", second.Message, StringComparison.Ordinal);

            // 3. Calls right after fail fast, without touching the module again.
            var generation = hsm.Module.Generation;
            var third = Assert.Throws<Pkcs11TokenException>(() => key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature));
            Assert.Equal(Pkcs11ErrorKind.TokenUnavailable, third.Kind);
            Assert.Contains("next reconnect attempt", third.Message, StringComparison.Ordinal);
            Assert.Equal(generation, hsm.Module.Generation);
        }
        finally
        {
            Directory.Move(away, directory);
        }

        Thread.Sleep(RetryInterval + TimeSpan.FromMilliseconds(500));
        Assert.Equal(key.SignatureSize, key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature));
        using var publicKey = RSA.Create(key.ExportRsaPublicParameters());
        Assert.True(publicKey.VerifyHash(hash, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.True(token.IsLoggedIn);
        // Exactly one re-login with the cached PIN, no retries.
        Assert.Equal(loginsBefore + 1, hsm.Module.Native.LoginCalls);

        // Other tokens of the same module reconnect transparently after the restarts.
        var shared = TestKeys.Get(hsm, Pkcs11KeyAlgorithm.Rsa2048);
        Assert.Equal(256, shared.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, new byte[256]));
    }

    // "Break the module": SoftHSM2 reads softhsm2.conf in C_Initialize, and a token store it cannot enumerate makes
    // C_Initialize fail (CKR_GENERAL_ERROR), which leaves the module uninitialised. The restart that found the module
    // broken must not be the last one: once the configuration and the token are back, signing resumes in-process.
    [Fact]
    public void ModuleBrokenWhileTokenAway_FailsClearly_ThenRecoversWhenBothAreBack()
    {
        var directory = hsm.InitializeToken("broken", "2222", "22222222");
        var token = hsm.Module.OpenToken("broken", options: new Pkcs11TokenOptions { RecoveryRetryInterval = RetryInterval });
        token.Login("2222");
        var key = token.OpenPrivateKey(token.GenerateKeyPair(Pkcs11KeyAlgorithm.Rsa2048, "broken-key").Uri);
        var hash = SHA256.HashData("z"u8);
        var signature = new byte[key.SignatureSize];
        key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature);

        var away = Path.Combine(hsm.Directory, "away-" + Path.GetFileName(directory));
        var configuration = File.ReadAllText(hsm.ConfPath);
        Directory.Move(directory, away);
        try
        {
            Assert.Throws<Pkcs11Exception>(() => key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature));
            var gone = Assert.Throws<Pkcs11TokenException>(() => key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature));
            Assert.Contains("no longer present", gone.Message, StringComparison.Ordinal);

            File.WriteAllText(hsm.ConfPath, configuration.Replace(hsm.TokenStore, Path.Combine(hsm.Directory, "no-such-store"), StringComparison.Ordinal));
            Thread.Sleep(RetryInterval + TimeSpan.FromMilliseconds(500));
            var broken = Assert.Throws<Pkcs11Exception>(() => key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature));
            Assert.StartsWith("C_Initialize returned CKR_GENERAL_ERROR", broken.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.WriteAllText(hsm.ConfPath, configuration);
            Directory.Move(away, directory);
        }

        Thread.Sleep(RetryInterval + TimeSpan.FromMilliseconds(500));
        Assert.Equal(key.SignatureSize, key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature));
        using var publicKey = RSA.Create(key.ExportRsaPublicParameters());
        Assert.True(publicKey.VerifyHash(hash, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.True(token.IsLoggedIn);
    }

    [Fact]
    public void SessionHandleInvalid_DropsPool_NextCallReconnectsAndLogsInAgain()
    {
        var key = TestKeys.Get(hsm, Pkcs11KeyAlgorithm.Rsa2048);
        var hash = SHA256.HashData("y"u8);
        var signature = new byte[key.SignatureSize];
        key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature);

        // Close the session on top of the idle stack behind the pool's back.
        var state = key.Token.EnsureState();
        using (hsm.Module.EnterCall())
        {
            var session = state.Pool.Rent(TimeSpan.FromSeconds(5));
            Assert.Equal(Net.Pkcs11Interop.Common.CKR.CKR_OK, hsm.Module.Native.C_CloseSession(session));
            state.Pool.Return(session);
        }

        var e = Assert.Throws<Pkcs11Exception>(() => key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature));
        Assert.True(e.IsTransient);
        Assert.StartsWith("C_SignInit returned CKR_SESSION_HANDLE_INVALID", e.Message, StringComparison.Ordinal);

        var generation = hsm.Module.Generation;
        Assert.Equal(key.SignatureSize, key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature));
        Assert.True(hsm.Module.Generation > generation, "recovery restarts the module");
        Assert.True(key.Token.IsLoggedIn);
    }
}
