// Inside an iframe (the embed), the frame's side of talking to the host page (the widget):
// how tall the player wants to be, and, for the widget's data-source mode, the sentences and
// which one is being read, so the host page can light its own text and play from a sentence;
// and whether it plays, for the widget's docked bar (data-sticky), or has ended, for its next
// article (data-next), which the widget asks this frame to play once it has loaded it; and, from
// the bar, the teaser notice, which the widget shows below it.

/** Talk to the host page about the compact player on this root, when the page is framed. */
export function talkToHost(root) {
  if (window.parent === window || !root.hasAttribute("data-compact")) return;
  reportHeight(root);
  bridgeToHost(root);
}

// Tell the host how tall the player wants to be.
function reportHeight(root) {
  let last = 0;
  let timer = 0;
  const send = () => {
    timer = 0;
    const panel = root.querySelector(".lp-panel");
    const text = root.querySelector(".lp-text");
    let textH = 0;
    if (root.dataset.layout === "bar") return; // one line, sized by the host
    if (text) {
      for (const p of text.children) textH += p.offsetHeight + 16;
      textH = Math.min(textH + 20, 280);
    }
    const h = Math.ceil((panel ? panel.offsetHeight : 120) + textH + 2);
    if (h === last) return;
    last = h;
    window.parent.postMessage({ type: "listen:height", height: h }, "*");
  };
  const soon = () => {
    if (!timer) timer = setTimeout(send, 100);
  };
  new MutationObserver(soon).observe(root, { childList: true, subtree: true });
  window.addEventListener("resize", soon);
  soon();
}

// Let the host page follow along: the frame tells its parent the sentences and which one is
// being read; the parent may ask to play from a sentence. The article's text is public, so
// any parent may hear it.
function bridgeToHost(root) {
  const player = root._listenPlayer;
  const tell = (msg) => window.parent.postMessage(msg, "*");
  const sentences = () => player.sentences.map((s) => ({ index: s.index, paragraph: s.paragraph, text: s.text }));
  root.addEventListener("listen:sentences", () => tell({ type: "listen:sentences", sentences: sentences() }));
  root.addEventListener("listen:current", (e) => tell({ type: "listen:current", index: e.detail.index }));
  // Whether the audio plays: the widget's data-sticky bar docks only then; its data-next waits for the end.
  const a = player.audio;
  const playing = () => tell({ type: "listen:playing", playing: !a.paused && !a.ended, ended: a.ended });
  for (const name of ["play", "pause", "ended"]) player.audio.addEventListener(name, playing);
  // The bar has no room for the teaser notice: the widget shows it below the bar.
  const notice = root.dataset.layout === "bar" && root.querySelector(".teaser-notice");
  const note = () => notice && tell({ type: "listen:notice", text: notice.textContent });
  window.addEventListener("message", (e) => {
    const d = e.data;
    if (e.source !== window.parent || !d || typeof d !== "object") return;
    if (d.type === "listen:seek" && Number.isInteger(d.index)) player.playSentence(d.index);
    else if (d.type === "listen:play") player.play();
    else if (d.type === "listen:hello") {
      tell({ type: "listen:sentences", sentences: sentences() });
      tell({ type: "listen:current", index: player.current });
      playing();
      note();
    }
  });
  if (player.sentences.length) tell({ type: "listen:sentences", sentences: sentences() });
  note();
}
