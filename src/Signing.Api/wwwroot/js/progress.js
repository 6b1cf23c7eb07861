// Live progress for long work a form starts (a mapping import, a dossier rendering). A form marked with
// data-progress-handler is posted to that page handler for server-sent events (WorkEvents on the server, read with
// postForEvents from live.js, the mechanism bulk signing uses): `progress` events move the bar and say the phase,
// `done` shows the outcome (server-rendered HTML for data-progress-target, or a file to save), `failed` says why.
// Without script the form posts normally and the page (or the file) comes back with the same outcome. Every text shown
// comes from the page or the server, in the person's language.
import { postForEvents } from './live.js';

// A file sent in the done event: { name, type, base64 }, offered as a link to save.
function fileLink(file, label) {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([bytes], { type: file.type }));
  link.download = file.name;
  link.textContent = label;
  return link;
}

for (const form of document.querySelectorAll('form[data-progress-handler]')) {
  const panel = document.getElementById(form.dataset.progressPanel);
  const bar = panel.querySelector('progress');
  const text = panel.querySelector('.progress__text');
  const result = panel.querySelector('.progress__result');
  const target = form.dataset.progressTarget ? document.getElementById(form.dataset.progressTarget) : null;
  const button = form.querySelector('button[type=submit]');

  const show = (done, total) => {
    if (total > 0) {
      bar.max = total;
      bar.value = done;
    } else {
      // A phase that is not counted: the bar shows work going on.
      bar.removeAttribute('value');
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const url = new URL(form.action);
    url.searchParams.set('handler', form.dataset.progressHandler);
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    panel.hidden = false;
    panel.classList.remove('progress--failed');
    panel.dataset.state = 'running';
    result.replaceChildren();
    show(0, 0);
    try {
      await postForEvents(url, new FormData(form), (name, data) => {
        text.textContent = data.text;
        if (name === 'progress') {
          show(data.done, data.total);
        } else if (name === 'done') {
          bar.max = 1;
          bar.value = 1;
          panel.dataset.state = 'done';
          if (data.html && target) {
            // Server-rendered and HTML-encoded by Razor, like the page itself.
            target.innerHTML = data.html;
          }
          if (data.file) {
            const link = fileLink(data.file, form.dataset.fileLabel);
            result.append(link);
            link.focus();
          }
        } else if (name === 'failed') {
          bar.value = 0;
          panel.classList.add('progress--failed');
          panel.dataset.state = 'failed';
        }
      });
    } catch {
      text.textContent = form.dataset.connectionFailed;
      panel.classList.add('progress--failed');
      panel.dataset.state = 'failed';
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}
