using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Signing.Api.Features.Auth;

/// <summary>Writes 401 answers as RFC 7807 problem details that say why the credentials failed.</summary>
internal static class AuthenticationProblems
{
    public static async Task ChallengeAsync(HttpContext context, AuthenticateResult? result, string scheme)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        var detail = result?.Failure?.Message ?? "Authentication is required.";
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = detail,
                Extensions = { ["scheme"] = scheme },
            },
        });
    }
}
