using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;

namespace Signing.Pkcs11.Internal;

// One loaded PKCS#11 module, reached through Pkcs11Interop's low-level API. LowLevelAPI80 is
// the variant for an 8-byte CK_ULONG with natural struct alignment (64-bit Linux and macOS);
// Pkcs11Module refuses other platforms. Every method returns the CKR and never throws, like
// the C entry point of the same name; Pkcs11Module and Pkcs11Token turn failures into
// Pkcs11Exception. What this adapter adds to the library: spans in and out without per-call
// allocation on the signing path, the PKCS#11 output-buffer convention in one place, and a
// count of C_Login calls.
internal sealed class CryptokiLibrary : IDisposable
{
    private const int MaxAttributeBytes = 1 << 20;
    private const int MinScratchBytes = 1024;

    // Pkcs11Interop takes byte[] where the C API takes pointers. The signing path copies
    // into these per-thread buffers instead of allocating arrays for every signature.
    [ThreadStatic] private static byte[]? t_signInput;
    [ThreadStatic] private static byte[]? t_signOutput;

    private readonly Pkcs11Library _library;
    private long _loginCalls;

    static CryptokiLibrary()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Pkcs11Library).Assembly, ResolveDynamicLoader);
            }
            catch (InvalidOperationException)
            {
                // Another part of the process already resolves Pkcs11Interop's imports.
            }
        }
    }

    private CryptokiLibrary(Pkcs11Library library)
    {
        _library = library;
    }

    // How many times C_Login reached the module: tests use it to prove that a wrong PIN is
    // never retried behind the caller's back.
    public long LoginCalls => Interlocked.Read(ref _loginCalls);

    // True where LowLevelAPI80's struct layouts match the platform's pkcs11.h.
    public static bool IsPlatformSupported => Platform.NativeULongSize == 8 && Platform.StructPackingSize == 0;

    public static CryptokiLibrary Load(string libraryPath)
    {
        try
        {
            return new CryptokiLibrary(new Pkcs11Library(libraryPath));
        }
        catch (UnmanagedException e)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.ModuleLoadFailed,
                $"Cannot load PKCS#11 module '{libraryPath}': {e.Message}", e);
        }
    }

    public CKR C_Initialize() =>
        // Modules may use their own OS locking; we call them from many threads at once.
        _library.C_Initialize(new CK_C_INITIALIZE_ARGS { Flags = CKF.CKF_OS_LOCKING_OK });

    public CKR C_Finalize() => _library.C_Finalize(IntPtr.Zero);

    public CKR C_GetInfo(ref CK_INFO info) => _library.C_GetInfo(ref info);

    public CKR C_GetSlotList(bool tokenPresent, ulong[]? slots, ref ulong count) =>
        _library.C_GetSlotList(tokenPresent, slots, ref count);

    public CKR C_GetSlotInfo(ulong slot, ref CK_SLOT_INFO info) => _library.C_GetSlotInfo(slot, ref info);

    public CKR C_GetTokenInfo(ulong slot, ref CK_TOKEN_INFO info) => _library.C_GetTokenInfo(slot, ref info);

    // label32 is the blank-padded 32-byte CK_UTF8CHAR label.
    public CKR C_InitToken(ulong slot, byte[] soPin, byte[] label32) =>
        _library.C_InitToken(slot, soPin, (ulong)soPin.Length, label32);

    public CKR C_InitPIN(ulong session, byte[] pin) => _library.C_InitPIN(session, pin, (ulong)pin.Length);

    public CKR C_OpenSession(ulong slot, ulong flags, out ulong session)
    {
        session = 0;
        return _library.C_OpenSession(slot, flags, IntPtr.Zero, IntPtr.Zero, ref session);
    }

    public CKR C_CloseSession(ulong session) => _library.C_CloseSession(session);

    // pin is a pinned array the caller clears; the library passes it to the module in place.
    public CKR C_Login(ulong session, CKU userType, byte[] pin)
    {
        Interlocked.Increment(ref _loginCalls);
        return _library.C_Login(session, userType, pin, (ulong)pin.Length);
    }

    public CKR C_Logout(ulong session) => _library.C_Logout(session);

    public CKR C_CreateObject(ulong session, AttributeTemplate template, out ulong handle)
    {
        handle = 0;
        return _library.C_CreateObject(session, template.Attributes, (ulong)template.Count, ref handle);
    }

    public CKR C_DestroyObject(ulong session, ulong handle) => _library.C_DestroyObject(session, handle);

    public CKR C_FindObjectsInit(ulong session, AttributeTemplate template) =>
        _library.C_FindObjectsInit(session, template.Attributes, (ulong)template.Count);

    public CKR C_FindObjects(ulong session, ulong[] handles, out int found)
    {
        ulong count = 0;
        var rv = _library.C_FindObjects(session, handles, (ulong)handles.Length, ref count);
        found = (int)Math.Min(count, (ulong)handles.Length);
        return rv;
    }

    public CKR C_FindObjectsFinal(ulong session) => _library.C_FindObjectsFinal(session);

    public CKR C_GenerateKeyPair(ulong session, ref CK_MECHANISM mechanism, AttributeTemplate publicTemplate,
        AttributeTemplate privateTemplate, out ulong publicKey, out ulong privateKey)
    {
        publicKey = 0;
        privateKey = 0;
        return _library.C_GenerateKeyPair(session, ref mechanism,
            publicTemplate.Attributes, (ulong)publicTemplate.Count,
            privateTemplate.Attributes, (ulong)privateTemplate.Count, ref publicKey, ref privateKey);
    }

    public CKR C_SignInit(ulong session, ref CK_MECHANISM mechanism, ulong key) =>
        _library.C_SignInit(session, ref mechanism, key);

    // One C_Sign into a caller-sized buffer (the length is known from the key). A too-small
    // buffer is reported with the size the token asked for; a null buffer would turn the
    // call into a length query, so an empty destination is refused.
    public CKR C_Sign(ulong session, ReadOnlySpan<byte> data, Span<byte> destination, out int written)
    {
        if (destination.IsEmpty)
        {
            throw new ArgumentException("C_Sign needs a non-empty destination.", nameof(destination));
        }

        var input = Scratch(ref t_signInput, data.Length);
        var output = Scratch(ref t_signOutput, destination.Length);
        data.CopyTo(input);
        ulong length = (ulong)destination.Length;
        var rv = _library.C_Sign(session, input, (ulong)data.Length, output, ref length);
        written = 0;
        if (rv == CKR.CKR_BUFFER_TOO_SMALL)
        {
            throw new ArgumentException(
                $"C_Sign needs {length} bytes of output; the destination has {destination.Length}.", nameof(destination));
        }

        if (rv != CKR.CKR_OK)
        {
            return rv;
        }

        if (length > (ulong)destination.Length)
        {
            // A module that claims more output than the buffer holds is broken; never copy past what it wrote.
            throw new Pkcs11TokenException(Pkcs11ErrorKind.Other,
                $"C_Sign reported {length} bytes of output for a {destination.Length}-byte buffer.");
        }

        written = (int)length;
        output.AsSpan(0, written).CopyTo(destination);
        return rv;
    }

    // The value of one attribute, by the two-call convention (v2.40 section 5.2): the first
    // call asks for the length, the second fills.
    public CKR C_GetAttributeValue(ulong session, ulong handle, CKA type, out byte[]? value)
    {
        value = null;
        var template = new[] { CkaUtils.CreateAttribute(type) };
        for (var attempt = 0; attempt < 2; attempt++)
        {
            template[0].value = IntPtr.Zero;
            var rv = _library.C_GetAttributeValue(session, handle, template, 1);
            if (rv != CKR.CKR_OK)
            {
                return rv;
            }

            var length = template[0].valueLen;
            if (length > MaxAttributeBytes)
            {
                throw new Pkcs11TokenException(Pkcs11ErrorKind.Other,
                    $"C_GetAttributeValue reported {length} bytes for attribute {type}; at most {MaxAttributeBytes} are accepted.");
            }

            var buffer = Marshal.AllocHGlobal((int)Math.Max(1, length));
            try
            {
                template[0].value = buffer;
                rv = _library.C_GetAttributeValue(session, handle, template, 1);
                if (rv == CKR.CKR_BUFFER_TOO_SMALL)
                {
                    continue; // the value grew between the two calls: ask for its length again
                }

                if (rv == CKR.CKR_OK)
                {
                    value = new byte[(int)Math.Min(template[0].valueLen, length)];
                    Marshal.Copy(buffer, value, 0, value.Length);
                }

                return rv;
            }
            finally
            {
                template[0].value = IntPtr.Zero;
                Marshal.FreeHGlobal(buffer);
            }
        }

        return CKR.CKR_BUFFER_TOO_SMALL;
    }

    public void Dispose() => _library.Dispose();

    private static byte[] Scratch(ref byte[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new byte[Math.Max(MinScratchBytes, length)];
        }

        return buffer;
    }

    // Pkcs11Interop imports dlopen and dlsym from "libdl". Since glibc 2.34 there is no
    // unversioned libdl.so unless libc6-dev is installed; libdl.so.2 remains and still
    // exports them, and libc.so.6 has them as well.
    private static IntPtr ResolveDynamicLoader(string name, System.Reflection.Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "libdl")
        {
            return IntPtr.Zero;
        }

        return NativeLibrary.TryLoad("libdl.so.2", out var handle) || NativeLibrary.TryLoad("libc.so.6", out handle)
            ? handle
            : IntPtr.Zero;
    }
}
