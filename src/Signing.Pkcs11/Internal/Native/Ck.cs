namespace Signing.Pkcs11.Internal.Native;

// Constants of PKCS#11 v2.40 (pkcs11t.h) that this binding uses. Names follow the
// specification without their prefix, grouped by prefix.

internal static class Cka
{
    public const ulong CLASS = 0x0;
    public const ulong TOKEN = 0x1;
    public const ulong PRIVATE = 0x2;
    public const ulong LABEL = 0x3;
    public const ulong VALUE = 0x11;
    public const ulong CERTIFICATE_TYPE = 0x80;
    public const ulong ISSUER = 0x81;
    public const ulong SERIAL_NUMBER = 0x82;
    public const ulong KEY_TYPE = 0x100;
    public const ulong SUBJECT = 0x101;
    public const ulong ID = 0x102;
    public const ulong SENSITIVE = 0x103;
    public const ulong ENCRYPT = 0x104;
    public const ulong DECRYPT = 0x105;
    public const ulong WRAP = 0x106;
    public const ulong UNWRAP = 0x107;
    public const ulong SIGN = 0x108;
    public const ulong VERIFY = 0x10A;
    public const ulong MODULUS = 0x120;
    public const ulong MODULUS_BITS = 0x121;
    public const ulong PUBLIC_EXPONENT = 0x122;
    public const ulong EXTRACTABLE = 0x162;
    public const ulong NEVER_EXTRACTABLE = 0x164;
    public const ulong ALWAYS_SENSITIVE = 0x165;
    public const ulong EC_PARAMS = 0x180;
    public const ulong EC_POINT = 0x181;
}

internal static class Cko
{
    public const ulong CERTIFICATE = 1;
    public const ulong PUBLIC_KEY = 2;
    public const ulong PRIVATE_KEY = 3;
}

internal static class Ckk
{
    public const ulong RSA = 0;
    public const ulong EC = 3;
}

internal static class Ckc
{
    public const ulong X_509 = 0;
}

internal static class Ckm
{
    public const ulong RSA_PKCS_KEY_PAIR_GEN = 0x0;
    public const ulong RSA_PKCS = 0x1;
    public const ulong RSA_PKCS_PSS = 0xD;
    public const ulong SHA_1 = 0x220;
    public const ulong SHA256 = 0x250;
    public const ulong SHA384 = 0x260;
    public const ulong SHA512 = 0x270;
    public const ulong EC_KEY_PAIR_GEN = 0x1040;
    public const ulong ECDSA = 0x1041;
}

internal static class Ckg
{
    public const ulong MGF1_SHA1 = 0x1;
    public const ulong MGF1_SHA256 = 0x2;
    public const ulong MGF1_SHA384 = 0x3;
    public const ulong MGF1_SHA512 = 0x4;
}

internal static class Cku
{
    public const ulong SO = 0;
    public const ulong USER = 1;
}

internal static class Ckf
{
    // CK_C_INITIALIZE_ARGS.flags
    public const ulong OS_LOCKING_OK = 0x2;

    // CK_SESSION_INFO / C_OpenSession flags
    public const ulong RW_SESSION = 0x2;
    public const ulong SERIAL_SESSION = 0x4;

    // CK_SLOT_INFO.flags
    public const ulong TOKEN_PRESENT = 0x1;
    public const ulong REMOVABLE_DEVICE = 0x2;
    public const ulong HW_SLOT = 0x4;
}

internal static class CkUlong
{
    // ulMaxSessionCount style fields use these two sentinels (v2.40 section 3.2).
    public const ulong EFFECTIVELY_INFINITE = 0;
    public const ulong UNAVAILABLE_INFORMATION = ulong.MaxValue;
}
