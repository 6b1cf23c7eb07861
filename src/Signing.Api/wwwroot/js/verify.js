// The verify page without reloads: page 1 of the chosen PDF is previewed with pdf.js, and "check" posts the form for
// server-sent events, showing each stage as the server reports it and then the server-rendered results. Without
// script the form posts normally and the page comes back with the same results. Every text shown here comes from
// the page (data attributes) or the server, in the person's language.
import { postForEvents } from './live.js';
import { renderFirstPage } from './pdf-preview.js';

const form = document.getElementById('verify-form');
const input = form.querySelector('input[type=file]');
const preview = document.getElementById('verify-preview');
const previewStatus = document.getElementById('preview-status');
const canvas = preview.querySelector('canvas');
const progress = document.getElementById('verify-progress');
const stages = document.getElementById('verify-stages');
const results = document.getElementById('verify-results');

const format = (template, ...values) => template.replace(/\{(\d+)\}/g, (_, index) => String(values[Number(index)]));

input.addEventListener('change', async () => {
  const file = input.files[0];
  results.replaceChildren();
  if (!file) {
    preview.hidden = true;
    return;
  }

  preview.hidden = false;
  preview.dataset.state = 'loading';
  previewStatus.textContent = '';
  try {
    const pages = await renderFirstPage(file, canvas, Math.min(preview.clientWidth || 360, 480));
    previewStatus.textContent = format(preview.dataset.shown, pages);
    preview.dataset.state = 'shown';
  } catch (error) {
    // Not an error of the page: some PDFs cannot be drawn, and their signatures can still be checked.
    console.warn('PDF preview failed:', error);
    canvas.width = 0;
    canvas.height = 0;
    previewStatus.textContent = preview.dataset.failed;
    preview.dataset.state = 'failed';
  }
});

form.addEventListener('submit', async (event) => {
  // The report button downloads a file: the browser's own form post does that best.
  if (event.submitter?.hasAttribute('data-plain-submit')) {
    return;
  }

  event.preventDefault();
  const url = new URL(form.action);
  url.searchParams.set('handler', form.dataset.streamHandler);
  const buttons = form.querySelectorAll('button');
  buttons.forEach((button) => { button.disabled = true; });
  stages.replaceChildren();
  results.replaceChildren();
  progress.hidden = false;
  form.setAttribute('aria-busy', 'true');
  try {
    await postForEvents(url, new FormData(form), (name, data) => {
      if (name === 'stage' || name === 'failed') {
        const item = document.createElement('li');
        item.textContent = data.text;
        if (name === 'failed') {
          item.className = 'stage--failed';
        }
        stages.append(item);
      } else if (name === 'result') {
        // Server-rendered and HTML-encoded by Razor, like the page itself.
        results.innerHTML = data.html;
        results.querySelector('h2')?.focus();
      }
    });
  } catch {
    const item = document.createElement('li');
    item.className = 'stage--failed';
    item.textContent = form.dataset.connectionFailed;
    stages.append(item);
  } finally {
    buttons.forEach((button) => { button.disabled = false; });
    form.removeAttribute('aria-busy');
  }
});
