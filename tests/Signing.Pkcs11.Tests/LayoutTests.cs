using System.Runtime.InteropServices;
using Signing.Pkcs11.Internal.Native;

namespace Signing.Pkcs11.Tests;

// Expected values are what gcc reports with offsetof/sizeof for p11-kit's pkcs11.h on Linux x64.
public sealed unsafe class LayoutTests
{
    [Fact]
    public void Sizes_MatchLinuxX64()
    {
        Assert.Equal(8, sizeof(CULong));
        Assert.Equal(2, sizeof(CkVersion));
        Assert.Equal(88, sizeof(CkInfo));
        Assert.Equal(112, sizeof(CkSlotInfo));
        Assert.Equal(208, sizeof(CkTokenInfo));
        Assert.Equal(24, sizeof(CkAttribute));
        Assert.Equal(24, sizeof(CkMechanism));
        Assert.Equal(24, sizeof(CkRsaPkcsPssParams));
        Assert.Equal(48, sizeof(CkCInitializeArgs));
        Assert.Equal(552, sizeof(CkFunctionList));
    }

    [Fact]
    public void CkInfo_FieldOffsets()
    {
        CkInfo s;
        var b = (byte*)&s;
        Assert.Equal(2, (byte*)s.ManufacturerId - b);
        Assert.Equal(40, (byte*)&s.Flags - b);
        Assert.Equal(48, (byte*)s.LibraryDescription - b);
        Assert.Equal(80, (byte*)&s.LibraryVersion - b);
    }

    [Fact]
    public void CkSlotInfo_FieldOffsets()
    {
        CkSlotInfo s;
        var b = (byte*)&s;
        Assert.Equal(64, (byte*)s.ManufacturerId - b);
        Assert.Equal(96, (byte*)&s.Flags - b);
        Assert.Equal(104, (byte*)&s.HardwareVersion - b);
        Assert.Equal(106, (byte*)&s.FirmwareVersion - b);
    }

    [Fact]
    public void CkTokenInfo_FieldOffsets()
    {
        CkTokenInfo s;
        var b = (byte*)&s;
        Assert.Equal(32, (byte*)s.ManufacturerId - b);
        Assert.Equal(64, (byte*)s.Model - b);
        Assert.Equal(80, (byte*)s.SerialNumber - b);
        Assert.Equal(96, (byte*)&s.Flags - b);
        Assert.Equal(120, (byte*)&s.MaxRwSessionCount - b);
        Assert.Equal(136, (byte*)&s.MaxPinLen - b);
        Assert.Equal(184, (byte*)&s.HardwareVersion - b);
        Assert.Equal(188, (byte*)s.UtcTime - b);
    }

    [Fact]
    public void SmallStructs_FieldOffsets()
    {
        CkAttribute a;
        Assert.Equal(8, (byte*)&a.Value - (byte*)&a);
        Assert.Equal(16, (byte*)&a.ValueLen - (byte*)&a);
        CkMechanism m;
        Assert.Equal(8, (byte*)&m.Parameter - (byte*)&m);
        Assert.Equal(16, (byte*)&m.ParameterLen - (byte*)&m);
        CkRsaPkcsPssParams p;
        Assert.Equal(8, (byte*)&p.Mgf - (byte*)&p);
        Assert.Equal(16, (byte*)&p.SaltLen - (byte*)&p);
        CkCInitializeArgs i;
        Assert.Equal(32, (byte*)&i.Flags - (byte*)&i);
        Assert.Equal(40, (byte*)&i.Reserved - (byte*)&i);
    }

    [Fact]
    public void CkFunctionList_EntryPointOffsets()
    {
        CkFunctionList f;
        var b = (byte*)&f;
        Assert.Equal(8, (byte*)&f.C_Initialize - b);
        Assert.Equal(56, (byte*)&f.C_GetTokenInfo - b);
        Assert.Equal(152, (byte*)&f.C_Login - b);
        Assert.Equal(232, (byte*)&f.C_FindObjectsFinal - b);
        Assert.Equal(344, (byte*)&f.C_SignInit - b);
        Assert.Equal(352, (byte*)&f.C_Sign - b);
        Assert.Equal(480, (byte*)&f.C_GenerateKeyPair - b);
        Assert.Equal(544, (byte*)&f.C_WaitForSlotEvent - b);
    }

    [Fact]
    public void ReturnCodeNames_FollowTheSpecification()
    {
        Assert.Equal("CKR_PIN_INCORRECT", Ckr.Name(0xA0));
        Assert.Equal("CKR_SESSION_HANDLE_INVALID", Ckr.Name(0xB3));
        Assert.Equal("CKR_VENDOR_DEFINED+0x5", Ckr.Name(0x80000005));
        Assert.Equal("CKR_0x7777", Ckr.Name(0x7777));
    }

    [Fact]
    public void Pkcs11Exception_NamesFunctionAndCode()
    {
        var e = new Pkcs11Exception("C_Login", Ckr.PIN_INCORRECT);
        Assert.StartsWith("C_Login returned CKR_PIN_INCORRECT", e.Message);
        Assert.Equal(Pkcs11ErrorKind.PinIncorrect, e.Kind);
        Assert.Equal(Pkcs11ErrorKind.TokenUnavailable, new Pkcs11Exception("C_Sign", Ckr.DEVICE_REMOVED).Kind);
        Assert.True(new Pkcs11Exception("C_Sign", Ckr.SESSION_HANDLE_INVALID).IsTransient);
        Assert.Equal(Pkcs11ErrorKind.MechanismInvalid, new Pkcs11Exception("C_SignInit", Ckr.MECHANISM_INVALID).Kind);
        Assert.Contains("locked", new Pkcs11Exception("C_Login", Ckr.PIN_LOCKED).Message, StringComparison.Ordinal);
        Assert.Contains("not present", new Pkcs11Exception("C_OpenSession", Ckr.TOKEN_NOT_PRESENT).Message, StringComparison.Ordinal);
    }
}
