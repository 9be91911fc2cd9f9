// The "more" controls, behind the ⋯ button: paragraph steps and the chapter list, captions,
// volume and mute, the transcript and captions files, and naming the downloads after the title.
//
// Kept apart from the Player class: they only listen to its events and drive its audio.
// They sit in one panel: always open beside the text on a wide page, behind the ⋯ button in
// the embed, the bar and on phones, so the main row keeps fitting from 280 px up.

import { el, formatTime, store } from "./util.js";

const CHAPTER_WORDS = 6;
const CHAPTER_CHARS = 22; // what the menu shows whole beside its buttons in the narrowest panel
// Drawn, not typed: the media-control characters are missing from many fonts (and headless Chromium).
const ICONS = {
  prev: "M6 5h2v14H6zM20 5v14L9 12z",
  next: "M16 5h2v14h-2zM4 5v14l11-7z",
  sound: "M4 9v6h4l5 4V5L8 9H4zm12.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4z",
  muted: "M4 9v6h4l5 4V5L8 9H4zm11.3.7 1.4-1.4 2.3 2.3 2.3-2.3 1.4 1.4-2.3 2.3 2.3 2.3-1.4 1.4-2.3-2.3-2.3 2.3-1.4-1.4 2.3-2.3z",
};

function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "18");
  svg.setAttribute("height", "18");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("fill", "currentColor");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

/** A file name from a title, as the server makes it: "US resumes drug…" -> "us-resumes-drug…". */
export function slugify(title) {
  const fold = { ß: "ss", æ: "ae", ø: "o", œ: "oe", ł: "l", đ: "d", þ: "th", ı: "i" };
  let text = String(title || "").toLowerCase().replace(/[ßæøœłđþı]/g, (c) => fold[c]);
  text = text.normalize("NFKD").replace(/[^\x00-\x7f]/g, "").replace(/['’`]/g, "");
  const words = text.match(/[a-z0-9]+/g) || [];
  let name = "";
  for (const w of words) {
    const longer = name ? `${name}-${w}` : w;
    if (longer.length > 60) break;
    name = longer;
  }
  return name || (words.length ? words[0].slice(0, 60) : "article");
}

/** Chapters: the headline at 0, then each paragraph at its first sentence, named by its first words. */
export function chaptersOf(sentences, title) {
  const out = [];
  const seen = new Set();
  for (const s of sentences) {
    if (typeof s.start_ms !== "number" || seen.has(s.paragraph)) continue;
    seen.add(s.paragraph);
    const start = s.paragraph < 0 ? 0 : s.start_ms / 1000;
    out.push({ start, paragraph: s.paragraph, label: chapterLabel(s.paragraph < 0 ? title || s.text : s.text) });
  }
  return out;
}

/** A chapter's name: its first words, as many as fit the menu (up to six), then "…". */
function chapterLabel(text) {
  const words = text.split(/\s+/).filter(Boolean);
  let label = "";
  for (const w of words.slice(0, CHAPTER_WORDS)) {
    const longer = label ? `${label} ${w}` : w;
    if (label && longer.length > CHAPTER_CHARS) break;
    label = longer;
  }
  if (label.length > CHAPTER_CHARS) label = label.slice(0, CHAPTER_CHARS - 1);
  return label.length < words.join(" ").length ? `${label}…` : label;
}

export function buildExtras(p, panel) {
  const x = {};
  p.extras = x;
  x.moreBtn = el("button", { type: "button", class: "lp-btn lp-more", "aria-label": "More controls", "aria-expanded": "false", title: "Chapters, captions, volume, transcript" }, "⋯");
  x.panel = el("div", { class: "lp-extras", role: "group", "aria-label": "More controls" });
  x.prevBtn = el("button", { type: "button", class: "lp-btn lp-prev", "aria-label": "Previous paragraph", title: "Previous paragraph" });
  x.nextBtn = el("button", { type: "button", class: "lp-btn lp-next", "aria-label": "Next paragraph", title: "Next paragraph" });
  x.chapters = el("select", { class: "lp-chapters", "aria-label": "Chapters" });
  x.ccBtn = el("button", { type: "button", class: "lp-btn lp-cc", "aria-pressed": "false", "aria-label": "CC: captions", title: "Show the sentence being read" }, "CC");
  x.muteBtn = el("button", { type: "button", class: "lp-btn lp-mute", "aria-label": "Mute", "aria-pressed": "false" });
  x.volume = el("input", { type: "range", class: "lp-volume", min: "0", max: "1", step: "0.05", value: "1", "aria-label": "Volume" });
  x.text = el("a", { class: "lp-btn lp-transcript", "aria-label": "Download the transcript as text" }, "Text");
  x.vtt = el("a", { class: "lp-btn lp-vtt", "aria-label": "Download the captions as WebVTT" }, "VTT");
  x.prevBtn.append(icon("prev"));
  x.nextBtn.append(icon("next"));
  const nav = el("span", { class: "lp-group lp-nav" });
  nav.append(x.prevBtn, x.chapters, x.nextBtn);
  const sound = el("span", { class: "lp-group lp-sound" });
  sound.append(x.muteBtn, x.volume);
  const files = el("span", { class: "lp-group lp-files" });
  files.append(x.ccBtn, x.text, x.vtt);
  x.panel.append(nav, sound, files);
  x.caption = el("p", { class: "lp-caption", "aria-live": "off", hidden: true });
  // Beside the time, not in the main row: the seek bar gives way, so the row still fits 280 px.
  panel.querySelector(".lp-seekrow").append(x.moreBtn);
  p.titleEl.after(x.caption);
  panel.append(x.panel);
  x.chapterList = [];
  x.captions = store.getItem("listen:captions") === "1";

  const wide = window.matchMedia("(min-width: 800px)");
  const alwaysOpen = () => !p.compact && wide.matches;
  const setOpen = (open) => {
    x.open = open;
    x.panel.hidden = !open && !alwaysOpen();
    x.moreBtn.setAttribute("aria-expanded", String(!x.panel.hidden));
    p.root.classList.toggle("lp-extras-open", !x.panel.hidden && !alwaysOpen());
  };
  setOpen(false);
  if (wide.addEventListener) wide.addEventListener("change", () => setOpen(x.open));
  x.moreBtn.addEventListener("click", () => setOpen(!x.open));
  p.root.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && x.open) {
      setOpen(false);
      x.moreBtn.focus();
    }
  });

  x.prevBtn.addEventListener("click", () => stepChapter(p, -1));
  x.nextBtn.addEventListener("click", () => stepChapter(p, 1));
  x.chapters.addEventListener("change", () => {
    const c = x.chapterList[Number(x.chapters.value)];
    if (c) {
      p.seekTo(c.start + 0.001);
      p.play();
    }
  });
  x.ccBtn.addEventListener("click", () => setCaptions(p, !x.captions, true));
  setCaptions(p, x.captions, false);

  const vol = parseFloat(store.getItem("listen:volume"));
  p.audio.volume = isFinite(vol) && vol >= 0 && vol <= 1 ? vol : 1;
  x.volume.addEventListener("input", () => {
    p.audio.volume = parseFloat(x.volume.value);
    if (p.audio.volume > 0) p.audio.muted = false;
    store.setItem("listen:volume", String(p.audio.volume));
  });
  x.muteBtn.addEventListener("click", () => {
    p.audio.muted = !p.audio.muted;
    showVolume(p); // volumechange comes a task later
  });
  p.audio.addEventListener("volumechange", () => showVolume(p));
  showVolume(p);

  p.root.addEventListener("listen:update", () => {
    nameFiles(p);
    const list = chaptersOf(p.sentences, p.title);
    if (list.length !== x.chapterList.length || list.some((c, i) => c.start !== x.chapterList[i].start)) {
      x.chapterList = list;
      x.chapters.textContent = "";
      list.forEach((c, i) => x.chapters.append(el("option", { value: String(i) }, `${formatTime(c.start)} ${c.label}`)));
      showChapter(p);
    }
  });
  p.root.addEventListener("listen:current", () => {
    showChapter(p);
    showCaption(p);
  });
}

function chapterAt(p, t) {
  let found = -1;
  p.extras.chapterList.forEach((c, i) => {
    if (c.start <= t + 0.05) found = i;
  });
  return found;
}

function stepChapter(p, dir) {
  const list = p.extras.chapterList;
  if (!list.length) return;
  const t = p.audio.currentTime;
  let i = chapterAt(p, t);
  // Back within the first seconds of a paragraph goes to the one before, as on a CD player.
  if (dir < 0 && i >= 0 && t - list[i].start > 3) i += 1;
  const target = list[Math.max(0, Math.min(list.length - 1, i + dir))];
  if (dir > 0 && i + 1 >= list.length) return; // no paragraph after the last
  p.seekTo(target.start + 0.001);
  p.play();
}

function showChapter(p) {
  const i = chapterAt(p, p.audio.currentTime);
  if (i >= 0 && p.extras.chapters.value !== String(i)) p.extras.chapters.value = String(i);
}

function setCaptions(p, on, remember) {
  const x = p.extras;
  x.captions = on;
  x.ccBtn.setAttribute("aria-pressed", String(on));
  p.root.classList.toggle("lp-captions-on", on);
  if (remember) store.setItem("listen:captions", on ? "1" : "0");
  showCaption(p);
}

function showCaption(p) {
  const x = p.extras;
  const s = p.sentences.find((y) => y.index === p.current);
  x.caption.textContent = s ? s.text : "";
  x.caption.hidden = !x.captions || !s;
}

function showVolume(p) {
  const x = p.extras;
  const a = p.audio;
  const silent = a.muted || a.volume === 0;
  x.muteBtn.replaceChildren(icon(silent ? "muted" : "sound"));
  x.muteBtn.setAttribute("aria-label", a.muted ? "Unmute" : "Mute");
  x.muteBtn.setAttribute("aria-pressed", String(a.muted));
  x.volume.value = String(a.muted ? 0 : a.volume);
}

function nameFiles(p) {
  // The id is 64 hex characters: name what readers save after the article instead. The server
  // names it too (Content-Disposition), as the download attribute is ignored across origins.
  const name = slugify(p.title);
  const base = p.api + "articles/" + encodeURIComponent(p.id);
  const saved = (url) => url + (url.includes("?") ? "&" : "?") + "download=1";
  p.download.href = saved(p.audioUrl);
  p.download.setAttribute("download", `${name}.mp3`);
  p.extras.text.href = saved(p.urls.transcript_url || base + "/transcript.txt");
  p.extras.text.setAttribute("download", `${name}.txt`);
  p.extras.vtt.href = saved(p.urls.captions_url || base + "/captions.vtt");
  p.extras.vtt.setAttribute("download", `${name}.vtt`);
}
