using System.Diagnostics;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Signing.Pkcs11.Internal;

namespace Signing.Pkcs11;

/// <summary>
/// One token of a module, found by label and/or serial number. It owns the token's session
/// pool and its single login state, and reconnects after the token or module went away.
/// Obtain it from <see cref="Pkcs11Module.OpenToken"/>; the module closes it.
/// </summary>
public sealed partial class Pkcs11Token
{
    private readonly Pkcs11Module _module;
    private readonly Pkcs11TokenOptions _options;
    private readonly Lock _stateLock = new();
    private TokenState? _state;
    private byte[]? _pin;
    private bool _allowFinalTry;
    private bool _everConnected;
    private bool _closed;
    private int _faultedGeneration = -1;
    private long _retryAfterTimestamp;
    private Exception? _lastRecoveryFailure;

    internal Pkcs11Token(Pkcs11Module module, string? label, string? serialNumber, Pkcs11TokenOptions options)
    {
        _module = module;
        Label = label;
        SerialNumber = serialNumber;
        _options = options;
    }

    /// <summary>The label this token was opened by, if any.</summary>
    public string? Label { get; }

    /// <summary>The serial number this token was opened by, if any.</summary>
    public string? SerialNumber { get; }

    /// <summary>The module the token belongs to.</summary>
    public Pkcs11Module Module => _module;

    /// <summary>True once a user login succeeded in the current connection.</summary>
    public bool IsLoggedIn => Volatile.Read(ref _state) is { LoggedIn: true } state && state.Generation == _module.Generation;

    /// <summary>The number of sessions the pool may open (configuration and ulMaxRwSessionCount).</summary>
    public int SessionCapacity => EnsureState().Pool.Capacity;

    internal string Display => (Label, SerialNumber) switch
    {
        (not null, not null) => $"'{Label}' (serial {SerialNumber})",
        (not null, null) => $"'{Label}'",
        _ => $"with serial {SerialNumber}",
    };

    /// <summary>Reads the token's current CK_TOKEN_INFO, including its PIN counters.</summary>
    public Pkcs11TokenInfo GetInfo()
    {
        var state = EnsureState();
        using var call = _module.EnterCall();
        try
        {
            return _module.ReadTokenInfo(state.SlotId);
        }
        catch (Pkcs11Exception e) when (e.IsTransient)
        {
            Invalidate(state, reinitializeModule: true);
            throw;
        }
    }

    /// <summary>
    /// Logs the user in once for the whole process and keeps the PIN (as bytes, cleared on
    /// <see cref="Logout"/> or close) to log in again after a reconnect. A wrong PIN is never
    /// retried. When the token reports CKF_USER_PIN_FINAL_TRY no attempt is made unless
    /// <paramref name="allowFinalTry"/> is true.
    /// </summary>
    /// <exception cref="Pkcs11Exception">C_Login failed, e.g. CKR_PIN_INCORRECT.</exception>
    /// <exception cref="Pkcs11TokenException">PIN locked or on its final try, or already logged in with another PIN.</exception>
    public void Login(ReadOnlySpan<char> pin, bool allowFinalTry = false) => Login(PinBytes.FromChars(pin), allowFinalTry);

    /// <summary>Same as <see cref="Login(ReadOnlySpan{char}, bool)"/> with the PIN as UTF-8 bytes.</summary>
    public void LoginUtf8(ReadOnlySpan<byte> pin, bool allowFinalTry = false) => Login(PinBytes.FromBytes(pin), allowFinalTry);

    /// <summary>Forgets the cached PIN and closes the pool's sessions, which ends the login.</summary>
    public void Logout()
    {
        lock (_stateLock)
        {
            PinBytes.Clear(_pin);
            _pin = null;
            var state = Interlocked.Exchange(ref _state, null);
            if (state is not null)
            {
                using var call = _module.EnterCall();
                state.Pool.Abandon();
            }
        }
    }

    internal void EnsureConnected() => EnsureState();

    internal void Close()
    {
        lock (_stateLock)
        {
            _closed = true;
            PinBytes.Clear(_pin);
            _pin = null;
            var state = Interlocked.Exchange(ref _state, null);
            if (state is not null)
            {
                using var call = _module.EnterCall();
                state.Pool.Abandon();
            }
        }
    }

    private void Login(byte[] pin, bool allowFinalTry)
    {
        try
        {
            lock (_stateLock)
            {
                if (_pin is not null)
                {
                    if (!CryptographicOperations.FixedTimeEquals(_pin, pin))
                    {
                        throw new Pkcs11TokenException(Pkcs11ErrorKind.InvalidArgument,
                            $"Token {Display} is already logged in by this process with a different PIN; call Logout first.");
                    }

                    EnsureStateLocked();
                    return;
                }

                _allowFinalTry = allowFinalTry;
                var state = EnsureStateLocked();
                LoginLocked(state, pin);
                _pin = PinBytes.FromBytes(pin);
            }
        }
        finally
        {
            PinBytes.Clear(pin);
        }
    }

    // Runs one C_Login after checking the PIN counters. Never loops: a failure is final.
    private void LoginLocked(TokenState state, byte[] pin)
    {
        using var call = _module.EnterCall();
        if (state.Generation != _module.Generation)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.TokenUnavailable,
                $"The module of token {Display} restarted during login; no login was attempted, retry.");
        }

        var info = _module.ReadTokenInfo(state.SlotId);
        if (info.UserPinLocked)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.PinLocked,
                $"Token {Display} reports CKF_USER_PIN_LOCKED: the user PIN is locked and no login was attempted; the security officer must unlock it.");
        }

        if (info.UserPinFinalTry && !_allowFinalTry)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.PinFinalTry,
                $"Token {Display} reports CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks it. No login was attempted; " +
                "pass allowFinalTry: true to spend that last try deliberately.");
        }

        var rv = _module.Native.C_Login(state.Pool.Anchor, CKU.CKU_USER, pin);
        if (rv is CKR.CKR_OK or CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            state.LoggedIn = true;
            return;
        }

        Pkcs11Exception.Throw("C_Login", rv);
    }

    internal TokenState EnsureState()
    {
        var state = Volatile.Read(ref _state);
        if (state is not null && state.Generation == _module.Generation)
        {
            return state;
        }

        lock (_stateLock)
        {
            return EnsureStateLocked();
        }
    }

    private TokenState EnsureStateLocked()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var state = _state;
        if (state is not null && state.Generation == _module.Generation)
        {
            return state;
        }

        if (state is not null)
        {
            // The module was restarted for another token: old handles are dead, nothing to close.
            Interlocked.CompareExchange(ref _state, null, state);
            state.Pool.Abandon();
        }

        if (_lastRecoveryFailure is not null && Stopwatch.GetTimestamp() < _retryAfterTimestamp)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.TokenUnavailable,
                $"Token {Display} is unavailable ({_lastRecoveryFailure.Message}); the next reconnect attempt is in less than " +
                $"{_options.RecoveryRetryInterval.TotalSeconds:0.#} s.", _lastRecoveryFailure);
        }

        try
        {
            state = Connect();
            Volatile.Write(ref _state, state);
            _lastRecoveryFailure = null;
            _everConnected = true;
            return state;
        }
        catch (Exception e) when (e is Pkcs11Exception or Pkcs11TokenException)
        {
            if (_everConnected)
            {
                _lastRecoveryFailure = e;
                _retryAfterTimestamp = Stopwatch.GetTimestamp() + (long)(_options.RecoveryRetryInterval.TotalSeconds * Stopwatch.Frequency);
            }

            throw;
        }
    }

    // Finds the token, opens a pool and logs in with the cached PIN. After a fault the module
    // is restarted first (once per fault), because modules such as SoftHSM2 only re-read
    // their token store and slots in C_Initialize.
    private TokenState Connect()
    {
        var reinitialized = false;
        var faulted = Volatile.Read(ref _faultedGeneration);
        if (_options.ReinitializeModuleOnRecovery && faulted == _module.Generation)
        {
            _module.Reinitialize(faulted);
            reinitialized = true;
        }

        Volatile.Write(ref _faultedGeneration, -1);
        int generation;
        ulong slot;
        Pkcs11TokenInfo info;
        while (true)
        {
            using (_module.EnterCall())
            {
                generation = _module.Generation;
                try
                {
                    (slot, info) = FindSlot();
                    break;
                }
                catch (Exception e) when ((e is Pkcs11TokenException { Kind: Pkcs11ErrorKind.TokenUnavailable }
                                               or Pkcs11Exception { Kind: Pkcs11ErrorKind.TokenUnavailable })
                                          && _options.ReinitializeModuleOnRecovery && !reinitialized)
                {
                    // A token that was here before and is gone from the slot list may be back
                    // in a form the module only notices in C_Initialize (re-inserted, store restored).
                    // C_GetSlotList itself fails with CKR_CRYPTOKI_NOT_INITIALIZED when an earlier
                    // restart's C_Initialize failed (module configuration or store unreadable then):
                    // without a restart here the token would stay unavailable until the process restarts.
                }
            }

            _module.Reinitialize(generation);
            reinitialized = true;
        }

        var capacity = Math.Max(1, _options.MaxSessions);
        if (info.MaxRwSessionCount is { } tokenMax)
        {
            // One session of the token's allowance is the pool's login anchor.
            capacity = (int)Math.Min((ulong)capacity, Math.Max(1UL, tokenMax - 1));
        }

        var state = new TokenState(generation, slot, new SessionPool(_module, slot, capacity, generation));
        using (_module.EnterCall())
        {
            if (_module.Generation != generation)
            {
                throw new Pkcs11TokenException(Pkcs11ErrorKind.TokenUnavailable, $"The module of token {Display} restarted while connecting; retry.");
            }

            _ = state.Pool.Anchor;
        }

        if (_pin is not null)
        {
            try
            {
                LoginLocked(state, _pin);
            }
            catch (Exception e) when (e is Pkcs11Exception { Kind: Pkcs11ErrorKind.PinIncorrect or Pkcs11ErrorKind.PinLocked }
                                          or Pkcs11TokenException { Kind: Pkcs11ErrorKind.PinFinalTry or Pkcs11ErrorKind.PinLocked })
            {
                // The PIN changed behind our back: forget it rather than spend more tries.
                PinBytes.Clear(_pin);
                _pin = null;
                using (_module.EnterCall())
                {
                    state.Pool.Abandon();
                }

                throw;
            }
        }

        return state;
    }

    private (ulong Slot, Pkcs11TokenInfo Info) FindSlot()
    {
        var matches = new List<(ulong, Pkcs11TokenInfo)>();
        foreach (var slot in _module.GetSlotIds(tokenPresentOnly: true))
        {
            Pkcs11TokenInfo info;
            try
            {
                info = _module.ReadTokenInfo(slot);
            }
            catch (Pkcs11Exception e) when (e.IsTransient)
            {
                continue; // the token left between C_GetSlotList and C_GetTokenInfo
            }

            if (info.IsInitialized
                && (Label is null || info.Label == Label)
                && (SerialNumber is null || info.SerialNumber == SerialNumber))
            {
                matches.Add((slot, info));
            }
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 when _everConnected => throw new Pkcs11TokenException(Pkcs11ErrorKind.TokenUnavailable,
                $"Token {Display} is no longer present (removed, or its store is gone); calls fail until it is back."),
            0 => throw new Pkcs11TokenException(Pkcs11ErrorKind.TokenNotFound,
                $"No initialised token {Display} is present in module '{_module.LibraryPath}'; `signing token list` shows the tokens."),
            _ => throw new Pkcs11TokenException(Pkcs11ErrorKind.InvalidArgument,
                $"{matches.Count} tokens match {Display}; choose one by serial number as well."),
        };
    }

    // Drops the connection after a fault; the next call reconnects (and, for faults that mean
    // the token or module went away, restarts the module first).
    // Runs inside a module call scope, so it must not take _stateLock: Connect holds that lock
    // while it waits for the module's write lock.
    internal void Invalidate(TokenState state, bool reinitializeModule)
    {
        if (Interlocked.CompareExchange(ref _state, null, state) == state && reinitializeModule)
        {
            Volatile.Write(ref _faultedGeneration, state.Generation);
        }

        state.Pool.Abandon();
    }

    internal sealed class TokenState(int generation, ulong slotId, SessionPool pool)
    {
        public int Generation { get; } = generation;

        public ulong SlotId { get; } = slotId;

        public SessionPool Pool { get; } = pool;

        public volatile bool LoggedIn;
    }
}
