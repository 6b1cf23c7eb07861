using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Signing.Pkcs11.Internal;

namespace Signing.Pkcs11;

/// <summary>
/// A PKCS#11 function returned something other than CKR_OK. The message names the function
/// and the return value, e.g. "C_Login returned CKR_PIN_INCORRECT". It never contains a PIN.
/// </summary>
public sealed class Pkcs11Exception : CryptographicException
{
    /// <summary>Creates the exception for <paramref name="function"/> returning <paramref name="returnCode"/>.</summary>
    public Pkcs11Exception(string function, ulong returnCode)
        : base(Describe(function, returnCode))
    {
        Function = function;
        ReturnCode = returnCode;
        Kind = Classify(returnCode);
    }

    /// <summary>The C entry point that failed, e.g. <c>C_Sign</c>.</summary>
    public string Function { get; }

    /// <summary>The CK_RV value.</summary>
    public ulong ReturnCode { get; }

    /// <summary>The CK_RV name as the specification spells it, e.g. <c>CKR_PIN_INCORRECT</c>.</summary>
    public string ReturnCodeName => ReturnCodes.Name(ReturnCode);

    /// <summary>The failure class.</summary>
    public Pkcs11ErrorKind Kind { get; }

    /// <summary>True when the token or its sessions went away and the same call can succeed after recovery.</summary>
    public bool IsTransient => Kind is Pkcs11ErrorKind.TokenUnavailable or Pkcs11ErrorKind.SessionInvalid;

    internal static Pkcs11ErrorKind Classify(ulong rv) => AsCkr(rv) switch
    {
        CKR.CKR_PIN_INCORRECT => Pkcs11ErrorKind.PinIncorrect,
        CKR.CKR_PIN_LOCKED => Pkcs11ErrorKind.PinLocked,
        CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE => Pkcs11ErrorKind.PinInvalid,
        CKR.CKR_USER_NOT_LOGGED_IN => Pkcs11ErrorKind.NotLoggedIn,
        CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_RECOGNIZED
            or CKR.CKR_CRYPTOKI_NOT_INITIALIZED or CKR.CKR_SLOT_ID_INVALID or CKR.CKR_DEVICE_ERROR => Pkcs11ErrorKind.TokenUnavailable,
        CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED => Pkcs11ErrorKind.SessionInvalid,
        CKR.CKR_KEY_HANDLE_INVALID or CKR.CKR_OBJECT_HANDLE_INVALID => Pkcs11ErrorKind.KeyNotFound,
        CKR.CKR_MECHANISM_INVALID or CKR.CKR_MECHANISM_PARAM_INVALID or CKR.CKR_KEY_TYPE_INCONSISTENT
            or CKR.CKR_KEY_FUNCTION_NOT_PERMITTED => Pkcs11ErrorKind.MechanismInvalid,
        _ => Pkcs11ErrorKind.Other,
    };

    [DoesNotReturn]
    internal static void Throw(string function, CKR rv) => throw new Pkcs11Exception(function, (ulong)rv);

    // CK_RV values fit in 32 bits; anything wider is no value the specification defines.
    private static CKR AsCkr(ulong rv) => rv <= uint.MaxValue ? (CKR)(uint)rv : CKR.CKR_VENDOR_DEFINED;

    private static string Describe(string function, ulong rv)
    {
        var head = $"{function} returned {ReturnCodes.Name(rv)}";
        var hint = AsCkr(rv) switch
        {
            CKR.CKR_PIN_INCORRECT => "the PIN is incorrect. It was not retried; check it before trying again, since the token locks after a few failures",
            CKR.CKR_PIN_LOCKED => "the user PIN is locked; the token's security officer must unlock it",
            CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE => "the PIN has characters or a length this token does not accept",
            CKR.CKR_TOKEN_NOT_PRESENT => "the token is not present in its slot",
            CKR.CKR_DEVICE_REMOVED => "the token was removed during the call",
            CKR.CKR_DEVICE_ERROR => "the token reported a device error",
            CKR.CKR_CRYPTOKI_NOT_INITIALIZED => "the PKCS#11 module is not initialised (it was finalised or restarted)",
            CKR.CKR_SLOT_ID_INVALID => "the slot no longer exists",
            CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED => "the session is no longer valid (the token was removed or the module restarted)",
            CKR.CKR_USER_NOT_LOGGED_IN => "the operation needs a user login first",
            CKR.CKR_KEY_HANDLE_INVALID or CKR.CKR_OBJECT_HANDLE_INVALID => "the key or object was not found on the token (deleted, or the token changed)",
            CKR.CKR_MECHANISM_INVALID => "the token does not support this mechanism",
            CKR.CKR_MECHANISM_PARAM_INVALID => "the token rejected the mechanism parameters",
            CKR.CKR_KEY_TYPE_INCONSISTENT => "the key type does not fit the mechanism",
            CKR.CKR_KEY_FUNCTION_NOT_PERMITTED => "the key's attributes do not permit this operation",
            CKR.CKR_DATA_LEN_RANGE => "the input has the wrong length for this key and mechanism",
            CKR.CKR_TOKEN_WRITE_PROTECTED => "the token is write-protected",
            CKR.CKR_SESSION_COUNT => "the token has no free sessions",
            _ => null,
        };
        return hint is null ? head : $"{head}: {hint}.";
    }
}

/// <summary>
/// A failure detected by this binding rather than returned by the module: a missing token,
/// key or module, a refused final PIN try, an exhausted session pool, a malformed URI.
/// </summary>
public sealed class Pkcs11TokenException : CryptographicException
{
    /// <summary>Creates the exception.</summary>
    public Pkcs11TokenException(Pkcs11ErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>The failure class.</summary>
    public Pkcs11ErrorKind Kind { get; }

    /// <summary>True when retrying later can succeed (token away, pool busy).</summary>
    public bool IsTransient => Kind is Pkcs11ErrorKind.TokenUnavailable or Pkcs11ErrorKind.TokenNotFound
        or Pkcs11ErrorKind.SessionPoolExhausted;
}
