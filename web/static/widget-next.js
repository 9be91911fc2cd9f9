// The widget's next article (data-next), loaded by widget.js only when an article ends.
//
//   data-next="auto"            the item after this page in the site's feed (/feed.xml), else the
//                               item after it among this server's articles from the same site
//   data-next="ID or URL,..."   the publisher's list, in order
//
// It says "Next: <title>" with a Cancel button for a few seconds, then hands the next article's
// embed to widget.js (w.swap), which plays it in the same frame, so a docked bar stays docked.
// `w` is widget.js's: {spec, base, key, box, style, url (the page read, if any), swap(embedUrl, title)}.

const WAIT_MS = 5000; // long enough to read the notice and cancel
const ID = /^[0-9a-f]{64}$/;
const STYLE =
  ".next{display:flex;gap:.75em;align-items:center;font:14px/1.4 system-ui,sans-serif;color:#1d1b18;" +
  "background:#f4f1ea;border-radius:8px;padding:.4em .75em;margin-top:4px}" +
  ".next b{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:600}" +
  ".next button{font:inherit;border:1px solid #8a847a;border-radius:6px;background:#fff;color:#1d1b18;" +
  "padding:.2em .75em;cursor:pointer}.next button:focus-visible{outline:3px solid #1a5fd0}";

/** The article that played has ended: announce the next one, and play it unless cancelled. */
export async function upNext(w) {
  if (w.busy) return; // the frame reports the end twice (pause, then ended)
  w.busy = true;
  try {
    const chosen = await pick(w);
    if (chosen && (await announce(w, chosen.title))) {
      const made = await resolve(w, chosen);
      w.url = chosen.url || null;
      w.done = (w.done || 0) + 1;
      w.swap(made.embed_url || w.base + "embed/" + encodeURIComponent(made.id), chosen.title);
    }
  } catch (e) {
    // No next article to be had (no feed, the server refused it): the player simply stops.
  } finally {
    w.busy = false;
  }
}

// The next entry: {id} or {url}, with a title when one is known.
async function pick(w) {
  if (w.spec.toLowerCase() !== "auto") {
    const listed = w.spec.split(",").map((s) => s.trim()).filter(Boolean);
    const entry = listed[w.done || 0];
    if (!entry) return null;
    if (ID.test(entry)) return { id: entry, title: await titleOf(w, entry) };
    return { url: new URL(entry, location.href).href, title: "" };
  }
  const here = w.url || location.href;
  return (await after(here, await feedItems(new URL("/feed.xml", location.href).href))) ||
    (await after(here, (await feedItems(w.base + "feed.xml")).filter((i) => sameSite(i.url))));
}

// The item after `here` in a feed's list (newest first: the next older one), or its first
// item when `here` is not in it; never `here` itself.
function after(here, items) {
  const at = items.findIndex((i) => same(i.url, here));
  const item = at >= 0 ? items[at + 1] : items.find((i) => !same(i.url, here));
  return item ? { url: item.url, title: item.title } : null;
}

async function feedItems(address) {
  try {
    const r = await fetch(address, { credentials: "omit" });
    if (!r.ok) return [];
    const xml = new DOMParser().parseFromString(await r.text(), "application/xml");
    return [...xml.querySelectorAll("item, entry")]
      .map((item) => {
        const link = item.querySelector("link");
        const url = link && (link.getAttribute("href") || link.textContent.trim());
        const title = item.querySelector("title");
        return { url: url ? new URL(url, address).href : "", title: title ? title.textContent.trim() : "" };
      })
      .filter((i) => i.url);
  } catch (e) {
    return [];
  }
}

const key = (u) => {
  const x = new URL(u);
  return x.origin + x.pathname.replace(/\/$/, "");
};
const same = (a, b) => key(a) === key(b);
const sameSite = (u) => new URL(u).host === location.host;

async function titleOf(w, id) {
  try {
    const r = await fetch(w.base + "api/v1/articles/" + id + "?since=999999", { credentials: "omit" });
    return r.ok ? (await r.json()).title || "" : "";
  } catch (e) {
    return "";
  }
}

// An id is ready to embed; a URL is posted to the API (which finds it if it was read before).
async function resolve(w, chosen) {
  if (chosen.id) return { id: chosen.id };
  const headers = { "Content-Type": "application/json" };
  if (w.key) headers["X-API-Key"] = w.key;
  const r = await fetch(w.base + "api/v1/articles", {
    method: "POST",
    headers,
    body: JSON.stringify({ url: chosen.url }),
    credentials: "omit",
  });
  const made = await r.json();
  if (!r.ok) throw new Error((made.error && made.error.message) || "status " + r.status);
  if (!chosen.title) chosen.title = await titleOf(w, made.id);
  return made;
}

// "Next: <title>" with a Cancel button; resolves true once the wait is over, false if cancelled.
function announce(w, title) {
  if (!w.styled) w.style.textContent += STYLE;
  w.styled = true;
  const box = document.createElement("div");
  box.className = "next";
  box.setAttribute("role", "status");
  const name = document.createElement("b");
  name.textContent = "Next: " + (title || "the next article");
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.textContent = "Cancel";
  box.append(name, cancel);
  w.box.appendChild(box);
  return new Promise((done) => {
    const timer = setTimeout(() => {
      box.remove();
      done(true);
    }, WAIT_MS);
    cancel.addEventListener("click", () => {
      clearTimeout(timer);
      box.remove();
      done(false);
    });
  });
}
