namespace Signing.Pkcs11.Internal.Native;

// Return values (CKR_*) of PKCS#11 v2.40, section 3.6 of the base specification.
internal static class Ckr
{
    public const ulong OK = 0;
    public const ulong CANCEL = 1;
    public const ulong HOST_MEMORY = 2;
    public const ulong SLOT_ID_INVALID = 3;
    public const ulong GENERAL_ERROR = 5;
    public const ulong FUNCTION_FAILED = 6;
    public const ulong ARGUMENTS_BAD = 7;
    public const ulong NO_EVENT = 8;
    public const ulong NEED_TO_CREATE_THREADS = 9;
    public const ulong CANT_LOCK = 0xa;
    public const ulong ATTRIBUTE_READ_ONLY = 0x10;
    public const ulong ATTRIBUTE_SENSITIVE = 0x11;
    public const ulong ATTRIBUTE_TYPE_INVALID = 0x12;
    public const ulong ATTRIBUTE_VALUE_INVALID = 0x13;
    public const ulong ACTION_PROHIBITED = 0x1B;
    public const ulong DATA_INVALID = 0x20;
    public const ulong DATA_LEN_RANGE = 0x21;
    public const ulong DEVICE_ERROR = 0x30;
    public const ulong DEVICE_MEMORY = 0x31;
    public const ulong DEVICE_REMOVED = 0x32;
    public const ulong ENCRYPTED_DATA_INVALID = 0x40;
    public const ulong ENCRYPTED_DATA_LEN_RANGE = 0x41;
    public const ulong FUNCTION_CANCELED = 0x50;
    public const ulong FUNCTION_NOT_PARALLEL = 0x51;
    public const ulong FUNCTION_NOT_SUPPORTED = 0x54;
    public const ulong KEY_HANDLE_INVALID = 0x60;
    public const ulong KEY_SIZE_RANGE = 0x62;
    public const ulong KEY_TYPE_INCONSISTENT = 0x63;
    public const ulong KEY_NOT_NEEDED = 0x64;
    public const ulong KEY_CHANGED = 0x65;
    public const ulong KEY_NEEDED = 0x66;
    public const ulong KEY_INDIGESTIBLE = 0x67;
    public const ulong KEY_FUNCTION_NOT_PERMITTED = 0x68;
    public const ulong KEY_NOT_WRAPPABLE = 0x69;
    public const ulong KEY_UNEXTRACTABLE = 0x6a;
    public const ulong MECHANISM_INVALID = 0x70;
    public const ulong MECHANISM_PARAM_INVALID = 0x71;
    public const ulong OBJECT_HANDLE_INVALID = 0x82;
    public const ulong OPERATION_ACTIVE = 0x90;
    public const ulong OPERATION_NOT_INITIALIZED = 0x91;
    public const ulong PIN_INCORRECT = 0xa0;
    public const ulong PIN_INVALID = 0xa1;
    public const ulong PIN_LEN_RANGE = 0xa2;
    public const ulong PIN_EXPIRED = 0xa3;
    public const ulong PIN_LOCKED = 0xa4;
    public const ulong SESSION_CLOSED = 0xb0;
    public const ulong SESSION_COUNT = 0xb1;
    public const ulong SESSION_HANDLE_INVALID = 0xb3;
    public const ulong SESSION_PARALLEL_NOT_SUPPORTED = 0xb4;
    public const ulong SESSION_READ_ONLY = 0xb5;
    public const ulong SESSION_EXISTS = 0xb6;
    public const ulong SESSION_READ_ONLY_EXISTS = 0xb7;
    public const ulong SESSION_READ_WRITE_SO_EXISTS = 0xb8;
    public const ulong SIGNATURE_INVALID = 0xc0;
    public const ulong SIGNATURE_LEN_RANGE = 0xc1;
    public const ulong TEMPLATE_INCOMPLETE = 0xd0;
    public const ulong TEMPLATE_INCONSISTENT = 0xd1;
    public const ulong TOKEN_NOT_PRESENT = 0xe0;
    public const ulong TOKEN_NOT_RECOGNIZED = 0xe1;
    public const ulong TOKEN_WRITE_PROTECTED = 0xe2;
    public const ulong UNWRAPPING_KEY_HANDLE_INVALID = 0xf0;
    public const ulong UNWRAPPING_KEY_SIZE_RANGE = 0xf1;
    public const ulong UNWRAPPING_KEY_TYPE_INCONSISTENT = 0xf2;
    public const ulong USER_ALREADY_LOGGED_IN = 0x100;
    public const ulong USER_NOT_LOGGED_IN = 0x101;
    public const ulong USER_PIN_NOT_INITIALIZED = 0x102;
    public const ulong USER_TYPE_INVALID = 0x103;
    public const ulong USER_ANOTHER_ALREADY_LOGGED_IN = 0x104;
    public const ulong USER_TOO_MANY_TYPES = 0x105;
    public const ulong WRAPPED_KEY_INVALID = 0x110;
    public const ulong WRAPPED_KEY_LEN_RANGE = 0x112;
    public const ulong WRAPPING_KEY_HANDLE_INVALID = 0x113;
    public const ulong WRAPPING_KEY_SIZE_RANGE = 0x114;
    public const ulong WRAPPING_KEY_TYPE_INCONSISTENT = 0x115;
    public const ulong RANDOM_SEED_NOT_SUPPORTED = 0x120;
    public const ulong RANDOM_NO_RNG = 0x121;
    public const ulong DOMAIN_PARAMS_INVALID = 0x130;
    public const ulong CURVE_NOT_SUPPORTED = 0x140;
    public const ulong BUFFER_TOO_SMALL = 0x150;
    public const ulong SAVED_STATE_INVALID = 0x160;
    public const ulong INFORMATION_SENSITIVE = 0x170;
    public const ulong STATE_UNSAVEABLE = 0x180;
    public const ulong CRYPTOKI_NOT_INITIALIZED = 0x190;
    public const ulong CRYPTOKI_ALREADY_INITIALIZED = 0x191;
    public const ulong MUTEX_BAD = 0x1a0;
    public const ulong MUTEX_NOT_LOCKED = 0x1a1;
    public const ulong NEW_PIN_MODE = 0x1b0;
    public const ulong NEXT_OTP = 0x1b1;
    public const ulong EXCEEDED_MAX_ITERATIONS = 0x1c0;
    public const ulong FIPS_SELF_TEST_FAILED = 0x1c1;
    public const ulong LIBRARY_LOAD_FAILED = 0x1c2;
    public const ulong PIN_TOO_WEAK = 0x1c3;
    public const ulong PUBLIC_KEY_INVALID = 0x1c4;
    public const ulong FUNCTION_REJECTED = 0x200;
    public const ulong VENDOR_DEFINED = 0x80000000;

    private static readonly Dictionary<ulong, string> Names = typeof(Ckr)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(ulong))
        .GroupBy(f => (ulong)f.GetRawConstantValue()!)
        .ToDictionary(g => g.Key, g => "CKR_" + g.First().Name);

    // Names a return value the way the specification spells it; unknown values print in hex.
    public static string Name(ulong rv) =>
        Names.TryGetValue(rv, out var name) ? name
        : rv >= VENDOR_DEFINED ? $"CKR_VENDOR_DEFINED+0x{rv - VENDOR_DEFINED:x}"
        : $"CKR_0x{rv:x}";
}
