// Draws PDF pages into a canvas with pdf.js (pdfjs-dist from npm, copied into wwwroot/lib by the build). pdf.js runs its
// parser in a worker served from this site, which the Content-Security-Policy allows; no inline script or eval is needed.

const library = new URL('../lib/pdfjs/pdf.min.mjs', import.meta.url);
const worker = new URL('../lib/pdfjs/pdf.worker.min.mjs', import.meta.url);
const standardFonts = new URL('../lib/pdfjs/standard_fonts/', import.meta.url);

/**
 * Opens a PDF from its bytes. Resolves to pdf.js's loading task: `task.promise` is the document, `task.destroy()`
 * frees the worker when the caller is done with it.
 */
export async function openPdf(bytes) {
  const pdfjs = await import(library.href);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.href;
  return pdfjs.getDocument({
    data: bytes,
    standardFontDataUrl: standardFonts.href,
    // WebAssembly would need 'wasm-unsafe-eval' in the policy; the image decoders it speeds up are rare in documents.
    useWasm: false,
  });
}

/**
 * Renders page `number` of an open document into `canvas`, at most `width` CSS pixels wide. Resolves to the viewport in
 * CSS pixels, whose convertToViewportPoint maps PDF points (from the page's lower-left corner) onto the canvas.
 */
export async function renderPage(pdf, number, canvas, width) {
  const page = await pdf.getPage(number);
  const natural = page.getViewport({ scale: 1 });
  const scale = width / natural.width;
  const pixels = window.devicePixelRatio || 1;
  const viewport = page.getViewport({ scale: scale * pixels });
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.style.width = `${Math.floor(viewport.width / pixels)}px`;
  canvas.style.height = `${Math.floor(viewport.height / pixels)}px`;
  await page.render({ canvas, viewport }).promise;
  return page.getViewport({ scale });
}

/** Renders page 1 of `file` (a File the person chose; it never leaves the browser) into `canvas`; resolves to the page count. */
export async function renderFirstPage(file, canvas, width) {
  const task = await openPdf(new Uint8Array(await file.arrayBuffer()));
  try {
    const pdf = await task.promise;
    await renderPage(pdf, 1, canvas, width);
    return pdf.numPages;
  } finally {
    await task.destroy();
  }
}
