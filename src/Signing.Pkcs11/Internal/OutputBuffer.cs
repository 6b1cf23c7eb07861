using System.Runtime.InteropServices;
using Signing.Pkcs11.Internal.Native;

namespace Signing.Pkcs11.Internal;

// One C call that writes variable-length output (CK_BYTE_PTR out, CK_ULONG_PTR outLen).
internal unsafe interface IOutputCall
{
    string Function { get; }

    ulong Invoke(byte* output, CULong* length);
}

// The PKCS#11 output-buffer convention (v2.40 section 5.2) lives here and nowhere else.
internal static unsafe class OutputBuffer
{
    private const int MaxOutput = 1 << 20;

    // Two calls: the first with a null buffer asks for the length, the second fills.
    public static byte[] ReadAll<TCall>(TCall call) where TCall : IOutputCall
    {
        CULong length = default;
        Pkcs11Module.Check(call.Function, call.Invoke(null, &length));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (length.Value > MaxOutput)
            {
                throw new Pkcs11TokenException(Pkcs11ErrorKind.Other,
                    $"{call.Function} reported {length.Value} bytes of output; at most {MaxOutput} are accepted.");
            }

            var buffer = new byte[(int)length.Value];
            fixed (byte* p = buffer)
            {
                var rv = call.Invoke(p, &length);
                if (rv == Ckr.BUFFER_TOO_SMALL)
                {
                    continue; // the value grew between the two calls; length holds the new size
                }

                Pkcs11Module.Check(call.Function, rv);
            }

            return length.Value == (nuint)buffer.Length ? buffer : buffer[..(int)length.Value];
        }

        throw new Pkcs11Exception(call.Function, Ckr.BUFFER_TOO_SMALL);
    }

    // One call into a caller-sized buffer (the length is known from the key); a too-small
    // buffer is reported with the size the token asked for.
    public static int ReadInto<TCall>(TCall call, Span<byte> destination) where TCall : IOutputCall
    {
        if (destination.IsEmpty)
        {
            // A null buffer would turn the call into a length query.
            throw new ArgumentException($"{call.Function} needs a non-empty destination.", nameof(destination));
        }

        CULong length = new((nuint)destination.Length);
        ulong rv;
        fixed (byte* p = destination)
        {
            rv = call.Invoke(p, &length);
        }

        if (rv == Ckr.BUFFER_TOO_SMALL)
        {
            throw new ArgumentException(
                $"{call.Function} needs {length.Value} bytes of output; the destination has {destination.Length}.", nameof(destination));
        }

        Pkcs11Module.Check(call.Function, rv);
        if (length.Value > (nuint)destination.Length)
        {
            // A module that claims more output than the buffer holds is broken; never slice past what it wrote.
            throw new Pkcs11TokenException(Pkcs11ErrorKind.Other,
                $"{call.Function} reported {length.Value} bytes of output for a {destination.Length}-byte buffer.");
        }

        return (int)length.Value;
    }
}
