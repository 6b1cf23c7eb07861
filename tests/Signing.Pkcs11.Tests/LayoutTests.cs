using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;
using Net.Pkcs11Interop.LowLevelAPI80.MechanismParams;
using Signing.Pkcs11.Internal;

namespace Signing.Pkcs11.Tests;

// The binding passes Pkcs11Interop's LowLevelAPI80 structs to the module. Expected values are
// what gcc reports with offsetof/sizeof for p11-kit's pkcs11.h on Linux x64, so these tests
// fail if the binding ever picks a layout variant that does not fit this platform.
public sealed unsafe class LayoutTests
{
    [Fact]
    public void ThisPlatform_UsesTheEightByteNaturallyAlignedVariant()
    {
        Assert.Equal(8, Platform.NativeULongSize);
        Assert.Equal(0, Platform.StructPackingSize);
        Assert.True(CryptokiLibrary.IsPlatformSupported);
        Pkcs11Module.EnsureSupportedPlatform();
    }

    [Fact]
    public void Sizes_MatchLinuxX64()
    {
        Assert.Equal(8, sizeof(CULong));
        Assert.Equal(2, Marshal.SizeOf<CK_VERSION>());
        Assert.Equal(88, Marshal.SizeOf<CK_INFO>());
        Assert.Equal(112, Marshal.SizeOf<CK_SLOT_INFO>());
        Assert.Equal(208, Marshal.SizeOf<CK_TOKEN_INFO>());
        Assert.Equal(24, sizeof(CK_ATTRIBUTE));
        Assert.Equal(24, sizeof(CK_MECHANISM));
        Assert.Equal(24, sizeof(CK_RSA_PKCS_PSS_PARAMS));
        Assert.Equal(48, Marshal.SizeOf<CK_C_INITIALIZE_ARGS>());
    }

    [Fact]
    public void CkInfo_FieldOffsets()
    {
        Assert.Equal(2, Offset<CK_INFO>(nameof(CK_INFO.ManufacturerId)));
        Assert.Equal(40, Offset<CK_INFO>(nameof(CK_INFO.Flags)));
        Assert.Equal(48, Offset<CK_INFO>(nameof(CK_INFO.LibraryDescription)));
        Assert.Equal(80, Offset<CK_INFO>(nameof(CK_INFO.LibraryVersion)));
    }

    [Fact]
    public void CkSlotInfo_FieldOffsets()
    {
        Assert.Equal(64, Offset<CK_SLOT_INFO>(nameof(CK_SLOT_INFO.ManufacturerId)));
        Assert.Equal(96, Offset<CK_SLOT_INFO>(nameof(CK_SLOT_INFO.Flags)));
        Assert.Equal(104, Offset<CK_SLOT_INFO>(nameof(CK_SLOT_INFO.HardwareVersion)));
        Assert.Equal(106, Offset<CK_SLOT_INFO>(nameof(CK_SLOT_INFO.FirmwareVersion)));
    }

    [Fact]
    public void CkTokenInfo_FieldOffsets()
    {
        Assert.Equal(32, Offset<CK_TOKEN_INFO>(nameof(CK_TOKEN_INFO.ManufacturerId)));
        Assert.Equal(64, Offset<CK_TOKEN_INFO>(nameof(CK_TOKEN_INFO.Model)));
        Assert.Equal(80, Offset<CK_TOKEN_INFO>(nameof(CK_TOKEN_INFO.SerialNumber)));
        Assert.Equal(96, Offset<CK_TOKEN_INFO>(nameof(CK_TOKEN_INFO.Flags)));
        Assert.Equal(120, Offset<CK_TOKEN_INFO>(nameof(CK_TOKEN_INFO.MaxRwSessionCount)));
        Assert.Equal(136, Offset<CK_TOKEN_INFO>(nameof(CK_TOKEN_INFO.MaxPinLen)));
        Assert.Equal(184, Offset<CK_TOKEN_INFO>(nameof(CK_TOKEN_INFO.HardwareVersion)));
        Assert.Equal(188, Offset<CK_TOKEN_INFO>(nameof(CK_TOKEN_INFO.UtcTime)));
    }

    [Fact]
    public void SmallStructs_FieldOffsets()
    {
        // These three are blittable: the signing path hands the module pointers into them directly.
        CK_ATTRIBUTE a;
        Assert.Equal(8, (byte*)&a.value - (byte*)&a);
        Assert.Equal(16, (byte*)&a.valueLen - (byte*)&a);
        CK_MECHANISM m;
        Assert.Equal(8, (byte*)&m.Parameter - (byte*)&m);
        Assert.Equal(16, (byte*)&m.ParameterLen - (byte*)&m);
        CK_RSA_PKCS_PSS_PARAMS p;
        Assert.Equal(8, (byte*)&p.Mgf - (byte*)&p);
        Assert.Equal(16, (byte*)&p.Len - (byte*)&p);
        Assert.Equal(32, Offset<CK_C_INITIALIZE_ARGS>(nameof(CK_C_INITIALIZE_ARGS.Flags)));
        Assert.Equal(40, Offset<CK_C_INITIALIZE_ARGS>(nameof(CK_C_INITIALIZE_ARGS.Reserved)));
    }

    [Fact]
    public void ReturnCodeNames_FollowTheSpecification()
    {
        Assert.Equal("CKR_PIN_INCORRECT", ReturnCodes.Name(0xA0));
        Assert.Equal("CKR_SESSION_HANDLE_INVALID", ReturnCodes.Name(0xB3));
        Assert.Equal("CKR_VENDOR_DEFINED+0x5", ReturnCodes.Name(0x80000005));
        Assert.Equal("CKR_0x7777", ReturnCodes.Name(0x7777));
    }

    [Fact]
    public void Pkcs11Exception_NamesFunctionAndCode()
    {
        var e = new Pkcs11Exception("C_Login", (ulong)CKR.CKR_PIN_INCORRECT);
        Assert.StartsWith("C_Login returned CKR_PIN_INCORRECT", e.Message);
        Assert.Equal(Pkcs11ErrorKind.PinIncorrect, e.Kind);
        Assert.Equal(Pkcs11ErrorKind.TokenUnavailable, new Pkcs11Exception("C_Sign", (ulong)CKR.CKR_DEVICE_REMOVED).Kind);
        Assert.True(new Pkcs11Exception("C_Sign", (ulong)CKR.CKR_SESSION_HANDLE_INVALID).IsTransient);
        Assert.Equal(Pkcs11ErrorKind.MechanismInvalid, new Pkcs11Exception("C_SignInit", (ulong)CKR.CKR_MECHANISM_INVALID).Kind);
        Assert.Contains("locked", new Pkcs11Exception("C_Login", (ulong)CKR.CKR_PIN_LOCKED).Message, StringComparison.Ordinal);
        Assert.Contains("not present", new Pkcs11Exception("C_OpenSession", (ulong)CKR.CKR_TOKEN_NOT_PRESENT).Message, StringComparison.Ordinal);
    }

    private static long Offset<T>(string field) => Marshal.OffsetOf<T>(field).ToInt64();
}
