// The article's text in the player: one span per sentence, per timed part of a long sentence
// and per timed word, and moving through the sentences with the keys. Article text is
// untrusted: it only ever goes in as text.

import { highlight } from "./highlight.js";
import { el, formatTime } from "./util.js";

/** Build the player's text from its sentences, keeping the focus and the lit sentence. */
export function renderText(player) {
  const focused = document.activeElement && player.text.contains(document.activeElement) ? Number(document.activeElement.dataset.index) : null;
  player.text.textContent = "";
  player.nodes.clear();
  let para = null;
  let paraNo = null;
  for (const s of player.sentences) {
    const kind = paragraphKind(player, s);
    if (para === null || s.paragraph !== paraNo || kind !== para.dataset.kind) {
      paraNo = s.paragraph;
      // The headline is no paragraph (and the page's own heading already names the article).
      para = el(kind === "headline" ? "div" : "p", { class: CLASSES[kind], "data-kind": kind });
      player.text.append(para);
    } else {
      para.append(" ");
    }
    const timed = typeof s.start_ms === "number";
    const span = el("span", { class: timed ? "lp-s" : "lp-s lp-pending", "data-index": String(s.index), tabindex: "-1", role: "button" });
    span.append(...textPieces(s));
    // Its name is its words, as read on screen (a name unlike them fails speech control);
    // where it plays from is said after.
    if (timed) span.setAttribute("aria-description", `Plays from ${formatTime(s.start_ms / 1000)}`);
    player.nodes.set(s.index, span);
    para.append(span);
  }
  // Roving tabindex: the whole text is one Tab stop; up/down arrows move within it.
  const keep = player.nodes.get(focused) || player.nodes.get(player.current) || player.nodes.values().next().value;
  if (keep) keep.tabIndex = 0;
  if (focused !== null && player.nodes.get(focused)) player.nodes.get(focused).focus({ preventScroll: true });
  player.root.dispatchEvent(new CustomEvent("listen:sentences", { detail: { sentences: player.sentences } }));
  const cur = player.current;
  player.current = -1;
  player.partNode = null;
  player.wordNode = null;
  highlight(player, cur >= 0 ? cur : -1);
  player.tick();
}

const CLASSES = { body: "lp-p", headline: "lp-p lp-intro lp-headline", byline: "lp-p lp-intro lp-byline" };

/** Which paragraph a sentence goes in: the headline's, the byline's (by, site, date) or the body's. */
function paragraphKind(player, s) {
  if (s.paragraph >= 0) return "body";
  const first = player.sentences.find((x) => x.paragraph < 0);
  const title = (player.title || "").trim().replace(/[.!?…]+$/, "");
  return s === first && title && s.text.trim().replace(/[.!?…]+$/, "") === title ? "headline" : "byline";
}

/** Up, down, Home and End move between sentences; Enter plays from one. */
export function sentenceKeys(player, e) {
  const s = e.target.closest && e.target.closest(".lp-s");
  if (!s) return;
  const list = [...player.nodes.values()];
  const i = list.indexOf(s);
  let next = null;
  if (e.key === "ArrowDown") next = list[i + 1];
  else if (e.key === "ArrowUp") next = list[i - 1];
  else if (e.key === "Home") next = list[0];
  else if (e.key === "End") next = list[list.length - 1];
  else if (e.key === "Enter") {
    e.preventDefault();
    player.playSentence(Number(s.dataset.index));
    return;
  } else return;
  e.preventDefault();
  if (next) {
    s.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }
}

/** A sentence's text as nodes: one span per timed part (long sentences), one per timed word inside. */
function textPieces(s) {
  // Offsets count code points (Python's str); JS strings count UTF-16 units.
  const chars = Array.from(s.text);
  const words = timedWords(s, chars);
  const parts = Array.isArray(s.parts) ? s.parts : [];
  let at = 0;
  const ok = parts.length > 1 && parts.every((p) => {
    const good = Number.isInteger(p.text_start) && p.text_start === at && Number.isInteger(p.text_end) && p.text_end >= at && typeof p.start_ms === "number";
    at = p.text_end;
    return good;
  }) && at === chars.length;
  if (!ok) return wordNodes(words, chars, 0, chars.length);
  return parts.map((p) => {
    const span = el("span", { class: "lp-part", "data-start": String(p.start_ms) });
    span.append(...wordNodes(words, chars, p.text_start, p.text_end));
    return span;
  });
}

/** A sentence's timed words, checked (in order, inside the text, timed); none if any is off. */
function timedWords(s, chars) {
  const words = Array.isArray(s.words) ? s.words : [];
  let at = 0;
  const ok = words.every((w) => {
    const good = Number.isInteger(w.text_start) && Number.isInteger(w.text_end) && w.text_start >= at
      && w.text_end > w.text_start && w.text_end <= chars.length && typeof w.start_ms === "number";
    at = w.text_end;
    return good;
  });
  return ok ? words : [];
}

/** The text from..to as plain text and one span per timed word that starts in it. */
function wordNodes(words, chars, from, to) {
  const nodes = [];
  let at = from;
  for (const w of words) {
    if (w.text_start < from || w.text_start >= to) continue;
    const end = Math.min(w.text_end, to);
    if (w.text_start > at) nodes.push(chars.slice(at, w.text_start).join(""));
    nodes.push(el("span", { class: "lp-w", "data-start": String(w.start_ms) }, chars.slice(w.text_start, end).join("")));
    at = end;
  }
  if (at < to || !nodes.length) nodes.push(chars.slice(at, to).join(""));
  return nodes;
}
