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
  // Inside a long sentence, light the part being spoken: the last part that has started.
  const node = player.nodes.get(player.current);
  let part = null;
  if (node) {
    for (const p of node.querySelectorAll(".lp-part")) {
      if (Number(p.dataset.start) <= ms + 30) part = p;
      else break;
    }
  }
  if (part === player.partNode) return;
  if (player.partNode) player.partNode.classList.remove("lp-part-current");
  player.partNode = part;
  if (part) part.classList.add("lp-part-current");
}

function highlightWord(player, ms) {
  // Inside the current sentence, light the word being spoken: the last word that has started.
  const node = player.nodes.get(player.current);
  let word = null;
  if (node) {
    for (const w of node.querySelectorAll(".lp-w")) {
      if (Number(w.dataset.start) <= ms + 30) word = w;
      else break;
    }
  }
  if (word === player.wordNode) return;
  if (player.wordNode) player.wordNode.classList.remove("lp-w-current");
  player.wordNode = word;
  if (word) word.classList.add("lp-w-current");
}
