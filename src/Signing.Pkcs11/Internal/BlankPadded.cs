using System.Text;

namespace Signing.Pkcs11.Internal;

// CK_UTF8CHAR fields are fixed-size, blank-padded and not NUL-terminated.
internal static unsafe class BlankPadded
{
    public static string Decode(byte* field, int size)
    {
        var bytes = new ReadOnlySpan<byte>(field, size);
        var end = bytes.IndexOf((byte)0);
        if (end >= 0)
        {
            bytes = bytes[..end];
        }

        return Encoding.UTF8.GetString(bytes).TrimEnd(' ');
    }
}
