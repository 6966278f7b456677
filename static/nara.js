// Nära's script only adds to pages that already work without it.
//
// Live pages: an element with data-events and data-fragment is a region
// that follows a record. The server's event stream (data-events) says
// only that the record changed and its version; the script then fetches
// the region again (data-fragment, rendered by the same code as the page,
// through the policy layer) and puts it in place, keeping the keyboard
// focus where it was and saying so in the page's status region. Without
// this script the page is complete; a reload shows the same.
'use strict';

(function () {
  const region = document.querySelector('[data-events][data-fragment]');
  if (!region || !('EventSource' in window) || !('fetch' in window)) return;
  const status = document.getElementById('live-status');
  let version = Number(region.dataset.version) || 0;
  let source = null;
  let retry = 3000;
  let busy = false;
  let again = false;

  const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]';

  // Where the keyboard focus is inside the region: the nearest element
  // with an id, and which of its focusable elements has it.
  function focusKey(root) {
    const el = document.activeElement;
    if (!el || el === root || !root.contains(el)) return null;
    if (el.id) return { id: el.id, n: -1 };
    const box = el.closest('[id]');
    return { id: box.id, n: [...box.querySelectorAll(FOCUSABLE)].indexOf(el) };
  }

  // Puts the focus back after the region was replaced; when that element
  // is gone, on the region itself rather than lost to the page.
  function restoreFocus(key, root) {
    const box = document.getElementById(key.id);
    const el = box && key.n >= 0 ? box.querySelectorAll(FOCUSABLE)[key.n] || box : box;
    if (el) el.focus({ preventScroll: true });
    if (document.activeElement !== el) root.focus({ preventScroll: true });
  }

  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const res = await fetch(region.dataset.fragment, {
        credentials: 'same-origin',
        headers: { Accept: 'text/html' },
        cache: 'no-store',
      });
      if (!res.ok) return;
      const html = await res.text();
      const parsed = new DOMParser().parseFromString(html, 'text/html');
      const fresh = parsed.getElementById(region.id);
      if (!fresh) return;
      const keep = focusKey(region);
      region.replaceChildren(...fresh.childNodes);
      version = Number(fresh.dataset.version) || version;
      region.dataset.version = String(version);
      if (keep) restoreFocus(keep, region);
      if (status) {
        // A change of text is what a screen reader announces.
        status.textContent = '';
        window.setTimeout(() => { status.textContent = region.dataset.updated; }, 50);
      }
    } catch (e) {
      // The network failed: the next change, or a reload, brings it.
    } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }

  function open() {
    source = new EventSource(region.dataset.events + '?version=' + version);
    source.addEventListener('open', () => { retry = 3000; });
    source.addEventListener('change', (e) => {
      let news;
      try { news = JSON.parse(e.data); } catch (err) { return; }
      // Version 0: something may have changed, look again.
      if (news.version === 0 || news.version > version) refresh();
    });
    // The stream ended (the server restarted, the login ended, too many
    // open pages): try again later, less often each time, from the
    // version the page shows now.
    source.addEventListener('error', () => {
      source.close();
      window.setTimeout(open, retry);
      retry = Math.min(retry * 2, 60000);
    });
  }

  open();
})();
