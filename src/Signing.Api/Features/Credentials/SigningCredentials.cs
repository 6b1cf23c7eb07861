using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using OtpNet;
using QRCoder;
using Signing.Api.Features.Auth;
using Signing.Api.Hosting;
using Signing.Storage.Accounts;
using Signing.Storage.Audit;
using Signing.Storage.Credentials;

namespace Signing.Api.Features.Credentials;

/// <summary>A TOTP enrolment in progress: what the authenticator app needs, and the token that confirms it.</summary>
/// <param name="Secret">The shared secret, base32, for typing into an app.</param>
/// <param name="OtpAuthUri">The <c>otpauth://totp/…</c> URI the QR code holds.</param>
/// <param name="QrCodeSvg">The QR code as SVG.</param>
/// <param name="EnrolmentToken">Send back with the first code to confirm; it expires in 10 minutes.</param>
public sealed record TotpEnrolment(string Secret, string OtpAuthUri, string QrCodeSvg, string EnrolmentToken);

/// <summary>
/// People's second factor for signing with keys the service holds (the CSC/SCAL2 model): a signing PIN of their own,
/// stored as a PBKDF2 hash, and optionally a TOTP authenticator (RFC 6238). The token's own PIN is never handed to a
/// person. Wrong factors are counted per person and audited; the fifth in a row locks the credential until an admin
/// unlocks it.
/// </summary>
/// <remarks>
/// A PIN that verified against the PBKDF2 hash is remembered for <see cref="VerifiedPinLifetime"/> as an HMAC under a
/// key that exists only in this process, so the next signatures of a sitting (bulk signing, a clerk sealing the
/// morning's documents) cost a microsecond rather than 100,000 PBKDF2 rounds each. The slow hash is there for a stolen
/// database, and the remembered form gives such a thief nothing; guessing online is bounded by the failure counter,
/// which a wrong PIN still reaches because only an exact match is answered from memory.
/// </remarks>
public sealed class SigningCredentials(SigningCredentialStore store, IDataProtectionProvider protection, AuditLog audit, TimeProvider clock)
{
    /// <summary>How long a verified PIN is answered from memory, counted from its last slow verification.</summary>
    public static readonly TimeSpan VerifiedPinLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The fewest characters a signing PIN has.</summary>
    public const int MinPinLength = 6;

    /// <summary>The most characters a signing PIN has.</summary>
    public const int MaxPinLength = 64;

    private const string Issuer = "Ky so cong vu";
    private readonly IDataProtector _secrets = protection.CreateProtector("Signing.Credentials.TotpSecret");
    private readonly ITimeLimitedDataProtector _enrolments = protection.CreateProtector("Signing.Credentials.TotpEnrolment").ToTimeLimitedDataProtector();
    private readonly byte[] _verifiedPinKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, VerifiedPin> _verifiedPins = new(StringComparer.Ordinal);

    /// <summary>
    /// Checks the actor's signing PIN or one-time code; on a wrong factor counts it, audits it and says how many tries
    /// remain; a locked or missing credential is refused.
    /// </summary>
    public async Task<Failure?> VerifyAsync(Actor actor, string? pin, string? oneTimeCode, string purpose, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var credential = await store.FindAsync(actor.Id, ct);
        if (credential is null || (credential.PinHash is null && credential.TotpSecret is null))
        {
            return new Failure(FailureKind.Conflict, "signing-credential-missing", "No signing credential",
                "Set a signing PIN first (PUT /api/v1/me/signing-credential/pin); the token's PIN is never used by people.");
        }

        if (credential.LockedAt is not null)
        {
            return Locked();
        }

        bool matches;
        if (!string.IsNullOrEmpty(oneTimeCode))
        {
            var step = credential.TotpSecret is { } protectedSecret ? MatchedStep(_secrets.Unprotect(protectedSecret), oneTimeCode) : null;
            if (step is { } matched && !await store.TryUseTotpStepAsync(actor.Id, matched, ct))
            {
                // A right code used before is not a guess, so it does not count towards the lock; it is refused and audited.
                await audit.AppendAsync(new AuditEntry(actor.AuditName, actor.AgencyId, "credential.otp-reused", actor.Id, AuditOutcome.Denied, null,
                    $"purpose={purpose}"), ct);
                return new Failure(FailureKind.Forbidden, "signing-code-used", "One-time code already used",
                    "This authenticator code has already been used; wait for the next code and try again.");
            }

            matches = step is not null;
        }
        else if (!string.IsNullOrEmpty(pin))
        {
            matches = credential.PinHash is { } hash && PinMatches(actor.Id, hash, pin);
        }
        else
        {
            return Failure.BadInput("Missing signing factor", "Give your signing PIN (pin) or the code of your authenticator (otp).", "pin");
        }

        if (matches)
        {
            if (credential.FailedAttempts > 0)
            {
                await store.ResetFailuresAsync(actor.Id, ct);
            }

            return null;
        }

        var (failures, locked) = await store.RecordFailureAsync(actor.Id, ct);
        await audit.AppendAsync(new AuditEntry(actor.AuditName, actor.AgencyId, "credential.failure", actor.Id, AuditOutcome.Denied, null,
            $"purpose={purpose}; factor={(string.IsNullOrEmpty(oneTimeCode) ? "pin" : "otp")}; failures={failures}{(locked ? "; locked" : "")}"), ct);
        return locked
            ? Locked()
            : new Failure(FailureKind.Forbidden, "signing-factor-wrong", "Wrong signing factor",
                $"The signing PIN or code is wrong; {SigningCredentialStore.MaxFailures - failures} more wrong attempt(s) lock it.");
    }

    /// <summary>Whether the actor has enrolled a TOTP authenticator.</summary>
    public async Task<bool> HasTotpAsync(string userId, CancellationToken ct)
        => (await store.FindAsync(userId, ct))?.TotpSecret is not null;

    /// <summary>Sets the actor's signing PIN.</summary>
    public async Task<Failure?> SetPinAsync(Actor actor, string? pin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (pin is null || pin.Length is < MinPinLength or > MaxPinLength || pin.Distinct().Count() < 3)
        {
            return Failure.BadInput("Weak signing PIN", $"A signing PIN has {MinPinLength} to {MaxPinLength} characters, at least 3 of them different.", "pin");
        }

        await store.SetPinAsync(actor.Id, PasswordHashing.Hash(pin), ct);
        await audit.AppendAsync(new AuditEntry(actor.AuditName, actor.AgencyId, "credential.pin.set", actor.Id, AuditOutcome.Success, null), ct);
        return null;
    }

    /// <summary>Starts a TOTP enrolment: a new secret the actor's app must prove it holds.</summary>
    public TotpEnrolment BeginTotp(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var secret = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(20));
        var uri = $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(actor.Name)}?secret={secret}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        var token = _enrolments.Protect($"{actor.Id}:{secret}", TimeSpan.FromMinutes(10));
        return new TotpEnrolment(secret, uri, svg, token);
    }

    /// <summary>Confirms an enrolment with the first code from the app, and stores the secret.</summary>
    public async Task<Failure?> ConfirmTotpAsync(Actor actor, string? enrolmentToken, string? code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        string payload;
        try
        {
            payload = _enrolments.Unprotect(enrolmentToken ?? "");
        }
        catch (CryptographicException)
        {
            return Failure.BadInput("Enrolment expired", "The enrolment token is invalid or older than 10 minutes; start again.", "enrolmentToken");
        }

        var separator = payload.IndexOf(':', StringComparison.Ordinal);
        if (separator < 0 || payload[..separator] != actor.Id)
        {
            return Failure.BadInput("Enrolment not yours", "This enrolment token was made for someone else.", "enrolmentToken");
        }

        var secret = payload[(separator + 1)..];
        if (string.IsNullOrEmpty(code) || MatchedStep(secret, code) is not { } confirmedStep)
        {
            return Failure.BadInput("Wrong code", "The code does not match the new secret; check the app's clock and try again.", "code");
        }

        await store.SetTotpAsync(actor.Id, _secrets.Protect(secret), confirmedStep, ct);
        await audit.AppendAsync(new AuditEntry(actor.AuditName, actor.AgencyId, "credential.totp.set", actor.Id, AuditOutcome.Success, null), ct);
        return null;
    }

    /// <summary>Unlocks a person's locked credential (an admin of their agency decides).</summary>
    public async Task<bool> UnlockAsync(Actor admin, string userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var unlocked = await store.UnlockAsync(userId, ct);
        await audit.AppendAsync(new AuditEntry(admin.AuditName, admin.AgencyId, "credential.unlock", userId,
            unlocked ? AuditOutcome.Success : AuditOutcome.Denied, null, unlocked ? null : "not locked"), ct);
        return unlocked;
    }

    // The entry is tied to the stored hash it was checked against, so a new PIN (or a reset) misses it at once.
    private bool PinMatches(string userId, string storedHash, string pin)
    {
        var mac = HMACSHA256.HashData(_verifiedPinKey, System.Text.Encoding.UTF8.GetBytes(pin));
        var now = clock.GetUtcNow();
        if (_verifiedPins.TryGetValue(userId, out var remembered) && remembered.StoredHash == storedHash && remembered.Expires > now
            && CryptographicOperations.FixedTimeEquals(remembered.Mac, mac))
        {
            return true;
        }

        if (PasswordHashing.Verify(storedHash, pin) == PasswordCheck.Failed)
        {
            return false;
        }

        _verifiedPins[userId] = new VerifiedPin(storedHash, mac, now + VerifiedPinLifetime);
        return true;
    }

    private sealed record VerifiedPin(string StoredHash, byte[] Mac, DateTimeOffset Expires);

    /// <summary>The time step the code belongs to when it is right for the secret, else null.</summary>
    private long? MatchedStep(string base32Secret, string code)
    {
        var totp = new Totp(Base32Encoding.ToBytes(base32Secret), mode: OtpHashMode.Sha1, step: 30);
        // One step either side absorbs clock drift between the phone and the server.
        return totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, code.Trim(), out var step, new VerificationWindow(previous: 1, future: 1))
            ? step
            : null;
    }

    private static Failure Locked() => new(FailureKind.Locked, "signing-credential-locked", "Signing credential locked",
        $"The signing credential is locked after {SigningCredentialStore.MaxFailures} wrong attempts; an admin of your agency must unlock it.");
}
