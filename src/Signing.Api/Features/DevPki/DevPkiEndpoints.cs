using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Pki.DevPki;
using Signing.Storage.Audit;

namespace Signing.Api.Features.DevPki;

/// <summary>
/// In Development, serves the dev PKI under <c>/dev-pki/</c>: the public CRL, OCSP and TSA endpoints
/// anonymously (as the GCC's are), and CSR issuance and revocation to certificate admins.
/// </summary>
public static class DevPkiEndpoints
{
    /// <summary>A revocation request.</summary>
    public sealed record RevokeRequest(string CertificatePem, string Reason);

    /// <summary>Maps <c>/dev-pki</c> when <c>DevPki:Directory</c> holds an initialised dev PKI.</summary>
    public static IEndpointRouteBuilder MapDevPkiEndpoints(this WebApplication app)
    {
        var directory = app.Configuration["DevPki:Directory"]
            ?? Path.Combine(app.Configuration["Storage:DataDirectory"] ?? "data", "pki");
        if (!app.Environment.IsDevelopment() || !File.Exists(Path.Combine(directory, "state.json")))
        {
            return app;
        }

        var authority = DevCertificateAuthority.Open(directory);
        var responder = new DevPkiResponder(authority);
        var group = app.MapGroup("/dev-pki").WithTags("Dev PKI");
        foreach (var path in new[] { "/tsa", "/ocsp", "/ocsp/{request}", "/crl", "/root.crl", "/ca.cer", "/root.cer" })
        {
            // Typed as a Delegate, not a RequestDelegate, so the route takes metadata such as the media types it accepts.
            group.MapMethods(path, ["GET", "POST"], (Delegate)((HttpContext context) => ServePublicAsync(context, responder))).AllowAnonymous()
                .Accepts<byte[]>("application/ocsp-request", "application/timestamp-query");
        }

        group.MapPost("/issue", (HttpContext context, AuditLog audit, CancellationToken ct) => IssueAsync(context, authority, audit, ct))
            .Accepts<byte[]>("application/pkcs10", "application/x-pem-file", "text/plain")
            .RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        group.MapPost("/revoke", (RevokeRequest request, HttpContext context, AuditLog audit, CancellationToken ct) =>
                RevokeAsync(request, context, authority, audit, ct))
            .RequireAuthorization(AuthenticationSetup.KeyAdminPolicy);
        return app;
    }

    private static async Task ServePublicAsync(HttpContext context, DevPkiResponder responder)
    {
        var body = await ReadBoundedAsync(context.Request, DevPkiResponder.MaxRequestBytes, context.RequestAborted);
        if (body is null)
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large",
                detail: $"Dev PKI requests are at most {DevPkiResponder.MaxRequestBytes} bytes.").ExecuteAsync(context);
            return;
        }

        var path = context.Request.Path.Value!["/dev-pki".Length..];
        var response = responder.Handle(context.Request.Method, path, body);
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> IssueAsync(
        HttpContext context, DevCertificateAuthority authority, AuditLog audit, CancellationToken ct)
    {
        var csr = await ReadBoundedAsync(context.Request, DevPkiResponder.MaxRequestBytes, ct);
        if (csr is null || csr.Length == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No CSR",
                detail: "Send a PKCS#10 request (PEM or DER) of at most 64 KB as the body.");
        }

        try
        {
            using var issued = authority.IssueFromCsr(csr);
            await audit.AppendAsync(context.AuditEntry("devpki.issue", issued.SerialNumber, AuditOutcome.Success, issued.Subject), ct);
            return TypedResults.Content(issued.ExportCertificatePem(), "application/x-pem-file");
        }
        catch (CryptographicException exception)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "CSR refused", detail: exception.Message);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        RevokeRequest request, HttpContext context, DevCertificateAuthority authority, AuditLog audit, CancellationToken ct)
    {
        if (!Enum.TryParse<X509RevocationReason>(request.Reason, ignoreCase: true, out var reason))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown reason",
                detail: $"Reason must be one of {string.Join(", ", Enum.GetNames<X509RevocationReason>())}.");
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPem(request.CertificatePem);
            authority.Revoke(certificate, reason);
            await audit.AppendAsync(context.AuditEntry("devpki.revoke", certificate.SerialNumber, AuditOutcome.Success, $"reason={reason}"), ct);
            return TypedResults.NoContent();
        }
        catch (CryptographicException exception)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Revocation refused", detail: exception.Message);
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
