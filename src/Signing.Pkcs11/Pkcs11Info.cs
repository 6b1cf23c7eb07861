namespace Signing.Pkcs11;

/// <summary>Token flags (CK_TOKEN_INFO.flags) this service reads.</summary>
[Flags]
public enum Pkcs11TokenFlags : ulong
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>CKF_RNG: the token has a random number generator.</summary>
    Rng = 0x1,

    /// <summary>CKF_WRITE_PROTECTED.</summary>
    WriteProtected = 0x2,

    /// <summary>CKF_LOGIN_REQUIRED.</summary>
    LoginRequired = 0x4,

    /// <summary>CKF_USER_PIN_INITIALIZED.</summary>
    UserPinInitialized = 0x8,

    /// <summary>CKF_RESTORE_KEY_NOT_NEEDED.</summary>
    RestoreKeyNotNeeded = 0x20,

    /// <summary>CKF_CLOCK_ON_TOKEN.</summary>
    ClockOnToken = 0x40,

    /// <summary>CKF_PROTECTED_AUTHENTICATION_PATH: the PIN is entered on a pad, not passed by the caller.</summary>
    ProtectedAuthenticationPath = 0x100,

    /// <summary>CKF_DUAL_CRYPTO_OPERATIONS.</summary>
    DualCryptoOperations = 0x200,

    /// <summary>CKF_TOKEN_INITIALIZED.</summary>
    TokenInitialized = 0x400,

    /// <summary>CKF_SECONDARY_AUTHENTICATION.</summary>
    SecondaryAuthentication = 0x800,

    /// <summary>CKF_USER_PIN_COUNT_LOW: at least one wrong user PIN since the last success.</summary>
    UserPinCountLow = 0x10000,

    /// <summary>CKF_USER_PIN_FINAL_TRY: one more wrong user PIN locks the token.</summary>
    UserPinFinalTry = 0x20000,

    /// <summary>CKF_USER_PIN_LOCKED.</summary>
    UserPinLocked = 0x40000,

    /// <summary>CKF_USER_PIN_TO_BE_CHANGED.</summary>
    UserPinToBeChanged = 0x80000,

    /// <summary>CKF_SO_PIN_COUNT_LOW.</summary>
    SoPinCountLow = 0x100000,

    /// <summary>CKF_SO_PIN_FINAL_TRY.</summary>
    SoPinFinalTry = 0x200000,

    /// <summary>CKF_SO_PIN_LOCKED.</summary>
    SoPinLocked = 0x400000,

    /// <summary>CKF_SO_PIN_TO_BE_CHANGED.</summary>
    SoPinToBeChanged = 0x800000,
}

/// <summary>What a token says about itself (CK_TOKEN_INFO).</summary>
/// <param name="Label">CKA label, blank padding removed.</param>
/// <param name="Manufacturer">Manufacturer ID.</param>
/// <param name="Model">Model.</param>
/// <param name="SerialNumber">Serial number.</param>
/// <param name="Flags">Token flags, including the PIN counters.</param>
/// <param name="MaxSessionCount">ulMaxSessionCount; null when effectively infinite or unavailable.</param>
/// <param name="MaxRwSessionCount">ulMaxRwSessionCount; null when effectively infinite or unavailable.</param>
/// <param name="MinPinLength">ulMinPinLen.</param>
/// <param name="MaxPinLength">ulMaxPinLen.</param>
public sealed record Pkcs11TokenInfo(
    string Label,
    string Manufacturer,
    string Model,
    string SerialNumber,
    Pkcs11TokenFlags Flags,
    ulong? MaxSessionCount,
    ulong? MaxRwSessionCount,
    ulong MinPinLength,
    ulong MaxPinLength)
{
    /// <summary>CKF_TOKEN_INITIALIZED is set.</summary>
    public bool IsInitialized => Flags.HasFlag(Pkcs11TokenFlags.TokenInitialized);

    /// <summary>CKF_USER_PIN_COUNT_LOW is set.</summary>
    public bool UserPinCountLow => Flags.HasFlag(Pkcs11TokenFlags.UserPinCountLow);

    /// <summary>CKF_USER_PIN_FINAL_TRY is set.</summary>
    public bool UserPinFinalTry => Flags.HasFlag(Pkcs11TokenFlags.UserPinFinalTry);

    /// <summary>CKF_USER_PIN_LOCKED is set.</summary>
    public bool UserPinLocked => Flags.HasFlag(Pkcs11TokenFlags.UserPinLocked);
}

/// <summary>A slot (CK_SLOT_INFO) and, when present, its token.</summary>
/// <param name="SlotId">The CK_SLOT_ID.</param>
/// <param name="Description">Slot description.</param>
/// <param name="Manufacturer">Slot manufacturer ID.</param>
/// <param name="IsTokenPresent">CKF_TOKEN_PRESENT.</param>
/// <param name="IsRemovable">CKF_REMOVABLE_DEVICE.</param>
/// <param name="IsHardware">CKF_HW_SLOT.</param>
/// <param name="Token">The token in the slot, or null when none is present.</param>
public sealed record Pkcs11SlotInfo(
    ulong SlotId,
    string Description,
    string Manufacturer,
    bool IsTokenPresent,
    bool IsRemovable,
    bool IsHardware,
    Pkcs11TokenInfo? Token);

/// <summary>What a module says about itself (CK_INFO).</summary>
/// <param name="CryptokiVersion">The PKCS#11 version the module implements, e.g. "2.40".</param>
/// <param name="Manufacturer">Manufacturer ID.</param>
/// <param name="Description">Library description.</param>
/// <param name="LibraryVersion">Library version.</param>
public sealed record Pkcs11ModuleInfo(string CryptokiVersion, string Manufacturer, string Description, string LibraryVersion);

/// <summary>How a token is used: pool size, waits and recovery.</summary>
public sealed record Pkcs11TokenOptions
{
    /// <summary>Upper bound on open sessions; the token's ulMaxRwSessionCount lowers it further.</summary>
    public int MaxSessions { get; init; } = 16;

    /// <summary>How long a caller waits for a free session before failing.</summary>
    public TimeSpan SessionWaitTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether recovery after a lost token finalises and re-initialises the whole module. Some
    /// modules (SoftHSM2 among them) re-read their tokens only in C_Initialize; other tokens of
    /// the same module then reconnect and log in again on their next use.
    /// </summary>
    public bool ReinitializeModuleOnRecovery { get; init; } = true;

    /// <summary>After a failed recovery, calls fail fast for this long before the next attempt.</summary>
    public TimeSpan RecoveryRetryInterval { get; init; } = TimeSpan.FromSeconds(2);
}
