using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Jobs;
using Signing.Api.Hosting;
using Signing.Storage.Notifications;

namespace Signing.Api.Features.Notifications;

/// <summary><c>/api/v1/notifications</c>: a person's in-app notifications.</summary>
public static class NotificationEndpoints
{
    /// <summary>Registers notifications and e-mail.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailOptions>>(new ProblemListValidator<MailOptions>(options => options.Problems()));
        services.AddSingleton<NotificationStore>();
        services.AddSingleton<Notifier>();
        services.AddSingleton<IJobHandler, MailSender>();
        return services;
    }

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/notifications").WithTags("Notifications")
            .RequireAuthorization(policy => policy.RequireClaim(SigningPrincipal.KindClaim, "user"));
        group.MapGet("", async (ClaimsPrincipal user, NotificationStore store, CancellationToken ct, bool unread = false, int limit = 50) =>
            TypedResults.Ok(new
            {
                unread = await store.UnreadCountAsync(user.Subject()!, ct),
                items = await store.ListAsync(user.Subject()!, unread, limit, ct),
            }));
        group.MapPost("/{id}/read", async Task<Results<NoContent, ProblemHttpResult>> (string id, HttpContext context, NotificationStore store, CancellationToken ct) =>
            await store.MarkReadAsync(context.User.Subject()!, id, ct)
                ? TypedResults.NoContent()
                : new Failure(FailureKind.NotFound, "notification-not-found", "Notification not found", $"No unread notification '{id}' of yours.")
                    .ToProblem(context));
        return app;
    }
}
