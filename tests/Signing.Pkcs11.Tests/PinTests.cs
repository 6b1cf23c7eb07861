using System.Runtime.InteropServices;
using Signing.Pkcs11.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class PinTests(SoftHsmToken hsm)
{
    private const ulong UserPinFinalTry = 0x20000;
    private const ulong UserPinLocked = 0x40000;

    [Fact]
    public void WrongPin_ClearErrorWithoutPin_OneAttempt_CounterShowsOneFailure()
    {
        hsm.InitializeToken("pin-wrong", "2468", "24682468");
        var token = hsm.Module.OpenToken("pin-wrong");
        Assert.False(token.GetInfo().UserPinCountLow);
        var loginsBefore = hsm.Module.Native.LoginCalls;

        var e = Assert.Throws<Pkcs11Exception>(() => token.Login("97531"));
        Assert.Equal(Pkcs11ErrorKind.PinIncorrect, e.Kind);
        Assert.StartsWith("C_Login returned CKR_PIN_INCORRECT: the PIN is incorrect", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("97531", e.ToString(), StringComparison.Ordinal);
        Assert.Equal(loginsBefore + 1, hsm.Module.Native.LoginCalls);
        Assert.False(token.IsLoggedIn);

        // SoftHSM2 marks the counter after one failure; it has no finer count to read.
        Assert.True(token.GetInfo().UserPinCountLow);

        // Work that needs a login fails without any hidden login attempt.
        var noLogin = Assert.Throws<Pkcs11Exception>(() => token.GenerateKeyPair(Pkcs11KeyAlgorithm.EcP256, "nope"));
        Assert.Equal(Pkcs11ErrorKind.NotLoggedIn, noLogin.Kind);
        Assert.Equal(loginsBefore + 1, hsm.Module.Native.LoginCalls);

        token.Login("2468");
        Assert.True(token.IsLoggedIn);
        Assert.Equal(loginsBefore + 2, hsm.Module.Native.LoginCalls);
        Assert.False(token.GetInfo().UserPinCountLow);

        // One login state per token: a second Login with the same PIN does not call C_Login again,
        // and a different PIN is refused without reaching the token.
        token.Login("2468");
        Assert.Equal(loginsBefore + 2, hsm.Module.Native.LoginCalls);
        Assert.Throws<Pkcs11TokenException>(() => token.Login("1357"));
        Assert.Equal(loginsBefore + 2, hsm.Module.Native.LoginCalls);
    }

    [Fact]
    public unsafe void FinalTry_IsRefusedWithoutOptIn_AndLocked_IsRefused()
    {
        hsm.InitializeToken("pin-final", "3690", "36903690");
        hsm.InitializeToken("pin-locked", "3691", "36913691");
        var shimPath = BuildShim();
        var shimLibrary = NativeLibrary.Load(shimPath);
        var setReal = (delegate* unmanaged<byte*, int>)NativeLibrary.GetExport(shimLibrary, "shim_set_real_module");
        var setFlags = (delegate* unmanaged<nuint, void>)NativeLibrary.GetExport(shimLibrary, "shim_set_extra_flags");
        var loginCalls = (delegate* unmanaged<nint>)NativeLibrary.GetExport(shimLibrary, "shim_login_calls");
        var realPath = Marshal.StringToCoTaskMemUTF8(hsm.ModulePath);
        setReal((byte*)realPath);
        Marshal.FreeCoTaskMem(realPath);

        using var shimModule = Pkcs11Module.Load(shimPath);
        try
        {
            setFlags((nuint)UserPinFinalTry);
            var token = shimModule.OpenToken("pin-final");
            Assert.True(token.GetInfo().UserPinFinalTry);

            var refused = Assert.Throws<Pkcs11TokenException>(() => token.Login("3690"));
            Assert.Equal(Pkcs11ErrorKind.PinFinalTry, refused.Kind);
            Assert.Contains("CKF_USER_PIN_FINAL_TRY", refused.Message, StringComparison.Ordinal);
            Assert.Contains("No login was attempted", refused.Message, StringComparison.Ordinal);
            Assert.Equal(0, loginCalls());

            token.Login("3690", allowFinalTry: true);
            Assert.True(token.IsLoggedIn);
            Assert.Equal(1, loginCalls());

            setFlags((nuint)UserPinLocked);
            var locked = Assert.Throws<Pkcs11TokenException>(() => shimModule.OpenToken("pin-locked").Login("3691", allowFinalTry: true));
            Assert.Equal(Pkcs11ErrorKind.PinLocked, locked.Kind);
            Assert.Contains("CKF_USER_PIN_LOCKED", locked.Message, StringComparison.Ordinal);
            Assert.Equal(1, loginCalls());
        }
        finally
        {
            setFlags(0);
        }
    }

    private string BuildShim()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Native", "pin_flags_shim.c");
        var output = Path.Combine(hsm.Directory, "pin_flags_shim.so");
        var (exit, _, stderr) = ExternalTool.Run("gcc",
            ["-shared", "-fPIC", "-O1", "-I/usr/include/p11-kit-1", "-o", output, source, "-ldl"]);
        Assert.True(exit == 0, $"gcc could not build the PKCS#11 shim (needs packages gcc and libp11-kit-dev): {stderr}");
        return output;
    }
}
