using Signing.Api.Features.Accounts;
using Signing.Api.Features.Audit;
using Signing.Api.Features.Auth;
using Signing.Api.Features.Credentials;
using Signing.Api.Features.Csc;
using Signing.Api.Features.Demo;
using Signing.Api.Features.DeskSign;
using Signing.Api.Features.DevPki;
using Signing.Api.Features.Jobs;
using Signing.Api.Features.Keys;
using Signing.Api.Features.Limits;
using Signing.Api.Features.Notifications;
using Signing.Api.Features.SignatureRequests;
using Signing.Api.Features.Signing;
using Signing.Api.Features.Tokens;
using Signing.Api.Features.Verification;
using Signing.Api.Features.Web;
using Signing.Api.Features.Webhooks;
using Signing.Api.Hosting;
using Signing.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceHosting();
builder.Services.AddSigningStorage();
builder.Services.AddSigningAuthentication();
builder.Services.AddSigningTokens();
builder.Services.AddSigningLimits();
builder.Services.AddSigningServices();
builder.Services.AddSigningVerification();
builder.Services.AddDeskSigning();
builder.Services.AddSigningCredentials();
builder.Services.AddJobs();
builder.Services.AddWebhooks();
builder.Services.AddNotifications();
builder.Services.AddSignatureRequests();
builder.Services.AddDemoSeeding();
builder.Services.AddSigningWeb();

var app = builder.Build();
await app.Services.GetRequiredService<MigrationRunner>().ApplyAsync(app.Lifetime.ApplicationStopping);
await app.Services.GetRequiredService<ConfigurationAudit>().RecordIfChangedAsync(app.Lifetime.ApplicationStopping);

app.UseServiceHosting();
app.MapAuthEndpoints();
app.MapAccountEndpoints();
app.MapAuditEndpoints();
app.MapKeyEndpoints();
app.MapDevPkiEndpoints();
app.MapSignEndpoints();
app.MapVerifyEndpoints();
app.MapCscEndpoints();
app.MapDeskSignEndpoints();
app.MapCredentialEndpoints();
app.MapWebhookEndpoints();
app.MapNotificationEndpoints();
app.MapSignatureRequestEndpoints();
app.MapSigningWeb();

await app.RunAsync();

/// <summary>Entry point, visible to integration tests.</summary>
public partial class Program;
