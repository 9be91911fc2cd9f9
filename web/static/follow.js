// Following along: the text scrolls to the sentence being read (the text panel in the embed,
// our own page when it is the top window); a reader's scroll pauses that, and the "Follow
// along" button brings it back. Works on a Player's fields (text, nodes, current, followBtn).

const FOLLOW_PAUSE_MS = 4000; // auto-follow waits this long after the user scrolls

/** Watch whether the player is on screen, and tell the reader's scrolls from our own. */
export function watchScrolls(p) {
  const a = p.audio;
  p.onScreen = true;
  if ("IntersectionObserver" in window) {
    new IntersectionObserver((entries) => {
      for (const e of entries) p.onScreen = e.isIntersecting;
    }).observe(p.root);
  }

  // A user scroll pauses auto-follow; our own scrolls do not.
  const userScrolled = (e) => {
    if (Date.now() < p.programmaticScrollUntil) return;
    // In the text panel (the embed) following stops until the reader asks for it again;
    // on our own page it waits a few seconds, as the page is the reader's to scroll.
    if (e.currentTarget === p.text && p.text.scrollHeight > p.text.clientHeight + 1) {
      p.readerScrolled = true;
    }
    p.userScrollUntil = Date.now() + FOLLOW_PAUSE_MS;
    const node = p.nodes.get(p.current);
    if (!a.paused && node) {
      const box = node.getBoundingClientRect();
      const view = p.readerScrolled ? p.text.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
      p.followBtn.hidden = box.bottom > view.top && box.top < view.bottom;
    }
  };
  for (const target of [window, p.text]) {
    target.addEventListener("wheel", userScrolled, { passive: true });
    target.addEventListener("touchmove", userScrolled, { passive: true });
    target.addEventListener("scroll", userScrolled, { passive: true });
  }
}

/** Scroll the sentence being read into view, unless the reader is scrolling (force: even then). */
export function reveal(p, force) {
  // Follow the sentence by scrolling the text panel itself (the embed), or our own page
  // when it is the top window; never scrollIntoView, which also scrolls every page that
  // frames us. A reader who scrolled the text is left where they are until they ask.
  const node = p.nodes.get(p.current);
  if (!node) return;
  if (!force && p.readerScrolled) {
    // Offer the way back once the sentence being read has left the reader's view.
    const box = node.getBoundingClientRect();
    const view = p.text.getBoundingClientRect();
    p.followBtn.hidden = box.bottom > view.top && box.top < view.bottom;
    return;
  }
  if (!force && (Date.now() < p.userScrollUntil || p.audio.paused)) return;
  p.readerScrolled = false;
  p.followBtn.hidden = true;
  const reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // A frame scrolled out of the host's view is not animated (Chromium throttles it), so a
  // smooth scroll would never arrive: jump instead.
  const behavior = reduce || !p.onScreen ? "auto" : "smooth";
  const box = node.getBoundingClientRect();
  const t = p.text;
  if (t.scrollHeight > t.clientHeight + 1 && getComputedStyle(t).overflowY !== "visible") {
    const view = t.getBoundingClientRect();
    const margin = Math.min(24, view.height / 4);
    if (box.top >= view.top + margin && box.bottom <= view.bottom - margin) return;
    p.programmaticScrollUntil = Date.now() + (reduce ? 150 : 900);
    const target = t.scrollTop + (box.top - view.top) - (view.height - box.height) / 3;
    t.scrollTo({ top: Math.max(0, target), behavior });
  } else if (window.parent === window && !p.compact) {
    if (box.top >= 0 && box.bottom <= window.innerHeight) return;
    p.programmaticScrollUntil = Date.now() + (reduce ? 150 : 900);
    window.scrollTo({ top: window.scrollY + box.top - (window.innerHeight - box.height) / 2, behavior });
  }
}
