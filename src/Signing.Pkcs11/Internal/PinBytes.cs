using System.Security.Cryptography;
using System.Text;

namespace Signing.Pkcs11.Internal;

// PINs travel as UTF-8 bytes in arrays the GC does not move, so that ZeroMemory clears the
// only copy. Callers clear what they get with CryptographicOperations.ZeroMemory.
internal static class PinBytes
{
    private const int MaxPinChars = 256;

    public static byte[] FromChars(ReadOnlySpan<char> pin)
    {
        if (pin.IsEmpty || pin.Length > MaxPinChars)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.PinInvalid,
                $"A PIN must have between 1 and {MaxPinChars} characters.");
        }

        var bytes = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(pin), pinned: true);
        Encoding.UTF8.GetBytes(pin, bytes);
        return bytes;
    }

    public static byte[] FromBytes(ReadOnlySpan<byte> pin)
    {
        if (pin.IsEmpty || pin.Length > MaxPinChars * 4)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.PinInvalid,
                $"A PIN must have between 1 and {MaxPinChars * 4} bytes.");
        }

        var bytes = GC.AllocateArray<byte>(pin.Length, pinned: true);
        pin.CopyTo(bytes);
        return bytes;
    }

    public static void Clear(byte[]? pin)
    {
        if (pin is not null)
        {
            CryptographicOperations.ZeroMemory(pin);
        }
    }
}
