using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;

namespace Signing.Pkcs11.Internal;

// A CK_ATTRIBUTE array for one call. Pkcs11Interop's CkaUtils copies each value to native
// memory, so pointers stay valid for the whole call; Dispose frees them.
internal sealed class AttributeTemplate : IDisposable
{
    private const int MaxAttributes = 32;
    private readonly CK_ATTRIBUTE[] _attributes = new CK_ATTRIBUTE[MaxAttributes];
    private bool _disposed;

    public int Count { get; private set; }

    // The array handed to the module; only the first Count entries are passed.
    public CK_ATTRIBUTE[] Attributes => _attributes;

    public AttributeTemplate Add(CKA type, bool value) => Add(CkaUtils.CreateAttribute(type, value));

    public AttributeTemplate Add(CKA type, ulong value) => Add(CkaUtils.CreateAttribute(type, value));

    public AttributeTemplate Add(CKA type, CKO value) => Add(CkaUtils.CreateAttribute(type, value));

    public AttributeTemplate Add(CKA type, CKK value) => Add(CkaUtils.CreateAttribute(type, value));

    public AttributeTemplate Add(CKA type, CKC value) => Add(CkaUtils.CreateAttribute(type, value));

    public AttributeTemplate Add(CKA type, string utf8) => Add(CkaUtils.CreateAttribute(type, utf8));

    public AttributeTemplate Add(CKA type, byte[] value) => Add(CkaUtils.CreateAttribute(type, value));

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var i = 0; i < Count; i++)
        {
            UnmanagedMemory.Free(ref _attributes[i].value);
        }
    }

    private AttributeTemplate Add(CK_ATTRIBUTE attribute)
    {
        if (Count == MaxAttributes)
        {
            UnmanagedMemory.Free(ref attribute.value);
            throw new InvalidOperationException($"An attribute template holds at most {MaxAttributes} attributes.");
        }

        _attributes[Count++] = attribute;
        return this;
    }
}
