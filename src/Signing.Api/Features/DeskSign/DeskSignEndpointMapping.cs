namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>app.MapDeskSignEndpoints()</c>, in the namespace Program.cs already imports (as ASP.NET Core's own Map extensions
/// are), so wiring the feature in takes one line.
/// </summary>
public static class DeskSignEndpointMapping
{
    /// <summary>Maps the desk-signing endpoints (<see cref="Signing.Api.Features.DeskSign.DeskSignEndpoints"/>).</summary>
    public static IEndpointRouteBuilder MapDeskSignEndpoints(this IEndpointRouteBuilder app)
        => Signing.Api.Features.DeskSign.DeskSignEndpoints.MapDeskSignEndpoints(app);
}
