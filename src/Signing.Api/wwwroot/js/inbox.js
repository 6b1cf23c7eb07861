// Bulk signing from the inbox without a reload: the form (with the ticked rows, which belong to it through their
// form attribute) is posted for server-sent events, and each document's outcome is listed as soon as the server has
// signed or refused it; a signed row is marked in the table. Without script the form posts normally and the page comes
// back with the same outcomes. Every text shown comes from the page or the server, in the person's language.
import { postForEvents } from './live.js';

const form = document.getElementById('bulk-form');
if (form) {
  const progress = document.getElementById('bulk-progress');
  const lines = document.getElementById('bulk-lines');
  const button = form.querySelector('button[type=submit]');

  const add = (text, className) => {
    const item = document.createElement('li');
    item.textContent = text;
    if (className) {
      item.className = className;
    }
    lines.append(item);
  };

  const markSigned = (requestId) => {
    const row = document.querySelector(`tr[data-request="${CSS.escape(requestId)}"]`);
    const box = row?.querySelector('input[type=checkbox]');
    if (box) {
      box.checked = false;
      box.disabled = true;
    }
    const state = row?.querySelector('.row-state');
    if (state) {
      state.textContent = form.dataset.rowSigned;
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const url = new URL(form.action);
    url.searchParams.set('handler', form.dataset.streamHandler);
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    lines.replaceChildren();
    progress.hidden = false;
    try {
      await postForEvents(url, new FormData(form), (name, data) => {
        if (name === 'item') {
          add(data.text, data.signed ? 'stage--done' : 'stage--failed');
          if (data.signed) {
            markSigned(data.requestId);
          }
        } else if (name === 'failed') {
          add(data.text, 'stage--failed');
        } else {
          add(data.text);
        }
      });
    } catch {
      add(form.dataset.connectionFailed, 'stage--failed');
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
      form.querySelectorAll('input[type=password], input[autocomplete=one-time-code]').forEach((input) => { input.value = ''; });
    }
  });
}
