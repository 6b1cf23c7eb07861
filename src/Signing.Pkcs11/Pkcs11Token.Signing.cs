using System.Runtime.InteropServices;
using Signing.Pkcs11.Internal;
using Signing.Pkcs11.Internal.Native;

namespace Signing.Pkcs11;

// The signing hot path: no allocation besides what the module does.
public sealed partial class Pkcs11Token
{
    internal int Sign(Pkcs11PrivateKey key, ulong mechanism, CkRsaPkcsPssParams? pss, ReadOnlySpan<byte> input, Span<byte> destination) =>
        Run<SignOperation, int>(new SignOperation(key, mechanism, pss, input, destination));

    private readonly unsafe ref struct SignOperation(
        Pkcs11PrivateKey key, ulong mechanism, CkRsaPkcsPssParams? pss, ReadOnlySpan<byte> input, Span<byte> destination)
        : ISessionOperation<int>
    {
        private readonly ReadOnlySpan<byte> _input = input;
        private readonly Span<byte> _destination = destination;

        public int Run(NativeCryptoki native, ulong session, TokenState state)
        {
            var handle = key.ResolveHandle(native, session, state.Generation);
            var parameters = pss.GetValueOrDefault();
            var ckMechanism = new CkMechanism
            {
                Mechanism = new CULong((nuint)mechanism),
                Parameter = pss.HasValue ? &parameters : null,
                ParameterLen = new CULong(pss.HasValue ? (nuint)sizeof(CkRsaPkcsPssParams) : 0),
            };

            var rv = native.C_SignInit(session, &ckMechanism, handle);
            if (rv is Ckr.KEY_HANDLE_INVALID or Ckr.OBJECT_HANDLE_INVALID)
            {
                key.ForgetHandle();
            }

            Pkcs11Module.Check("C_SignInit", rv);
            fixed (byte* data = _input)
            {
                return OutputBuffer.ReadInto(new SignCall(native, session, data, _input.Length), _destination);
            }
        }
    }

    private readonly unsafe struct SignCall(NativeCryptoki native, ulong session, byte* data, int length) : IOutputCall
    {
        public string Function => "C_Sign";

        public ulong Invoke(byte* output, CULong* outputLength) =>
            native.C_Sign(session, new ReadOnlySpan<byte>(data, length), output, outputLength);
    }
}
