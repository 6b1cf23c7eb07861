using System.Net.Http.Headers;

namespace Signing.Pki.Revocation;

/// <summary>
/// Sends one HTTP request for a PKI protocol message and reads the answer with a size cap and a
/// timeout, so a hostile or broken server cannot make us allocate or wait without bound.
/// </summary>
internal static class LimitedHttpTransport
{
    /// <summary>Posts (or GETs when <paramref name="body"/> is null) and returns the response body.</summary>
    /// <exception cref="PkiTransportException">Network failure, timeout, non-2xx status, wrong content type or oversize body.</exception>
    internal static async Task<byte[]> ExchangeAsync(
        HttpClient http,
        Uri url,
        byte[]? body,
        string? requestContentType,
        string? expectedContentType,
        int maxResponseBytes,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, url);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(requestContentType!);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var detail = response.Content.Headers.ContentType?.MediaType == "text/plain"
                    ? ": " + await ReadShortTextAsync(response, timeoutSource.Token).ConfigureAwait(false)
                    : "";
                throw new PkiTransportException(url, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{detail}");
            }

            var contentType = response.Content.Headers.ContentType?.MediaType;
            if (expectedContentType is not null && contentType is not null
                && !string.Equals(contentType, expectedContentType, StringComparison.OrdinalIgnoreCase))
            {
                throw new PkiTransportException(url, $"content type {contentType}, expected {expectedContentType}");
            }

            if (response.Content.Headers.ContentLength > maxResponseBytes)
            {
                throw new PkiTransportException(url, $"response of {response.Content.Headers.ContentLength} bytes exceeds the limit of {maxResponseBytes}");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeoutSource.Token).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, timeoutSource.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxResponseBytes)
                {
                    throw new PkiTransportException(url, $"response exceeds the limit of {maxResponseBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PkiTransportException(url, $"no answer within {timeout.TotalSeconds:0.#} s", e);
        }
        catch (HttpRequestException e)
        {
            throw new PkiTransportException(url, e.Message, e);
        }
    }

    /// <summary>The first few hundred characters of an error body, for the exception message.</summary>
    private static async Task<string> ReadShortTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[300];
        var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }
}
