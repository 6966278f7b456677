// Secure messages: a live thread on both sides of a case. The page works
// without this script (the form posts and redirects back; a reload shows
// new messages). With it:
//
// - the thread (#meddelanden-lista) follows its event stream
//   (data-thread-events), which says only that the thread changed and its
//   version; the script then fetches the thread again (data-thread-fragment),
//   drawn by the server through the policy layer, and puts it in place;
// - the form posts by fetch with ?svar=lista and puts the thread it gets
//   back in place, so the writer sees their message at once, and a
//   refused message shows its reason at the field without a reload.
'use strict';

(function () {
  const region = document.getElementById('meddelanden-lista');
  if (!region || !('fetch' in window)) return;
  const status = document.getElementById('meddelanden-status');
  const form = document.getElementById('meddelande-form');
  let version = Number(region.dataset.version) || 0;
  let busy = false;
  let again = false;

  function announce(text) {
    if (!status) return;
    status.textContent = '';
    window.setTimeout(() => { status.textContent = text; }, 50);
  }

  // Puts a thread (HTML from the server) in place; false when it is not one.
  function place(html, quiet) {
    const parsed = new DOMParser().parseFromString(html, 'text/html');
    const fresh = parsed.getElementById(region.id);
    if (!fresh) return false;
    const focused = document.activeElement;
    const keep = focused && region.contains(focused) && focused.id ? focused.id : null;
    region.replaceChildren(...fresh.childNodes);
    version = Math.max(version, Number(fresh.dataset.version) || 0);
    region.dataset.version = String(version);
    if (keep) {
      const el = document.getElementById(keep);
      (el || region).focus({ preventScroll: true });
    }
    if (!quiet) announce(region.dataset.updated);
    return true;
  }

  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const res = await fetch(region.dataset.threadFragment, {
        credentials: 'same-origin',
        headers: { Accept: 'text/html' },
        cache: 'no-store',
      });
      if (res.ok) place(await res.text(), false);
    } catch (e) {
      // The network failed: the next change, or a reload, brings it.
    } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }

  if ('EventSource' in window && region.dataset.threadEvents) {
    let retry = 3000;
    const open = () => {
      const source = new EventSource(region.dataset.threadEvents + '?version=' + version);
      source.addEventListener('open', () => { retry = 3000; });
      source.addEventListener('change', (e) => {
        let news;
        try { news = JSON.parse(e.data); } catch (err) { return; }
        if (news.version === 0 || news.version > version) refresh();
      });
      source.addEventListener('error', () => {
        source.close();
        window.setTimeout(open, retry);
        retry = Math.min(retry * 2, 60000);
      });
    };
    open();
  }

  if (!form || !('FormData' in window)) return;
  const text = document.getElementById('message-text');
  const files = document.getElementById('message-files');
  const error = document.getElementById('message-error');
  const button = form.querySelector('button[type="submit"]');

  function showError(message) {
    error.textContent = message;
    error.hidden = false;
    text.setAttribute('aria-invalid', 'true');
    text.setAttribute('aria-describedby', error.id);
    text.focus();
  }

  function clearError() {
    error.textContent = '';
    error.hidden = true;
    text.removeAttribute('aria-invalid');
    text.removeAttribute('aria-describedby');
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    const label = button.textContent;
    button.textContent = form.dataset.sending;
    try {
      const res = await fetch(form.action + '?svar=lista', {
        method: 'POST',
        body: new FormData(form),
        credentials: 'same-origin',
        headers: { Accept: 'text/html' },
      });
      const body = await res.text();
      if (res.ok && place(body, true)) {
        text.value = '';
        if (files) files.value = '';
        clearError();
        announce(region.dataset.updated);
      } else if (res.status === 400 || res.status === 409) {
        showError(body);
      } else {
        showError(form.dataset.network);
      }
    } catch (err) {
      showError(form.dataset.network);
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
})();
