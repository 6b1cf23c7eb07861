namespace Signing.Pkcs11;

/// <summary>The failure classes callers act on differently.</summary>
public enum Pkcs11ErrorKind
{
    /// <summary>Any failure without a more specific class.</summary>
    Other,

    /// <summary>The module could not be loaded or is not a PKCS#11 module (it exports no C_GetFunctionList).</summary>
    ModuleLoadFailed,

    /// <summary>The process runs on a platform whose struct layouts this binding does not define.</summary>
    PlatformNotSupported,

    /// <summary>The PIN was rejected (CKR_PIN_INCORRECT); it was not retried.</summary>
    PinIncorrect,

    /// <summary>The PIN is locked (CKR_PIN_LOCKED or CKF_USER_PIN_LOCKED); the token needs an unlock by its SO.</summary>
    PinLocked,

    /// <summary>The token reports CKF_USER_PIN_FINAL_TRY and the caller did not opt in to use that last try.</summary>
    PinFinalTry,

    /// <summary>The PIN is malformed for this token (CKR_PIN_INVALID or CKR_PIN_LEN_RANGE).</summary>
    PinInvalid,

    /// <summary>An operation needs a login that has not happened (CKR_USER_NOT_LOGGED_IN).</summary>
    NotLoggedIn,

    /// <summary>The token is gone: not present, removed, or its module was restarted. Retrying later can succeed.</summary>
    TokenUnavailable,

    /// <summary>No token matches the requested label or serial number.</summary>
    TokenNotFound,

    /// <summary>A session handle became invalid (CKR_SESSION_HANDLE_INVALID or CKR_SESSION_CLOSED).</summary>
    SessionInvalid,

    /// <summary>Every session of the pool stayed busy for longer than the configured wait.</summary>
    SessionPoolExhausted,

    /// <summary>No key or object matches the PKCS#11 URI, or a key handle went stale.</summary>
    KeyNotFound,

    /// <summary>The token does not support the mechanism or its parameters for this key.</summary>
    MechanismInvalid,

    /// <summary>A PKCS#11 URI or another argument is malformed.</summary>
    InvalidArgument,
}
