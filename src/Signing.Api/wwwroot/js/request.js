// The request page: the exact revision the actions are bound to, drawn with pdf.js, with the planned signature places
// outlined (the server computed them in PDF points; pdf.js's viewport maps their corners onto the canvas); and signing with the
// USB token, where the page asks the server for a desk-signer session, hands its one-time URLs to the desk signer on
// this computer, and polls the request until the upload has completed the step. Every text shown comes from the page.
import { openPdf, renderPage } from './pdf-preview.js';
import { handToDeskSigner } from './desk-signer.js';

const preview = document.getElementById('request-preview');
if (preview) {
  showPreview(preview);
}

const deskForm = document.getElementById('desk-form');
if (deskForm) {
  deskForm.addEventListener('submit', (event) => {
    event.preventDefault();
    signAtTheDesk(deskForm);
  });
}

async function showPreview(section) {
  const canvas = section.querySelector('canvas');
  const marks = section.querySelector('.sheet__marks');
  const status = section.querySelector('.preview-status');
  const pager = section.querySelector('.pager');
  const pageStatus = pager.querySelector('.pager__status');
  const placements = [...section.querySelectorAll('.legend__item')].map((item) => ({
    kind: item.dataset.kind,
    page: Number(item.dataset.page),
    rect: item.dataset.rect.split(',').map(Number),
  }));
  let task;
  try {
    const response = await fetch(section.dataset.document, { credentials: 'same-origin' });
    if (!response.ok) {
      throw new Error(`The document answered ${response.status}.`);
    }

    task = await openPdf(new Uint8Array(await response.arrayBuffer()));
    const pdf = await task.promise;
    let current = Math.min(Math.max(Number(section.dataset.page) || 1, 1), pdf.numPages);
    const draw = async () => {
      const width = Math.min(section.clientWidth - 24 || 360, 520);
      const viewport = await renderPage(pdf, current, canvas, width);
      marks.replaceChildren(...placements.filter((p) => p.page === current).map((p) => mark(p, viewport, section.dataset)));
      pageStatus.textContent = section.dataset.pageStatus.replace('{0}', current).replace('{1}', pdf.numPages);
      pager.querySelector('[data-page-step="-1"]').disabled = current <= 1;
      pager.querySelector('[data-page-step="1"]').disabled = current >= pdf.numPages;
      section.dataset.state = 'shown';
    };
    pager.hidden = pdf.numPages < 2;
    pager.addEventListener('click', async (event) => {
      const step = Number(event.target.closest('[data-page-step]')?.dataset.pageStep);
      if (step) {
        current = Math.min(Math.max(current + step, 1), pdf.numPages);
        await draw();
      }
    });
    await draw();
  } catch (error) {
    // Some PDFs cannot be drawn; the download link still gives the exact revision.
    console.warn('PDF preview failed:', error);
    status.textContent = section.dataset.failed;
    section.dataset.state = 'failed';
    await task?.destroy();
  }
}

// An outline over the canvas where a step will draw; positioned through the CSSOM, which the policy allows.
function mark(placement, viewport, texts) {
  const [x, y, width, height] = placement.rect;
  const [left, top] = viewport.convertToViewportPoint(x, y + height);
  const [right, bottom] = viewport.convertToViewportPoint(x + width, y);
  const box = document.createElement('div');
  box.className = `mark mark--${placement.kind}`;
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', placement.kind === 'seal' ? texts.sealLabel : texts.signLabel);
  box.style.left = `${Math.min(left, right)}px`;
  box.style.top = `${Math.min(top, bottom)}px`;
  box.style.width = `${Math.abs(right - left)}px`;
  box.style.height = `${Math.abs(bottom - top)}px`;
  return box;
}

async function signAtTheDesk(form) {
  const status = document.getElementById('desk-status');
  const button = form.querySelector('button[type=submit]');
  const say = (...nodes) => status.replaceChildren(...nodes);
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: 'POST',
      body: new FormData(form),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    });
    const session = await response.json().catch(() => ({}));
    if (!response.ok) {
      say(paragraph(session.error ?? form.dataset.failed, 'stage--failed'));
      button.disabled = false;
      return;
    }

    const outcome = await handToDeskSigner(form.dataset.deskSigner, {
      FileName: session.fileName,
      FileUploadHandler: session.fileUploadHandler,
      SessionId: session.sessionId,
    });
    if (outcome === 'sent') {
      say(paragraph(form.dataset.sent), paragraph(form.dataset.waiting));
    } else {
      say(paragraph(form.dataset.unavailable), urls(form.dataset, session), paragraph(session.expires, 'hint'), paragraph(form.dataset.waiting));
    }

    await waitForSignature(form.dataset.stateUrl, form.querySelector('input[name=ExpectedSha256]').value);
    say(paragraph(form.dataset.done));
    const next = new URL(window.location.href);
    next.search = '?done=desk';
    window.location.assign(next);
  } catch (error) {
    console.warn('Desk signing failed:', error);
    say(paragraph(form.dataset.failed, 'stage--failed'));
    button.disabled = false;
  }
}

// Polls the request until the document's revision moved on (the upload completed the step) or the request left its
// route; the session lasts minutes, so the page keeps asking, slowly.
async function waitForSignature(stateUrl, shownSha256) {
  for (;;) {
    await new Promise((resolve) => { setTimeout(resolve, 2000); });
    const response = await fetch(stateUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (response.ok) {
      const state = await response.json();
      if (state.headSha256 !== shownSha256 || state.state !== 'in-progress') {
        return;
      }
    }
  }
}

function paragraph(text, className) {
  const p = document.createElement('p');
  p.textContent = text;
  if (className) {
    p.className = className;
  }
  return p;
}

function urls(texts, session) {
  const list = document.createElement('dl');
  list.className = 'facts';
  for (const [label, value] of [[texts.fileLabel, session.fileName], [texts.uploadLabel, session.fileUploadHandler]]) {
    const term = document.createElement('dt');
    term.textContent = label;
    const code = document.createElement('code');
    code.className = 'hash';
    code.textContent = value;
    const definition = document.createElement('dd');
    definition.append(code);
    list.append(term, definition);
  }
  return list;
}
