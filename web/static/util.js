// Small helpers every part of the player shares: storage that never throws, building
// elements, formatting times, the API's address and its JSON replies.

export const store = safeStorage();

function safeStorage() {
  // Private modes and sandboxed iframes can throw on any localStorage access.
  try {
    const s = window.localStorage;
    s.setItem("listen:probe", "1");
    s.removeItem("listen:probe");
    return s;
  } catch (e) {
    const mem = new Map();
    return { getItem: (k) => (mem.has(k) ? mem.get(k) : null), setItem: (k, v) => mem.set(k, String(v)), removeItem: (k) => mem.delete(k) };
  }
}

export function formatTime(seconds) {
  if (!isFinite(seconds) || seconds < 0) seconds = 0;
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

export function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

export function apiBase(root) {
  const base = root.dataset.api || new URL("/api/v1/", document.baseURI).href;
  return base.endsWith("/") ? base : base + "/";
}

export async function getJSON(url, init) {
  const resp = await fetch(url, init);
  let body = null;
  try {
    body = await resp.json();
  } catch (e) {
    /* not JSON: reported below */
  }
  if (!resp.ok) {
    const msg = body && body.error && body.error.message ? body.error.message : `The server answered ${resp.status}.`;
    const err = new Error(msg);
    err.status = resp.status;
    throw err;
  }
  return body;
}
