// Lighting the text as it is read: the sentence that has started, the part of a long
// sentence and the word being spoken. Works on a Player's fields (sentences, nodes, current).

import { reveal } from "./follow.js";

/** Light what is being said at ms into the audio: its sentence, part and word. */
export function highlightAt(player, ms) {
  highlight(player, sentenceAt(player, ms));
  highlightPart(player, ms);
  highlightWord(player, ms);
}

function sentenceAt(player, ms) {
  // The last sentence that has started: the pause after a sentence keeps it lit.
  let found = -1;
  for (const s of player.sentences) {
    if (typeof s.start_ms !== "number") continue;
    if (s.start_ms <= ms + 30) found = s.index;
    else break;
  }
  return found;
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
  player.partNode = lightLastStarted(player, ms, ".lp-part", "lp-part-current", player.partNode);
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
      if (Number(el.dataset.start) <= ms + 30) found = el;
      else break;
    }
  }
  if (found === lit) return lit;
  if (lit) lit.classList.remove(litClass);
  if (found) found.classList.add(litClass);
  return found;
}
