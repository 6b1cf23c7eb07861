using Signing.Pkcs11.Internal;

namespace Signing.Pkcs11;

// Runs work on a pooled session and turns faults into reconnects.
public sealed partial class Pkcs11Token
{
    internal interface ISessionOperation<out TResult>
    {
        TResult Run(CryptokiLibrary native, ulong session, TokenState state);
    }

    // Rents a session for exactly one thread, runs the operation inside a module call scope,
    // and returns the session. A session that saw any failure is closed rather than reused,
    // since it may hold an unfinished operation. Faults that mean the token or module went
    // away drop the whole pool; the next call reconnects. The failing call is not retried.
    internal TResult Run<TOperation, TResult>(TOperation operation)
        where TOperation : ISessionOperation<TResult>, allows ref struct
    {
        for (var attempt = 0; ; attempt++)
        {
            var state = EnsureState();
            using var call = _module.EnterCall();
            if (state.Generation != _module.Generation)
            {
                if (attempt < 2)
                {
                    continue; // restarted by another token between EnsureState and EnterCall
                }

                throw new Pkcs11TokenException(Pkcs11ErrorKind.TokenUnavailable,
                    $"The module of token {Display} kept restarting during the call.");
            }

            ulong session;
            try
            {
                session = state.Pool.Rent(_options.SessionWaitTimeout);
            }
            catch (Pkcs11Exception e)
            {
                OnFault(state, e);
                throw;
            }

            try
            {
                var result = operation.Run(_module.Native, session, state);
                state.Pool.Return(session);
                return result;
            }
            catch (Pkcs11Exception e)
            {
                state.Pool.Discard(session);
                OnFault(state, e);
                throw;
            }
            catch
            {
                state.Pool.Discard(session);
                throw;
            }
        }
    }

    internal TResult Run<TResult>(Func<CryptokiLibrary, ulong, TokenState, TResult> work) =>
        Run<DelegateOperation<TResult>, TResult>(new DelegateOperation<TResult>(work));

    private void OnFault(TokenState state, Pkcs11Exception e)
    {
        if (e.IsTransient)
        {
            Invalidate(state, reinitializeModule: true);
        }
        else if (e.Kind == Pkcs11ErrorKind.KeyNotFound && e.Function == "C_SignInit")
        {
            // A key handle that worked before is dead. Either the key was deleted, or the
            // token's store changed under the module (SoftHSM2 reports a moved-away token
            // directory this way). Reconnect with a module restart; the next call then tells
            // "token no longer present" from "no such key".
            Invalidate(state, reinitializeModule: true);
        }
        else if (e.Kind == Pkcs11ErrorKind.NotLoggedIn)
        {
            // The login vanished (all sessions were closed): reconnect and log in again.
            Invalidate(state, reinitializeModule: false);
        }
    }

    private readonly struct DelegateOperation<TResult>(Func<CryptokiLibrary, ulong, TokenState, TResult> work)
        : ISessionOperation<TResult>
    {
        public TResult Run(CryptokiLibrary native, ulong session, TokenState state) => work(native, session, state);
    }
}
