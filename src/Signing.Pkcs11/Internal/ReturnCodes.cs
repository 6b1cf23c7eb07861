using Net.Pkcs11Interop.Common;

namespace Signing.Pkcs11.Internal;

// Names CK_RV values the way the specification spells them, from Pkcs11Interop's CKR.
internal static class ReturnCodes
{
    private const ulong VendorDefined = (ulong)CKR.CKR_VENDOR_DEFINED;

    // Unknown values print in hex; vendor codes as an offset from CKR_VENDOR_DEFINED.
    public static string Name(ulong rv) =>
        rv <= uint.MaxValue && Enum.IsDefined((CKR)(uint)rv) ? ((CKR)(uint)rv).ToString()
        : rv >= VendorDefined ? $"CKR_VENDOR_DEFINED+0x{rv - VendorDefined:x}"
        : $"CKR_0x{rv:x}";
}
