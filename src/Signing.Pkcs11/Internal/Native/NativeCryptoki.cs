using System.Runtime.InteropServices;

namespace Signing.Pkcs11.Internal.Native;

// The low layer: one loaded module and its CK_FUNCTION_LIST. Every method mirrors the C
// entry point of the same name and returns the CKR without throwing; Pkcs11Module and
// Pkcs11Token turn non-OK values into Pkcs11Exception.
internal sealed unsafe class NativeCryptoki : IDisposable
{
    private readonly nint _library;
    private readonly CkFunctionList* _functions;
    private long _loginCalls;

    private NativeCryptoki(nint library, CkFunctionList* functions)
    {
        _library = library;
        _functions = functions;
    }

    // How many times C_Login reached the module: tests use it to prove that a wrong PIN is
    // never retried behind the caller's back.
    public long LoginCalls => Interlocked.Read(ref _loginCalls);

    public CkVersion FunctionListVersion => _functions->Version;

    public static NativeCryptoki Load(string libraryPath)
    {
        if (!NativeLibrary.TryLoad(libraryPath, out var library))
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.ModuleLoadFailed,
                $"Cannot load PKCS#11 module '{libraryPath}': the file is missing or is not a loadable shared library.");
        }

        if (!NativeLibrary.TryGetExport(library, "C_GetFunctionList", out var getFunctionList))
        {
            NativeLibrary.Free(library);
            throw new Pkcs11TokenException(Pkcs11ErrorKind.ModuleLoadFailed,
                $"'{libraryPath}' is not a PKCS#11 module: it exports no C_GetFunctionList.");
        }

        CkFunctionList* functions = null;
        var rv = ((delegate* unmanaged<CkFunctionList**, CULong>)getFunctionList)(&functions).Value;
        if (rv != Ckr.OK || functions == null)
        {
            NativeLibrary.Free(library);
            throw new Pkcs11Exception("C_GetFunctionList", rv);
        }

        if (functions->Version.Major != 2)
        {
            NativeLibrary.Free(library);
            throw new Pkcs11TokenException(Pkcs11ErrorKind.ModuleLoadFailed,
                $"'{libraryPath}' implements PKCS#11 {functions->Version}; this binding speaks v2.x only.");
        }

        return new NativeCryptoki(library, functions);
    }

    public ulong C_Initialize()
    {
        // Modules may use their own OS locking; we call them from many threads at once.
        var args = new CkCInitializeArgs { Flags = new CULong((nuint)Ckf.OS_LOCKING_OK) };
        return _functions->C_Initialize(&args).Value;
    }

    public ulong C_Finalize() => _functions->C_Finalize(null).Value;

    public ulong C_GetInfo(CkInfo* info) => _functions->C_GetInfo(info).Value;

    public ulong C_GetSlotList(bool tokenPresent, CULong* slots, CULong* count) =>
        _functions->C_GetSlotList(tokenPresent ? (byte)1 : (byte)0, slots, count).Value;

    public ulong C_GetSlotInfo(ulong slot, CkSlotInfo* info) => _functions->C_GetSlotInfo(Ul(slot), info).Value;

    public ulong C_GetTokenInfo(ulong slot, CkTokenInfo* info) => _functions->C_GetTokenInfo(Ul(slot), info).Value;

    public ulong C_InitToken(ulong slot, ReadOnlySpan<byte> soPin, ReadOnlySpan<byte> label32)
    {
        fixed (byte* pin = soPin)
        fixed (byte* label = label32)
        {
            return _functions->C_InitToken(Ul(slot), pin, Ul((ulong)soPin.Length), label).Value;
        }
    }

    public ulong C_InitPIN(ulong session, ReadOnlySpan<byte> pin)
    {
        fixed (byte* p = pin)
        {
            return _functions->C_InitPIN(Ul(session), p, Ul((ulong)pin.Length)).Value;
        }
    }

    public ulong C_OpenSession(ulong slot, ulong flags, out ulong session)
    {
        CULong handle = default;
        var rv = _functions->C_OpenSession(Ul(slot), Ul(flags), null, null, &handle).Value;
        session = handle.Value;
        return rv;
    }

    public ulong C_CloseSession(ulong session) => _functions->C_CloseSession(Ul(session)).Value;

    public ulong C_Login(ulong session, ulong userType, ReadOnlySpan<byte> pin)
    {
        Interlocked.Increment(ref _loginCalls);
        fixed (byte* p = pin)
        {
            return _functions->C_Login(Ul(session), Ul(userType), p, Ul((ulong)pin.Length)).Value;
        }
    }

    public ulong C_Logout(ulong session) => _functions->C_Logout(Ul(session)).Value;

    public ulong C_CreateObject(ulong session, CkAttribute* template, int count, out ulong handle)
    {
        CULong h = default;
        var rv = _functions->C_CreateObject(Ul(session), template, Ul((ulong)count), &h).Value;
        handle = h.Value;
        return rv;
    }

    public ulong C_DestroyObject(ulong session, ulong handle) =>
        _functions->C_DestroyObject(Ul(session), Ul(handle)).Value;

    public ulong C_GetAttributeValue(ulong session, ulong handle, CkAttribute* template, int count) =>
        _functions->C_GetAttributeValue(Ul(session), Ul(handle), template, Ul((ulong)count)).Value;

    public ulong C_FindObjectsInit(ulong session, CkAttribute* template, int count) =>
        _functions->C_FindObjectsInit(Ul(session), template, Ul((ulong)count)).Value;

    public ulong C_FindObjects(ulong session, CULong* handles, int max, out int found)
    {
        CULong n = default;
        var rv = _functions->C_FindObjects(Ul(session), handles, Ul((ulong)max), &n).Value;
        found = (int)Math.Min(n.Value, (nuint)max);
        return rv;
    }

    public ulong C_FindObjectsFinal(ulong session) => _functions->C_FindObjectsFinal(Ul(session)).Value;

    public ulong C_SignInit(ulong session, CkMechanism* mechanism, ulong key) =>
        _functions->C_SignInit(Ul(session), mechanism, Ul(key)).Value;

    public ulong C_Sign(ulong session, ReadOnlySpan<byte> data, byte* signature, CULong* signatureLength)
    {
        fixed (byte* d = data)
        {
            return _functions->C_Sign(Ul(session), d, Ul((ulong)data.Length), signature, signatureLength).Value;
        }
    }

    public ulong C_GenerateKeyPair(ulong session, CkMechanism* mechanism,
        CkAttribute* publicTemplate, int publicCount, CkAttribute* privateTemplate, int privateCount,
        out ulong publicKey, out ulong privateKey)
    {
        CULong pub = default, priv = default;
        var rv = _functions->C_GenerateKeyPair(Ul(session), mechanism,
            publicTemplate, Ul((ulong)publicCount), privateTemplate, Ul((ulong)privateCount), &pub, &priv).Value;
        publicKey = pub.Value;
        privateKey = priv.Value;
        return rv;
    }

    public void Dispose() => NativeLibrary.Free(_library);

    private static CULong Ul(ulong value) => new((nuint)value);
}
