using System.Text;

namespace Signing.Pkcs11.Internal;

// CK_UTF8CHAR fields are fixed-size, blank-padded and not NUL-terminated.
internal static class BlankPadded
{
    public static string Decode(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        if (end >= 0)
        {
            field = field[..end];
        }

        return Encoding.UTF8.GetString(field).TrimEnd(' ');
    }
}
