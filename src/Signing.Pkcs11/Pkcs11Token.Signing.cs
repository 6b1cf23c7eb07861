using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;
using Net.Pkcs11Interop.LowLevelAPI80.MechanismParams;
using Signing.Pkcs11.Internal;

namespace Signing.Pkcs11;

// The signing hot path: no allocation besides what the module does.
public sealed partial class Pkcs11Token
{
    internal int Sign(Pkcs11PrivateKey key, CKM mechanism, CK_RSA_PKCS_PSS_PARAMS? pss, ReadOnlySpan<byte> input, Span<byte> destination) =>
        Run<SignOperation, int>(new SignOperation(key, mechanism, pss, input, destination));

    private readonly unsafe ref struct SignOperation(
        Pkcs11PrivateKey key, CKM mechanism, CK_RSA_PKCS_PSS_PARAMS? pss, ReadOnlySpan<byte> input, Span<byte> destination)
        : ISessionOperation<int>
    {
        private readonly ReadOnlySpan<byte> _input = input;
        private readonly Span<byte> _destination = destination;

        public int Run(CryptokiLibrary native, ulong session, TokenState state)
        {
            var handle = key.ResolveHandle(native, session, state.Generation);

            // The parameters live on this stack frame for the whole C_SignInit call.
            var parameters = pss.GetValueOrDefault();
            var ckMechanism = new CK_MECHANISM
            {
                Mechanism = (ulong)mechanism,
                Parameter = pss.HasValue ? (IntPtr)(&parameters) : IntPtr.Zero,
                ParameterLen = pss.HasValue ? (ulong)sizeof(CK_RSA_PKCS_PSS_PARAMS) : 0,
            };

            var rv = native.C_SignInit(session, ref ckMechanism, handle);
            if (rv is CKR.CKR_KEY_HANDLE_INVALID or CKR.CKR_OBJECT_HANDLE_INVALID)
            {
                key.ForgetHandle();
            }

            Pkcs11Module.Check("C_SignInit", rv);
            Pkcs11Module.Check("C_Sign", native.C_Sign(session, _input, _destination, out var written));
            return written;
        }
    }
}
