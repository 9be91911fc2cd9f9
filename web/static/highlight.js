// Lighting the text as it is read: the sentence that has started, the part of a long
// sentence and the word being spoken. Works on a Player's fields (sentences, nodes, current).

import { reveal } from "./follow.js";

// A sentence is lit a moment early, so the eye is there when the voice starts; a word is lit
// exactly when it starts, as the word-by-word light is judged against the audio itself.
const SENTENCE_LEAD_MS = 30;

/** Light what is being said at ms into the audio: its sentence, part and word. */
export function highlightAt(player, ms) {
  highlight(player, sentenceAt(player, ms));
  highlightPart(player, ms);
  highlightWord(player, ms);
}

function sentenceAt(player, ms) {
  // The last sentence that has started: the pause after a sentence keeps it lit. Called every
  // frame while playing: the search starts from the sentence lit, which is nearly always it.
  const list = player.sentences;
  const started = (s) => typeof s.start_ms === "number" && s.start_ms <= ms + SENTENCE_LEAD_MS;
  let i = Math.max(0, list.findIndex((s) => s.index === player.current));
  if (!list[i] || !started(list[i])) i = 0;
  if (!list[i] || !started(list[i])) return -1;
  while (i + 1 < list.length && started(list[i + 1])) i++;
  return list[i].index;
}

/** Light sentence number index (-1: none) and follow it. */
export function highlight(player, index) {
  if (index === player.current) return;
  const old = player.nodes.get(player.current);
  if (old) {
    old.classList.remove("lp-current");
    old.removeAttribute("aria-current");
  }
  player.current = index;
  player.root.dataset.current = String(index);
  player.root.dispatchEvent(new CustomEvent("listen:current", { detail: { index } }));
  const node = player.nodes.get(index);
  if (!node) return;
  node.classList.add("lp-current");
  node.setAttribute("aria-current", "true");
  if (!player.text.contains(document.activeElement)) {
    for (const n of player.nodes.values()) n.tabIndex = -1;
    node.tabIndex = 0;
  }
  reveal(player, false);
}

function highlightPart(player, ms) {
  // Inside a long sentence, light the part being spoken.
  player.partNode = lightLastStarted(player, ms + SENTENCE_LEAD_MS, ".lp-part", "lp-part-current", player.partNode);
}

function highlightWord(player, ms) {
  // Inside the current sentence, light the word being spoken.
  player.wordNode = lightLastStarted(player, ms, ".lp-w", "lp-w-current", player.wordNode);
}

// Light the last element of the current sentence (matching selector) that has started by ms,
// moving the class off the one lit before; return the element now lit (or null).
function lightLastStarted(player, ms, selector, litClass, lit) {
  const node = player.nodes.get(player.current);
  let found = null;
  if (node) {
    for (const el of node.querySelectorAll(selector)) {
      if (Number(el.dataset.start) <= ms) found = el;
      else break;
    }
  }
  if (found === lit) return lit;
  if (lit) lit.classList.remove(litClass);
  if (found) found.classList.add(litClass);
  return found;
}
