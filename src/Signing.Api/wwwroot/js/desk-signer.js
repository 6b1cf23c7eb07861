// The GCC desk signer: a program on the official's own computer that listens on a local WebSocket
// (wss://127.0.0.1:8987 by default), downloads a document from a one-time URL, signs it with the USB token and uploads
// the result to another one-time URL. Its protocol is not published, so this module only hands it one JSON message
// naming the two URLs (FileName, FileUploadHandler, as the service calls them) and the session, and says whether
// anything was listening. The upload itself goes from the desk signer to the service; the page learns of it by polling.

/**
 * Opens `url`, sends `message` as JSON, and resolves to 'sent' once it went out, or to 'unavailable' when nothing
 * answers within `timeoutMs` (no desk signer running, a refused certificate, a blocked connection).
 */
export function handToDeskSigner(url, message, timeoutMs = 4000) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome, socket) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
        // The desk signer may answer; the page does not need its words, only the upload it makes.
        setTimeout(() => socket?.close(), outcome === 'sent' ? 1000 : 0);
      }
    };
    let socket;
    const timer = setTimeout(() => settle('unavailable', socket), timeoutMs);
    try {
      socket = new WebSocket(url);
    } catch {
      settle('unavailable');
      return;
    }

    socket.addEventListener('open', () => {
      socket.send(JSON.stringify(message));
      settle('sent', socket);
    });
    socket.addEventListener('error', () => settle('unavailable', socket));
    socket.addEventListener('close', () => settle('unavailable', socket));
  });
}
