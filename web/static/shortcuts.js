// The page's keyboard shortcuts: space or k plays and pauses, ← and → skip 15 seconds. They
// drive the player the reader used last (clicked, focused, or played).

export const SKIP_S = 15;

let active = null; // the player the global keyboard shortcuts drive

/** Make this player the one the shortcuts drive. */
export function activate(player) {
  active = player;
}

function typingIn(target) {
  if (!target || !target.closest) return false;
  if (target.isContentEditable) return true;
  const t = target.closest("input, textarea, select");
  return !!t && !(t.type === "range" || t.type === "checkbox" || t.type === "radio" || t.type === "button");
}

document.addEventListener("keydown", (e) => {
  if (!active || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
  if (typingIn(e.target)) return;
  // The seek bar moves itself with the arrows; space and k still play and pause there.
  if (e.target.type === "range" && e.key.startsWith("Arrow")) return;
  const onButton = e.target && e.target.closest && e.target.closest("button, a, summary");
  if (e.key === " " || e.key === "k" || e.key === "K") {
    if (e.key === " " && onButton) return; // the button's own click handles it
    e.preventDefault();
    active.toggle();
  } else if (e.key === "ArrowRight") {
    e.preventDefault();
    active.skip(SKIP_S);
  } else if (e.key === "ArrowLeft") {
    e.preventDefault();
    active.skip(-SKIP_S);
  }
});
