using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewEngines;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Options;

namespace Signing.Api.Features.Web.Live;

/// <summary>
/// Renders a Razor partial view to HTML text, so that a streamed answer sends the same server-rendered markup a whole
/// page would show (the page embeds the partial; the event carries it), and no markup is written twice.
/// </summary>
public sealed class PartialHtml(
    ICompositeViewEngine views, IModelMetadataProvider metadata, ITempDataDictionaryFactory tempData, IOptions<MvcViewOptions> viewOptions)
{
    /// <summary>Renders the partial at <paramref name="viewPath"/> (an app-relative path) with <paramref name="model"/>.</summary>
    /// <exception cref="InvalidOperationException">No view lives at <paramref name="viewPath"/>.</exception>
    public async Task<string> RenderAsync<TModel>(ActionContext context, string viewPath, TModel model)
    {
        ArgumentNullException.ThrowIfNull(context);
        var found = views.GetView(executingFilePath: null, viewPath, isMainPage: false);
        if (!found.Success)
        {
            throw new InvalidOperationException($"No partial view at '{viewPath}' (searched {string.Join(", ", found.SearchedLocations)}).");
        }

        await using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var viewData = new ViewDataDictionary<TModel>(metadata, context.ModelState) { Model = model };
        var viewContext = new ViewContext(context, found.View, viewData, tempData.GetTempData(context.HttpContext), writer,
            viewOptions.Value.HtmlHelperOptions);
        await found.View.RenderAsync(viewContext);
        return writer.ToString();
    }
}
