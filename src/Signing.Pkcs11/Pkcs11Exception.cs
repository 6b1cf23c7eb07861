using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Signing.Pkcs11.Internal.Native;

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
    public string ReturnCodeName => Ckr.Name(ReturnCode);

    /// <summary>The failure class.</summary>
    public Pkcs11ErrorKind Kind { get; }

    /// <summary>True when the token or its sessions went away and the same call can succeed after recovery.</summary>
    public bool IsTransient => Kind is Pkcs11ErrorKind.TokenUnavailable or Pkcs11ErrorKind.SessionInvalid;

    internal static Pkcs11ErrorKind Classify(ulong rv) => rv switch
    {
        Ckr.PIN_INCORRECT => Pkcs11ErrorKind.PinIncorrect,
        Ckr.PIN_LOCKED => Pkcs11ErrorKind.PinLocked,
        Ckr.PIN_INVALID or Ckr.PIN_LEN_RANGE => Pkcs11ErrorKind.PinInvalid,
        Ckr.USER_NOT_LOGGED_IN => Pkcs11ErrorKind.NotLoggedIn,
        Ckr.TOKEN_NOT_PRESENT or Ckr.DEVICE_REMOVED or Ckr.TOKEN_NOT_RECOGNIZED
            or Ckr.CRYPTOKI_NOT_INITIALIZED or Ckr.SLOT_ID_INVALID or Ckr.DEVICE_ERROR => Pkcs11ErrorKind.TokenUnavailable,
        Ckr.SESSION_HANDLE_INVALID or Ckr.SESSION_CLOSED => Pkcs11ErrorKind.SessionInvalid,
        Ckr.KEY_HANDLE_INVALID or Ckr.OBJECT_HANDLE_INVALID => Pkcs11ErrorKind.KeyNotFound,
        Ckr.MECHANISM_INVALID or Ckr.MECHANISM_PARAM_INVALID or Ckr.KEY_TYPE_INCONSISTENT
            or Ckr.KEY_FUNCTION_NOT_PERMITTED => Pkcs11ErrorKind.MechanismInvalid,
        _ => Pkcs11ErrorKind.Other,
    };

    [DoesNotReturn]
    internal static void Throw(string function, ulong rv) => throw new Pkcs11Exception(function, rv);

    private static string Describe(string function, ulong rv)
    {
        var head = $"{function} returned {Ckr.Name(rv)}";
        var hint = rv switch
        {
            Ckr.PIN_INCORRECT => "the PIN is incorrect. It was not retried; check it before trying again, since the token locks after a few failures",
            Ckr.PIN_LOCKED => "the user PIN is locked; the token's security officer must unlock it",
            Ckr.PIN_INVALID or Ckr.PIN_LEN_RANGE => "the PIN has characters or a length this token does not accept",
            Ckr.TOKEN_NOT_PRESENT => "the token is not present in its slot",
            Ckr.DEVICE_REMOVED => "the token was removed during the call",
            Ckr.DEVICE_ERROR => "the token reported a device error",
            Ckr.CRYPTOKI_NOT_INITIALIZED => "the PKCS#11 module is not initialised (it was finalised or restarted)",
            Ckr.SLOT_ID_INVALID => "the slot no longer exists",
            Ckr.SESSION_HANDLE_INVALID or Ckr.SESSION_CLOSED => "the session is no longer valid (the token was removed or the module restarted)",
            Ckr.USER_NOT_LOGGED_IN => "the operation needs a user login first",
            Ckr.KEY_HANDLE_INVALID or Ckr.OBJECT_HANDLE_INVALID => "the key or object was not found on the token (deleted, or the token changed)",
            Ckr.MECHANISM_INVALID => "the token does not support this mechanism",
            Ckr.MECHANISM_PARAM_INVALID => "the token rejected the mechanism parameters",
            Ckr.KEY_TYPE_INCONSISTENT => "the key type does not fit the mechanism",
            Ckr.KEY_FUNCTION_NOT_PERMITTED => "the key's attributes do not permit this operation",
            Ckr.DATA_LEN_RANGE => "the input has the wrong length for this key and mechanism",
            Ckr.TOKEN_WRITE_PROTECTED => "the token is write-protected",
            Ckr.SESSION_COUNT => "the token has no free sessions",
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
