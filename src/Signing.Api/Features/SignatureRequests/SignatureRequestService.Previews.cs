using System.Globalization;
using Signing.Api.Features.Auth;
using Signing.Api.Hosting;
using Signing.Pdf.Drawing;
using Signing.Storage.Accounts;
using Signing.Storage.Keys;
using Signing.Storage.Requests;

namespace Signing.Api.Features.SignatureRequests;

/// <summary>Where a step that has not run yet will draw its visible signature on the current revision.</summary>
/// <param name="StepId">The step.</param>
/// <param name="Kind"><c>sign</c> (the official's block) or <c>seal</c> (the seal over the left third of its image).</param>
/// <param name="Page">The page, from 1.</param>
/// <param name="X">The rectangle's left edge, in points from the page's lower-left corner.</param>
/// <param name="Y">Its bottom edge.</param>
/// <param name="Width">Its width in points.</param>
/// <param name="Height">Its height in points.</param>
public sealed record PlannedPlacement(string StepId, string Kind, int Page, double X, double Y, double Width, double Height);

/// <summary>The number a register step would take now, read without taking it.</summary>
/// <param name="Number">The next number of the agency's year and series.</param>
/// <param name="Symbol">The symbol it would give (<c>05/QĐ-UBND</c>).</param>
/// <param name="Year">The year of the date of issue, whose counter it comes from.</param>
/// <param name="Series"><c>general</c> or <c>secret</c>.</param>
/// <param name="IssuedDate">The date of issue the preview assumed (yyyy-MM-dd).</param>
public sealed record NumberPreview(long Number, string Symbol, int Year, string Series, string IssuedDate);

/// <summary>Read-only previews for the web pages: nothing here changes a request or takes a number.</summary>
public sealed partial class SignatureRequestService
{
    /// <summary>
    /// Where the request's next sign step will put the official's block (its rectangle or the line below its anchor,
    /// for the official who will sign and their signature image), and where the seal step will put the seal when the
    /// agency's seal has an image; computed on the current revision exactly as signing will. Empty when nothing is
    /// left to place or the anchor is not in the document.
    /// </summary>
    public async Task<Result<IReadOnlyList<PlannedPlacement>>> PlannedPlacementsAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var request = await requests.FindAsync(id, ct);
        if (request is null || !await CanSeeAsync(actor, request, ct))
        {
            return NotFound(id);
        }

        var placements = new List<PlannedPlacement>();
        if (request.State != RequestStates.InProgress)
        {
            return placements;
        }

        var steps = await requests.StepsAsync(id, ct);
        var head = Head(await requests.DocumentsAsync(id, ct), 0);
        if (head is null)
        {
            return placements;
        }

        var open = steps.Where(s => s.State is StepStates.Active or StepStates.Pending).OrderBy(s => s.Ordinal).ToList();
        var agency = (await accounts.FindAgencyAsync(request.AgencyId, ct))!;
        var officialImage = steps.Where(s => s.Kind == StepKinds.Sign && s.State == StepStates.Done).MaxBy(s => s.Ordinal)?.ImageBox;
        var sign = open.FirstOrDefault(s => s.Kind == StepKinds.Sign);
        if (sign is not null && await SignerOfAsync(sign, ct) is { } signer)
        {
            var key = (await keys.ListForOwnerAsync(signer.Id, ct))
                .Where(k => k.Purpose == KeyPurpose.Official && k.DisabledAt is null)
                .OrderBy(k => k.Location == KeyLocation.Pkcs11 ? 0 : 1)
                .FirstOrDefault();
            var signerActor = new Actor(Actor.User, signer.Id, signer.Username, signer.AgencyId, Roles.Parse(signer.Roles));
            var composed = documents.OfficialSignature(await ContentOf(head, ct), sign, signer, CapacityOf(signerActor, sign), sign.CapacityTitle,
                key is null ? null : await keys.AppearanceAsync(key.Id, ct), agency.Name);
            if (composed.Value.Request?.Appearance is { Rectangle: { } rectangle } appearance)
            {
                placements.Add(new PlannedPlacement(sign.Id, StepKinds.Sign, appearance.PageNumber, rectangle.X, rectangle.Y, rectangle.Width, rectangle.Height));
                officialImage = composed.Value.ImageBox;
            }
        }

        // The seal lands over the official's image; it is visible only when the agency's seal key carries an image.
        var seal = open.FirstOrDefault(s => s.Kind == StepKinds.Seal);
        var sealKey = (await keys.ListForAgencyAsync(request.AgencyId, ct))
            .FirstOrDefault(k => k.Purpose == KeyPurpose.AgencySeal && k.Location == KeyLocation.Pkcs11 && k.DisabledAt is null);
        var sealImage = sealKey is null ? null : await keys.AppearanceAsync(sealKey.Id, ct);
        if (seal is not null && sealImage is not null && officialImage is not null && StepDocuments.ParseBox(officialImage) is var (page, box))
        {
            var area = SealPlacement.OverLeftThird(box, options.Value.SealDiameterMillimetres * SealPlacement.PointsPerMillimetre);
            placements.Add(new PlannedPlacement(seal.Id, StepKinds.Seal, page, area.X, area.Y, area.Width, area.Height));
        }

        return placements;
    }

    /// <summary>
    /// The number and symbol the request's register step would take if confirmed now for a date of issue of
    /// <paramref name="issuedDate"/> (default today in Vietnam). The counter is only read: the number is taken
    /// atomically when the clerk confirms, so a registration in between moves it on.
    /// </summary>
    public async Task<Result<NumberPreview>> NextNumberAsync(Actor actor, string id, DateOnly? issuedDate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var request = await requests.FindAsync(id, ct);
        if (request is null || !await CanSeeAsync(actor, request, ct))
        {
            return NotFound(id);
        }

        if (request.Number is not null)
        {
            return new Failure(FailureKind.Conflict, "already-registered", "Already registered", $"The request is registered as {request.Symbol}.");
        }

        var date = issuedDate ?? DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(VietnamOffset).DateTime);
        var number = await requests.PeekNextNumberAsync(request.AgencyId, date.Year, request.Series, ct);
        return new NumberPreview(number, SymbolOf(request.SymbolPattern, number), date.Year, request.Series,
            date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    // Decree 30 Appendix I: numbers below 10 are written with a leading zero (01, 02 …).
    private static string SymbolOf(string pattern, long number)
        => pattern.Replace(SymbolPlaceholder, number.ToString(number < 10 ? "00" : "0", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    // The official a sign step waits for: its delegate, else the one person it names.
    private async Task<User?> SignerOfAsync(RequestStep step, CancellationToken ct)
    {
        var id = step.DelegateUserId ?? step.AssigneeList.FirstOrDefault(a => a.StartsWith("user:", StringComparison.Ordinal))?[5..];
        return id is null ? null : await accounts.FindUserAsync(id, ct);
    }
}
