// Live progress for work a form starts: the form is posted with fetch and the server answers with server-sent events
// (text/event-stream) on that same response, written by EventStreamResult (Features/Web/Live/EventStream.cs). The work
// lives in the request, so nothing has to be shared between nodes. EventSource cannot post a form (or its antiforgery
// token), hence fetch and a small parser.

/**
 * Posts `body` to `url` and calls `onEvent(name, data)` for each event as it arrives; `data` is the parsed JSON.
 * Resolves when the server ends the stream. Rejects with an Error carrying `status` when the server answers with
 * anything but an event stream (a refused token, a status page, a lost connection).
 */
export async function postForEvents(url, body, onEvent, { signal } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { Accept: 'text/event-stream' },
    credentials: 'same-origin',
    signal,
  });
  const type = response.headers.get('Content-Type') ?? '';
  if (!response.ok || !type.startsWith('text/event-stream')) {
    const error = new Error(`The server answered ${response.status} instead of an event stream.`);
    error.status = response.status;
    throw error;
  }

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }

    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      dispatch(buffer.slice(0, end), onEvent);
      buffer = buffer.slice(end + 2);
    }
  }
}

// One event block: "event: name" and "data: ..." lines; lines starting with ':' are comments (keep-alives).
function dispatch(block, onEvent) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) {
      continue;
    }

    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') {
      name = value;
    } else if (field === 'data') {
      data.push(value);
    }
  }

  if (data.length > 0) {
    onEvent(name, JSON.parse(data.join('\n')));
  }
}
