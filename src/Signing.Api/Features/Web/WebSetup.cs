using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.WebEncoders;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Web.Live;
using Signing.Api.Hosting;

namespace Signing.Api.Features.Web;

/// <summary>
/// The web app for people: Razor Pages under <c>Features/Web/Pages</c>, served at <c>/</c> by the same host as the
/// APIs. Every page requires a person's session except sign-in and the error page; every form carries an antiforgery
/// token; pages speak Vietnamese unless the person chose English.
/// </summary>
public static class WebSetup
{
    /// <summary>Where the pages live, relative to the project.</summary>
    public const string PagesRoot = "/Features/Web/Pages";

    /// <summary>Registers Razor Pages and the services the pages share.</summary>
    public static IServiceCollection AddSigningWeb(this IServiceCollection services)
    {
        services.AddRazorPages(options =>
            {
                options.RootDirectory = PagesRoot;
                options.Conventions.AuthorizeFolder("/", AuthenticationSetup.PersonPolicy);
                options.Conventions.AllowAnonymousToPage("/SignIn");
                options.Conventions.AllowAnonymousToPage("/Error");
            })
            .AddMvcOptions(options => options.Filters.Add<PageFailureFilter>())
            // No jQuery validation is shipped: the server validates, the browser's own `required` helps.
            .AddViewOptions(options => options.HtmlHelperOptions.ClientValidationEnabled = false);
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "signing.antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            // SecurityHeadersMiddleware forbids all framing (DENY, frame-ancestors 'none'), not just other sites'.
            options.SuppressXFrameOptionsHeader = true;
        });
        // Vietnamese letters are written as themselves, not as &#x...; entities.
        services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddRequestLocalization(WebLanguages.Configure);
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebOptions>>(new ProblemListValidator<WebOptions>(options => options.Problems()));
        services.AddScoped<SignedInPeople>();
        services.AddSingleton<PartialHtml>();
        return services;
    }

    /// <summary>
    /// Adds the security headers, the static files (before authentication, so the sign-in page's styles need no
    /// session), and for page requests the language and the HTML status pages.
    /// </summary>
    public static IApplicationBuilder UseWebPages(this IApplicationBuilder app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseStaticFiles();
        // On the application's own builder: a UseWhen branch cannot route the re-executed request to /error. The API's
        // status pages (problem details) sit outside this one and answer for API paths, where this one stands down.
        app.UseStatusCodePagesWithReExecute(WebPaths.Error, "?code={0}");
        app.Use((context, next) =>
        {
            if (!WebPaths.IsPage(context.Request.Path) && context.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
            {
                statusPages.Enabled = false;
            }

            return next(context);
        });
        app.UseWhen(context => WebPaths.IsPage(context.Request.Path), pages => pages.UseRequestLocalization());
        return app;
    }

    /// <summary>Maps the pages and the header's two form posts: the language switch and sign-out.</summary>
    public static IEndpointRouteBuilder MapSigningWeb(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        app.MapPost("/language", SwitchLanguageAsync).AllowAnonymous().ExcludeFromDescription();
        // Anonymous too: a person whose session already ended who presses "sign out" lands on the sign-in page.
        app.MapPost("/signout", SignOutAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<RedirectHttpResult, BadRequest>> SwitchLanguageAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        var form = await context.Request.ReadFormOrInvalidDataAsync(context.RequestAborted);
        if (WebLanguages.Parse(form["language"]) is not { } language)
        {
            return TypedResults.BadRequest();
        }

        WebLanguages.Remember(context.Response, language);
        return TypedResults.LocalRedirect(WebPaths.LocalOrHome(form["returnUrl"]));
    }

    private static async Task<Results<RedirectHttpResult, BadRequest>> SignOutAsync(HttpContext context, IAntiforgery antiforgery, SignInService signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        if (context.User.Identity?.IsAuthenticated == true)
        {
            await signIn.SignOutAsync(context, context.RequestAborted);
        }

        return TypedResults.LocalRedirect(WebPaths.SignIn);
    }
}
