using System.Collections.Concurrent;
using System.Security.Cryptography;
using Signing.Pkcs11.Tests.Fixtures;
using Signing.Testing;

namespace Signing.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public sealed class ConcurrencyTests(SoftHsmToken hsm)
{
    [Fact]
    public void EightThreads_FiveHundredSignaturesEach_AllValid()
    {
        const int threads = 8;
        const int perThread = 500;
        var key = TestKeys.Get(hsm, Pkcs11KeyAlgorithm.Rsa2048);
        using var publicKey = RSA.Create(key.ExportRsaPublicParameters());
        var errors = new ConcurrentQueue<Exception>();
        var invalid = 0;
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            Span<byte> signature = stackalloc byte[key.SignatureSize];
            for (var i = 0; i < perThread; i++)
            {
                try
                {
                    var hash = SHA256.HashData(BitConverter.GetBytes(t * perThread + i));
                    key.SignRsaPkcs1(hash, HashAlgorithmName.SHA256, signature);
                    if (i % 25 == 0 && !publicKey.VerifyHash(hash, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                    {
                        Interlocked.Increment(ref invalid);
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            }
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Empty(errors);
        Assert.Equal(0, invalid);
        Assert.InRange(key.Token.SessionCapacity, 1, new Pkcs11TokenOptions().MaxSessions);
    }

    [Fact]
    public void SessionPool_NeverHandsOneSessionToTwoThreads()
    {
        var token = TestKeys.LoggedInToken(hsm);
        var state = token.EnsureState();
        var anchor = state.Pool.Anchor; // the login session is never rented out
        var inUse = new ConcurrentDictionary<ulong, int>();
        var clashes = 0;
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 300; i++)
            {
                using var call = hsm.Module.EnterCall();
                var session = state.Pool.Rent(TimeSpan.FromSeconds(30));
                if (!inUse.TryAdd(session, t) || session == anchor)
                {
                    Interlocked.Increment(ref clashes);
                }

                Thread.SpinWait(50);
                inUse.TryRemove(session, out _);
                state.Pool.Return(session);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(0, clashes);
    }
}
