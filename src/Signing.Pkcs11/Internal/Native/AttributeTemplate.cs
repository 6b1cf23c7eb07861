using System.Runtime.InteropServices;
using System.Text;

namespace Signing.Pkcs11.Internal.Native;

// A CK_ATTRIBUTE array whose values live in native memory, so pointers stay valid for the
// whole call without pinning managed arrays one by one.
internal sealed unsafe class AttributeTemplate : IDisposable
{
    private const int MaxAttributes = 32;
    private readonly CkAttribute* _attributes;
    private readonly List<nint> _values = [];
    private bool _disposed;

    public AttributeTemplate()
    {
        _attributes = (CkAttribute*)NativeMemory.AllocZeroed((nuint)(MaxAttributes * sizeof(CkAttribute)));
    }

    public int Count { get; private set; }

    public CkAttribute* Pointer => _attributes;

    public AttributeTemplate Add(ulong type, bool value) => Add(type, [value ? (byte)1 : (byte)0]);

    public AttributeTemplate Add(ulong type, ulong value)
    {
        var bytes = new byte[sizeof(CULong)];
        MemoryMarshal.Write(bytes, new CULong((nuint)value));
        return Add(type, bytes);
    }

    public AttributeTemplate Add(ulong type, string utf8) => Add(type, Encoding.UTF8.GetBytes(utf8));

    public AttributeTemplate Add(ulong type, ReadOnlySpan<byte> value)
    {
        if (Count == MaxAttributes)
        {
            throw new InvalidOperationException($"An attribute template holds at most {MaxAttributes} attributes.");
        }

        var memory = NativeMemory.Alloc((nuint)Math.Max(1, value.Length));
        value.CopyTo(new Span<byte>(memory, value.Length));
        _values.Add((nint)memory);
        _attributes[Count] = new CkAttribute
        {
            Type = new CULong((nuint)type),
            Value = memory,
            ValueLen = new CULong((nuint)value.Length),
        };
        Count++;
        return this;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var value in _values)
        {
            NativeMemory.Free((void*)value);
        }

        NativeMemory.Free(_attributes);
    }
}
