// Draws page 1 of a PDF the person chose into a canvas with pdf.js (pdfjs-dist from npm, copied into wwwroot/lib by the
// build). The file never leaves the browser for this. pdf.js runs its parser in a worker served from this site, which
// the Content-Security-Policy allows; no inline script or eval is needed.

const library = new URL('../lib/pdfjs/pdf.min.mjs', import.meta.url);
const worker = new URL('../lib/pdfjs/pdf.worker.min.mjs', import.meta.url);
const standardFonts = new URL('../lib/pdfjs/standard_fonts/', import.meta.url);

/** Renders page 1 of `file` into `canvas`, at most `width` CSS pixels wide; resolves to the page count. */
export async function renderFirstPage(file, canvas, width) {
  const pdfjs = await import(library.href);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.href;
  const task = pdfjs.getDocument({
    data: new Uint8Array(await file.arrayBuffer()),
    standardFontDataUrl: standardFonts.href,
    // WebAssembly would need 'wasm-unsafe-eval' in the policy; the image decoders it speeds up are rare in documents.
    useWasm: false,
  });
  try {
    const pdf = await task.promise;
    const page = await pdf.getPage(1);
    const natural = page.getViewport({ scale: 1 });
    const scale = width / natural.width;
    const pixels = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: scale * pixels });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = `${Math.floor(viewport.width / pixels)}px`;
    canvas.style.height = `${Math.floor(viewport.height / pixels)}px`;
    await page.render({ canvas, viewport }).promise;
    return pdf.numPages;
  } finally {
    await task.destroy();
  }
}
