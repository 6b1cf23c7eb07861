using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;
using Signing.Pkcs11.Internal;

namespace Signing.Pkcs11;

/// <summary>
/// A loaded and initialised PKCS#11 module. A module can be initialised only once per
/// process, so <see cref="Load"/> hands out one shared, reference-counted instance per path;
/// each <see cref="Load"/> needs its own <see cref="Dispose"/>.
/// </summary>
public sealed class Pkcs11Module : IDisposable
{
    private const int MaxSlots = 1024;
    private static readonly Dictionary<string, Pkcs11Module> Loaded = new(StringComparer.Ordinal);
    private static readonly Lock LoadedLock = new();

    // Native calls hold the read side; Reinitialize holds the write side, so no thread is
    // inside the module (or holding a session handle of the old generation) while it restarts.
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<(string? Label, string? Serial), Pkcs11Token> _tokens = [];
    private readonly Lock _tokensLock = new();
    private readonly string _identity;
    private int _references;
    private int _generation;
    private bool _initialized;

    private Pkcs11Module(string libraryPath, string identity, CryptokiLibrary native)
    {
        LibraryPath = libraryPath;
        _identity = identity;
        Native = native;
    }

    /// <summary>The path the module was loaded from.</summary>
    public string LibraryPath { get; }

    /// <summary>Counts C_Initialize calls; session and object handles of an older generation are dead.</summary>
    public int Generation => Volatile.Read(ref _generation);

    internal CryptokiLibrary Native { get; }

    /// <summary>
    /// Loads and initialises the module at <paramref name="libraryPath"/>, or returns the
    /// instance this process already loaded from that path.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">CK_ULONG is not 8 bytes or structs are packed (see <see cref="EnsureSupportedPlatform"/>).</exception>
    /// <exception cref="Pkcs11TokenException">The file is missing or is not a PKCS#11 module.</exception>
    /// <exception cref="Pkcs11Exception">C_Initialize failed.</exception>
    public static Pkcs11Module Load(string libraryPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(libraryPath);
        EnsureSupportedPlatform();
        var fullPath = Path.GetFullPath(libraryPath);
        if (!File.Exists(fullPath))
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.ModuleLoadFailed,
                $"PKCS#11 module '{fullPath}' does not exist (for SoftHSM2 install the Debian package softhsm2).");
        }

        // Two paths (a symlink and its target) to one library would share one C_Initialize state.
        var identity = new FileInfo(fullPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fullPath;
        lock (LoadedLock)
        {
            if (Loaded.TryGetValue(identity, out var existing))
            {
                existing._references++;
                return existing;
            }

            var native = CryptokiLibrary.Load(fullPath);
            var module = new Pkcs11Module(fullPath, identity, native);
            try
            {
                module.InitializeNative();
            }
            catch
            {
                native.Dispose();
                throw;
            }

            module._references = 1;
            Loaded.Add(identity, module);
            return module;
        }
    }

    /// <summary>
    /// Fails unless the process runs where the binding's struct layouts are right: Pkcs11Interop's
    /// low-level API for an 8-byte CK_ULONG with natural alignment (64-bit Linux and macOS).
    /// Only Linux x64 is tested.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">CK_ULONG is 4 bytes here, or structs are packed (Windows).</exception>
    public static void EnsureSupportedPlatform()
    {
        if (!CryptokiLibrary.IsPlatformSupported)
        {
            throw new PlatformNotSupportedException(
                $"Signing.Pkcs11 uses Pkcs11Interop's layouts for an 8-byte CK_ULONG with natural alignment (64-bit Linux and macOS); " +
                $"this process runs on {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}.");
        }
    }

    /// <summary>Reads CK_INFO.</summary>
    public Pkcs11ModuleInfo GetInfo()
    {
        using var call = EnterCall();
        var info = new CK_INFO();
        Check("C_GetInfo", Native.C_GetInfo(ref info));
        return new Pkcs11ModuleInfo(
            $"{info.CryptokiVersion.Major[0]}.{info.CryptokiVersion.Minor[0]:00}",
            BlankPadded.Decode(info.ManufacturerId),
            BlankPadded.Decode(info.LibraryDescription),
            $"{info.LibraryVersion.Major[0]}.{info.LibraryVersion.Minor[0]}");
    }

    /// <summary>Lists slots and their tokens.</summary>
    /// <param name="tokenPresentOnly">Only slots with a token present.</param>
    public IReadOnlyList<Pkcs11SlotInfo> GetSlots(bool tokenPresentOnly = true)
    {
        using var call = EnterCall();
        var result = new List<Pkcs11SlotInfo>();
        foreach (var slot in GetSlotIds(tokenPresentOnly))
        {
            var info = new CK_SLOT_INFO();
            Check("C_GetSlotInfo", Native.C_GetSlotInfo(slot, ref info));
            var flags = info.Flags;
            var present = (flags & CKF.CKF_TOKEN_PRESENT) != 0;
            result.Add(new Pkcs11SlotInfo(
                slot,
                BlankPadded.Decode(info.SlotDescription),
                BlankPadded.Decode(info.ManufacturerId),
                present,
                (flags & CKF.CKF_REMOVABLE_DEVICE) != 0,
                (flags & CKF.CKF_HW_SLOT) != 0,
                present ? ReadTokenInfo(slot) : null));
        }

        return result;
    }

    /// <summary>Reads CK_TOKEN_INFO of the token in <paramref name="slotId"/>.</summary>
    public Pkcs11TokenInfo GetTokenInfo(ulong slotId)
    {
        using var call = EnterCall();
        return ReadTokenInfo(slotId);
    }

    /// <summary>
    /// Initialises (erases) the token in <paramref name="slotId"/> with an SO PIN and label, then
    /// sets its user PIN. Returns the slot the token lives in afterwards, which for SoftHSM2 differs.
    /// </summary>
    public ulong InitializeToken(ulong slotId, ReadOnlySpan<char> soPin, string label, ReadOnlySpan<char> userPin)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        var labelBytes = Encoding.UTF8.GetBytes(label);
        if (labelBytes.Length > 32)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.InvalidArgument,
                $"Token label '{label}' is {labelBytes.Length} bytes in UTF-8; PKCS#11 allows at most 32.");
        }

        var label32 = new byte[32];
        label32.AsSpan().Fill((byte)' ');
        labelBytes.CopyTo(label32);

        var so = PinBytes.FromChars(soPin);
        var user = PinBytes.FromChars(userPin);
        try
        {
            using var call = EnterCall();
            var serialsBefore = TokensWithLabel(label).Select(t => t.Serial).ToHashSet(StringComparer.Ordinal);
            Check("C_InitToken", Native.C_InitToken(slotId, so, label32));

            // SoftHSM2 moves a freshly initialised token to a new slot named after its serial.
            var created = TokensWithLabel(label).Where(t => !serialsBefore.Contains(t.Serial)).ToList();
            var newSlot = created.Count == 1 ? created[0].Slot : slotId;

            Check("C_OpenSession", Native.C_OpenSession(newSlot, CKF.CKF_RW_SESSION | CKF.CKF_SERIAL_SESSION, out var session));
            try
            {
                Check("C_Login", Native.C_Login(session, CKU.CKU_SO, so));
                Check("C_InitPIN", Native.C_InitPIN(session, user));
                Native.C_Logout(session);
            }
            finally
            {
                Native.C_CloseSession(session);
            }

            return newSlot;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(so);
            CryptographicOperations.ZeroMemory(user);
        }
    }

    /// <summary>
    /// The token with this label and/or serial number. The module keeps one instance per token
    /// so that login state and the session pool are shared by every caller in the process; the
    /// first caller's <paramref name="options"/> apply.
    /// </summary>
    /// <exception cref="Pkcs11TokenException">No or more than one present token matches.</exception>
    public Pkcs11Token OpenToken(string? label, string? serialNumber = null, Pkcs11TokenOptions? options = null)
    {
        if (string.IsNullOrEmpty(label) && string.IsNullOrEmpty(serialNumber))
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.InvalidArgument, "A token is chosen by label, serial number or both; neither was given.");
        }

        lock (_tokensLock)
        {
            ObjectDisposedException.ThrowIf(_references <= 0, this);
            if (_tokens.TryGetValue((label, serialNumber), out var token))
            {
                return token;
            }

            token = new Pkcs11Token(this, label, serialNumber, options ?? new Pkcs11TokenOptions());
            token.EnsureConnected();
            _tokens.Add((label, serialNumber), token);
            return token;
        }
    }

    /// <summary>
    /// Finalises and re-initialises the module (C_Finalize, C_Initialize), which invalidates
    /// every session and object handle; tokens reconnect on their next use.
    /// </summary>
    public void Reinitialize() => Reinitialize(Generation);

    /// <summary>Releases this reference; the last one closes sessions, finalises and unloads the module.</summary>
    public void Dispose()
    {
        lock (LoadedLock)
        {
            if (_references <= 0 || --_references > 0)
            {
                return;
            }

            Loaded.Remove(_identity);
        }

        lock (_tokensLock)
        {
            foreach (var token in _tokens.Values)
            {
                token.Close();
            }

            _tokens.Clear();
        }

        _gate.EnterWriteLock();
        try
        {
            if (_initialized)
            {
                Native.C_Finalize();
                _initialized = false;
            }
        }
        finally
        {
            _gate.ExitWriteLock();
        }

        Native.Dispose();
        _gate.Dispose();
    }

    // Restarts the module unless another thread already did since observedGeneration.
    internal void Reinitialize(int observedGeneration)
    {
        _gate.EnterWriteLock();
        try
        {
            if (Generation != observedGeneration)
            {
                return;
            }

            if (_initialized)
            {
                Native.C_Finalize();
                _initialized = false;
            }

            InitializeNative();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    internal CallScope EnterCall()
    {
        _gate.EnterReadLock();
        return new CallScope(_gate);
    }

    internal List<ulong> GetSlotIds(bool tokenPresentOnly)
    {
        ulong count = 0;
        Check("C_GetSlotList", Native.C_GetSlotList(tokenPresentOnly, null, ref count));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (count > MaxSlots)
            {
                throw new Pkcs11TokenException(Pkcs11ErrorKind.Other, $"C_GetSlotList reported {count} slots; at most {MaxSlots} are supported.");
            }

            var slots = new ulong[(int)count];
            var rv = Native.C_GetSlotList(tokenPresentOnly, slots, ref count);
            if (rv == CKR.CKR_BUFFER_TOO_SMALL)
            {
                continue; // a slot appeared between the two calls
            }

            Check("C_GetSlotList", rv);
            return slots.Take((int)Math.Min(count, (ulong)slots.Length)).ToList();
        }

        throw new Pkcs11Exception("C_GetSlotList", (ulong)CKR.CKR_BUFFER_TOO_SMALL);
    }

    internal Pkcs11TokenInfo ReadTokenInfo(ulong slotId)
    {
        var info = new CK_TOKEN_INFO();
        Check("C_GetTokenInfo", Native.C_GetTokenInfo(slotId, ref info));
        return new Pkcs11TokenInfo(
            BlankPadded.Decode(info.Label),
            BlankPadded.Decode(info.ManufacturerId),
            BlankPadded.Decode(info.Model),
            BlankPadded.Decode(info.SerialNumber),
            (Pkcs11TokenFlags)info.Flags,
            Count(info.MaxSessionCount),
            Count(info.MaxRwSessionCount),
            info.MinPinLen,
            info.MaxPinLen);

        // ulMaxSessionCount style fields use two sentinels (v2.40 section 3.2):
        // CK_EFFECTIVELY_INFINITE (0) and CK_UNAVAILABLE_INFORMATION (all bits set).
        static ulong? Count(ulong value) => value is 0 or ulong.MaxValue ? null : value;
    }

    internal static void Check(string function, CKR rv)
    {
        if (rv != CKR.CKR_OK)
        {
            Pkcs11Exception.Throw(function, rv);
        }
    }

    private List<(ulong Slot, string Serial)> TokensWithLabel(string label) =>
        GetSlotIds(tokenPresentOnly: true)
            .Select(slot => (Slot: slot, Info: ReadTokenInfo(slot)))
            .Where(t => t.Info.IsInitialized && t.Info.Label == label)
            .Select(t => (t.Slot, t.Info.SerialNumber))
            .ToList();

    private void InitializeNative()
    {
        var rv = Native.C_Initialize();
        if (rv != CKR.CKR_OK && rv != CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED)
        {
            Pkcs11Exception.Throw("C_Initialize", rv);
        }

        _initialized = true;
        Interlocked.Increment(ref _generation);
    }

    internal readonly struct CallScope(ReaderWriterLockSlim gate) : IDisposable
    {
        public void Dispose() => gate.ExitReadLock();
    }
}
