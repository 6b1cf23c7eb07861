using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;

namespace Signing.Pkcs11.Internal;

// Read-write sessions of one token for one module generation. A PKCS#11 session is not
// thread-safe: a handle is either idle in the pool or rented by exactly one thread. All
// methods run inside a Pkcs11Module call scope, so the generation cannot change under them.
internal sealed class SessionPool
{
    private readonly Pkcs11Module _module;
    private readonly SemaphoreSlim _available;
    private readonly ConcurrentStack<ulong> _idle = new();
    private volatile bool _abandoned;
    private ulong? _anchor;

    public SessionPool(Pkcs11Module module, ulong slotId, int capacity, int generation)
    {
        _module = module;
        SlotId = slotId;
        Capacity = capacity;
        Generation = generation;
        _available = new SemaphoreSlim(capacity, capacity);
    }

    public ulong SlotId { get; }

    public int Capacity { get; }

    public int Generation { get; }

    // A session that is never rented and lives as long as the pool. PKCS#11 ends the login
    // when an application's last session on a token closes, so without it discarding one
    // faulty session could silently log the whole process out.
    public ulong Anchor
    {
        get
        {
            if (_anchor is { } anchor)
            {
                return anchor;
            }

            var rv = _module.Native.C_OpenSession(SlotId, CKF.CKF_RW_SESSION | CKF.CKF_SERIAL_SESSION, out var session);
            if (rv != CKR.CKR_OK)
            {
                Pkcs11Exception.Throw("C_OpenSession", rv);
            }

            _anchor = session;
            return session;
        }
    }

    public ulong Rent(TimeSpan wait)
    {
        if (_abandoned)
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.SessionInvalid, "The session pool was dropped after a token fault; retry the call.");
        }

        if (!_available.Wait(wait))
        {
            throw new Pkcs11TokenException(Pkcs11ErrorKind.SessionPoolExhausted,
                $"All {Capacity} sessions of slot {SlotId} stayed busy for {wait.TotalSeconds:0.#} s.");
        }

        if (_idle.TryPop(out var session))
        {
            return session;
        }

        var rv = _module.Native.C_OpenSession(SlotId, CKF.CKF_RW_SESSION | CKF.CKF_SERIAL_SESSION, out session);
        if (rv != CKR.CKR_OK)
        {
            _available.Release();
            Pkcs11Exception.Throw("C_OpenSession", rv);
        }

        return session;
    }

    public void Return(ulong session)
    {
        if (_abandoned)
        {
            CloseIfCurrent(session);
        }
        else
        {
            _idle.Push(session);
            if (_abandoned)
            {
                // Abandon ran between the check and the push: drain what it could not see.
                DrainIdle();
            }
        }

        _available.Release();
    }

    public void Discard(ulong session)
    {
        CloseIfCurrent(session);
        _available.Release();
    }

    // Drops every idle session. Handles of an older module generation are never closed:
    // after C_Initialize the same number may name another thread's new session.
    public void Abandon()
    {
        _abandoned = true;
        if (_anchor is { } anchor)
        {
            _anchor = null;
            CloseIfCurrent(anchor);
        }

        DrainIdle();
    }

    private void DrainIdle()
    {
        while (_idle.TryPop(out var session))
        {
            CloseIfCurrent(session);
        }
    }

    private void CloseIfCurrent(ulong session)
    {
        if (_module.Generation == Generation)
        {
            _module.Native.C_CloseSession(session);
        }
    }
}
