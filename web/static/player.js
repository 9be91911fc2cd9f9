// The listen player: one framework-free ES module for the page, /a/<id> and /embed/<id>.
//
// Markup: <div data-listen-player data-article-id="ID" data-api="https://host/api/v1/"></div>
// Roots with an article id start themselves; the page calls mountPlayer() after a POST.
// Article text is only ever inserted with textContent: it is untrusted.

const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3];
const SKIP_S = 15;
const FOLLOW_PAUSE_MS = 4000; // auto-follow waits this long after the user scrolls
const POLL_MS = 800;
const RESUME_MIN_S = 5;
const store = safeStorage();

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

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

function apiBase(root) {
  const base = root.dataset.api || new URL("/api/v1/", document.baseURI).href;
  return base.endsWith("/") ? base : base + "/";
}

async function getJSON(url, init) {
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

/** POST an article (a plain object for JSON, or FormData for an upload); resolve to the API's reply. */
export function createArticle(api, payload) {
  const init = { method: "POST", body: payload };
  if (!(payload instanceof FormData)) {
    init.body = JSON.stringify(payload);
    init.headers = { "Content-Type": "application/json" };
  }
  return getJSON(api.replace(/\/?$/, "/") + "articles", init);
}

let active = null; // the player the global keyboard shortcuts drive

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

class Player {
  constructor(root, opts = {}) {
    this.root = root;
    this.api = apiBase(root);
    this.id = opts.id || root.dataset.articleId;
    this.autoplay = !!opts.autoplay;
    this.compact = root.hasAttribute("data-compact");
    this.sentences = [];
    this.nodes = new Map(); // sentence index -> span
    this.current = -1;
    this.partNode = null; // the lit part of a long sentence, if any
    this.wordNode = null; // the lit word of the current sentence, if its words are timed
    this.durationMs = 0;
    this.status = null;
    this.urls = opts.urls || {};
    this.userScrollUntil = 0;
    this.readerScrolled = false; // the reader scrolled the text panel: do not follow until asked
    this.programmaticScrollUntil = 0;
    this.lastSaved = 0;
    this.dragging = false;
    this.build();
    active = this;
  }

  build() {
    const r = this.root;
    r.textContent = "";
    r.classList.add("lp");
    r.setAttribute("role", "region");
    r.setAttribute("aria-label", "Article audio player");
    this.titleEl = el("h2", { class: "lp-title" });
    this.statusEl = el("p", { class: "lp-status", role: "status", "aria-live": "polite" });
    this.resumeEl = el("div", { class: "lp-resume", hidden: true });
    this.resumeText = el("span");
    this.resumeBtn = el("button", { type: "button", class: "lp-btn lp-resume-yes" }, "Resume");
    this.resumeNo = el("button", { type: "button", class: "lp-btn lp-resume-no", "aria-label": "Dismiss and start from the beginning" }, "Start over");
    this.resumeEl.append(this.resumeText, " ", this.resumeBtn, " ", this.resumeNo);

    const bar = el("div", { class: "lp-controls" });
    this.backBtn = el("button", { type: "button", class: "lp-btn lp-back", "aria-label": "Back 15 seconds", title: "Back 15 s (←)" }, "−15");
    this.playBtn = el("button", { type: "button", class: "lp-btn lp-play", "aria-label": "Play", title: "Play (space or k)" });
    this.playIcon = el("span", { class: "lp-icon", "aria-hidden": "true" }, "▶");
    this.playBtn.append(this.playIcon);
    this.fwdBtn = el("button", { type: "button", class: "lp-btn lp-fwd", "aria-label": "Forward 15 seconds", title: "Forward 15 s (→)" }, "+15");
    this.elapsedEl = el("span", { class: "lp-elapsed" }, "0:00");
    this.totalEl = el("span", { class: "lp-total" }, "0:00");
    const time = el("span", { class: "lp-time", "aria-hidden": "true" });
    time.append(this.elapsedEl, el("span", { class: "lp-sep" }, " / "), this.totalEl);
    this.seek = el("input", { type: "range", class: "lp-seek", min: "0", max: "0", step: "0.1", value: "0", "aria-label": "Seek" });
    this.speed = el("select", { class: "lp-speed", "aria-label": "Playback speed" });
    for (const s of SPEEDS) this.speed.append(el("option", { value: String(s) }, `${s}×`));
    this.download = el("a", { class: "lp-btn lp-download", download: "", "aria-label": "Download MP3" }, "MP3");
    const seekRow = el("div", { class: "lp-seekrow" });
    seekRow.append(this.seek, time);
    bar.append(this.backBtn, this.playBtn, this.fwdBtn, this.speed, this.download);

    this.audio = el("audio", { preload: "auto", class: "lp-audio" });
    this.text = el("div", { class: "lp-text", role: "group", "aria-label": "Article text; choose a sentence to play from it" });
    this.followBtn = el("button", { type: "button", class: "lp-btn lp-follow", hidden: true }, "Follow along");
    const panel = el("div", { class: "lp-panel" });
    panel.append(this.titleEl, this.statusEl, this.resumeEl, bar, seekRow, this.followBtn);
    r.append(panel, this.audio, this.text);
    buildExtras(this, panel);

    const rate = parseFloat(store.getItem("listen:speed"));
    this.setSpeed(SPEEDS.includes(rate) ? rate : 1, false);
    this.wire();
  }

  wire() {
    const a = this.audio;
    const activate = () => (active = this);
    this.root.addEventListener("pointerdown", activate);
    this.root.addEventListener("focusin", activate);
    this.playBtn.addEventListener("click", () => this.toggle());
    this.backBtn.addEventListener("click", () => this.skip(-SKIP_S));
    this.fwdBtn.addEventListener("click", () => this.skip(SKIP_S));
    this.speed.addEventListener("change", () => this.setSpeed(parseFloat(this.speed.value), true));
    this.seek.addEventListener("input", () => {
      this.dragging = true;
      this.elapsedEl.textContent = formatTime(parseFloat(this.seek.value));
    });
    this.seek.addEventListener("change", () => {
      this.dragging = false;
      this.seekTo(parseFloat(this.seek.value));
    });
    this.resumeBtn.addEventListener("click", () => {
      const t = this.savedPosition();
      this.resumeEl.hidden = true;
      this.seekTo(t);
      this.play();
    });
    this.resumeNo.addEventListener("click", () => {
      this.resumeEl.hidden = true;
      store.removeItem(this.posKey());
      this.playBtn.focus();
    });
    this.followBtn.addEventListener("click", () => {
      this.userScrollUntil = 0;
      this.followBtn.hidden = true;
      this.reveal(true);
    });
    this.text.addEventListener("click", (e) => {
      const s = e.target.closest && e.target.closest(".lp-s");
      if (!s) return;
      const w = e.target.closest(".lp-w");
      if (w) this.playSentence(Number(s.dataset.index), Number(w.dataset.start));
      else this.playSentence(Number(s.dataset.index));
    });
    this.text.addEventListener("keydown", (e) => this.sentenceKeys(e));

    a.addEventListener("play", () => this.onPlayState());
    a.addEventListener("pause", () => {
      this.onPlayState();
      this.savePosition(true);
    });
    a.addEventListener("ended", () => {
      store.removeItem(this.posKey());
      this.onPlayState();
    });
    a.addEventListener("timeupdate", () => this.tick());
    a.addEventListener("seeked", () => this.tick());
    a.addEventListener("durationchange", () => this.updateDuration());
    a.addEventListener("loadedmetadata", () => this.updateDuration());
    a.addEventListener("ratechange", () => this.positionState());
    a.addEventListener("error", () => {
      if (this.status === "ready" && a.error) this.setStatus("The audio could not be loaded. Try the MP3 link.");
    });
    window.addEventListener("pagehide", () => this.savePosition(true));
    this.onScreen = true;
    if ("IntersectionObserver" in window) {
      new IntersectionObserver((entries) => {
        for (const e of entries) this.onScreen = e.isIntersecting;
      }).observe(this.root);
    }

    // A user scroll pauses auto-follow; our own scrolls do not.
    const userScrolled = (e) => {
      if (Date.now() < this.programmaticScrollUntil) return;
      // In the text panel (the embed) following stops until the reader asks for it again;
      // on our own page it waits a few seconds, as the page is the reader's to scroll.
      if (e.currentTarget === this.text && this.text.scrollHeight > this.text.clientHeight + 1) {
        this.readerScrolled = true;
      }
      this.userScrollUntil = Date.now() + FOLLOW_PAUSE_MS;
      const node = this.nodes.get(this.current);
      if (!a.paused && node) {
        const box = node.getBoundingClientRect();
        const view = this.readerScrolled ? this.text.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
        this.followBtn.hidden = box.bottom > view.top && box.top < view.bottom;
      }
    };
    for (const target of [window, this.text]) {
      target.addEventListener("wheel", userScrolled, { passive: true });
      target.addEventListener("touchmove", userScrolled, { passive: true });
      target.addEventListener("scroll", userScrolled, { passive: true });
    }

    if ("mediaSession" in navigator) {
      const ms = navigator.mediaSession;
      const handlers = {
        play: () => this.play(),
        pause: () => a.pause(),
        stop: () => a.pause(),
        seekbackward: (d) => this.skip(-((d && d.seekOffset) || SKIP_S)),
        seekforward: (d) => this.skip((d && d.seekOffset) || SKIP_S),
        seekto: (d) => {
          if (d && typeof d.seekTime === "number") this.seekTo(d.seekTime);
        },
      };
      for (const [name, fn] of Object.entries(handlers)) {
        try {
          ms.setActionHandler(name, (d) => {
            active = this;
            fn(d);
          });
        } catch (e) {
          /* the browser does not know this action */
        }
      }
    }
  }

  // ---- loading -------------------------------------------------------------------------

  async load(initial) {
    let data = initial;
    if (!data) {
      try {
        data = await getJSON(this.api + "articles/" + encodeURIComponent(this.id));
      } catch (e) {
        this.setStatus(e.message || "This article could not be loaded.");
        return;
      }
    }
    this.id = data.id || this.id;
    this.root.dataset.articleId = this.id;
    const base = this.api + "articles/" + encodeURIComponent(this.id);
    if (!Array.isArray(data.sentences) && data.status === "ready") {
      // The embed page leaves the timings out (a long article's are hundreds of KB): fetch
      // them from timings.json, which the browser caches for good. A render in progress polls.
      try {
        const t = await getJSON(this.urls.timings_url || data.timings_url || base + "/timings.json");
        data = { ...data, sentences: t.sentences };
      } catch (e) {
        /* the audio still plays; the text stays empty */
      }
    }
    this.audioUrl = this.urls.audio_url || data.audio_url || base + "/audio.mp3";
    this.download.href = this.audioUrl;
    this.update(data);
    this.audio.src = this.status === "ready" ? this.audioUrl : this.streamUrl();
    this.applySpeed();
    this.offerResume();
    if (this.autoplay) this.play();
    if (this.status === "rendering") this.poll();
  }

  streamUrl() {
    // A distinct URL so the growing stream is never cached as the finished file.
    return this.audioUrl + (this.audioUrl.includes("?") ? "&" : "?") + "stream=" + Date.now();
  }

  async poll() {
    while (this.status === "rendering") {
      await new Promise((r) => setTimeout(r, POLL_MS));
      let data;
      try {
        // Only the sentences we lack: every poll sending all of them came to megabytes on a long article.
        // The last one we have again: its end moves to mid-pause once the next one is timed.
        const since = Math.max(0, this.sentences.length - 1);
        data = await getJSON(this.api + "articles/" + encodeURIComponent(this.id) + "?since=" + since);
        if (Array.isArray(data.sentences) && typeof data.since === "number") {
          data = { ...data, sentences: this.sentences.slice(0, data.since).concat(data.sentences) };
        }
      } catch (e) {
        if (e.status && e.status < 500) {
          this.setStatus(e.message);
          return;
        }
        continue; // a passing network or server hiccup: try again
      }
      const was = this.status;
      this.update(data);
      if (was === "rendering" && this.status === "ready") this.reloadReady();
    }
  }

  reloadReady() {
    // The stream could not seek; the finished file can. Swap it in where we are.
    const a = this.audio;
    const t = a.currentTime;
    const playing = !a.paused && !a.ended;
    const restore = () => {
      try {
        a.currentTime = t;
      } catch (e) {
        /* not seekable yet */
      }
      this.applySpeed();
      if (playing) this.play();
    };
    a.addEventListener("loadedmetadata", restore, { once: true });
    a.src = this.audioUrl;
    a.load();
  }

  update(data) {
    this.status = data.status;
    if (data.title) {
      this.titleEl.textContent = data.title;
      this.title = data.title;
    }
    this.titleEl.hidden = !data.title;
    if (Array.isArray(data.sentences) && this.sentencesChanged(data.sentences)) {
      this.sentences = data.sentences.slice().sort((x, y) => x.index - y.index);
      this.renderText();
    }
    if (typeof data.duration_ms === "number" && data.duration_ms > 0) this.durationMs = data.duration_ms;
    else {
      const last = this.sentences.reduce((m, s) => Math.max(m, s.end_ms || 0), 0);
      this.durationMs = Math.max(this.durationMs, last);
    }
    if (data.status === "rendering") {
      const pct = Math.round((data.progress || 0) * 100);
      this.setStatus(`Preparing the audio… ${pct}%. You can start listening now.`);
      this.root.setAttribute("aria-busy", "true");
    } else if (data.status === "failed") {
      this.setStatus(data.error && data.error.message ? data.error.message : String(data.error || "Rendering failed."));
      this.root.removeAttribute("aria-busy");
    } else {
      this.setStatus("");
      this.root.removeAttribute("aria-busy");
    }
    this.root.dataset.status = data.status || "";
    this.updateDuration();
    this.metadata();
    this.root.dispatchEvent(new CustomEvent("listen:update"));
  }

  sentencesChanged(next) {
    if (next.length !== this.sentences.length) return true;
    return next.some((s, i) => {
      const o = this.sentences[i];
      return !o || o.index !== s.index || o.start_ms !== s.start_ms || o.end_ms !== s.end_ms;
    });
  }

  renderText() {
    const focused = document.activeElement && this.text.contains(document.activeElement) ? Number(document.activeElement.dataset.index) : null;
    this.text.textContent = "";
    this.nodes.clear();
    let para = null;
    let paraNo = null;
    for (const s of this.sentences) {
      if (para === null || s.paragraph !== paraNo) {
        paraNo = s.paragraph;
        para = el("p", { class: paraNo < 0 ? "lp-p lp-intro" : "lp-p" });
        this.text.append(para);
      } else {
        para.append(" ");
      }
      const timed = typeof s.start_ms === "number";
      const span = el("span", { class: timed ? "lp-s" : "lp-s lp-pending", "data-index": String(s.index), tabindex: "-1", role: "button" });
      span.append(...textPieces(s));
      if (timed) span.setAttribute("aria-label", `Play from ${formatTime(s.start_ms / 1000)}: ${s.text}`);
      this.nodes.set(s.index, span);
      para.append(span);
    }
    // Roving tabindex: the whole text is one Tab stop; up/down arrows move within it.
    const keep = this.nodes.get(focused) || this.nodes.get(this.current) || this.nodes.values().next().value;
    if (keep) keep.tabIndex = 0;
    if (focused !== null && this.nodes.get(focused)) this.nodes.get(focused).focus({ preventScroll: true });
    this.root.dispatchEvent(new CustomEvent("listen:sentences", { detail: { sentences: this.sentences } }));
    const cur = this.current;
    this.current = -1;
    this.partNode = null;
    this.wordNode = null;
    this.highlight(cur >= 0 ? cur : -1);
    this.tick();
  }

  sentenceKeys(e) {
    const s = e.target.closest && e.target.closest(".lp-s");
    if (!s) return;
    const list = [...this.nodes.values()];
    const i = list.indexOf(s);
    let next = null;
    if (e.key === "ArrowDown") next = list[i + 1];
    else if (e.key === "ArrowUp") next = list[i - 1];
    else if (e.key === "Home") next = list[0];
    else if (e.key === "End") next = list[list.length - 1];
    else if (e.key === "Enter") {
      e.preventDefault();
      this.playSentence(Number(s.dataset.index));
      return;
    } else return;
    e.preventDefault();
    if (next) {
      s.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    }
  }

  // ---- playback ------------------------------------------------------------------------

  play() {
    active = this;
    const p = this.audio.play();
    if (p && p.catch) {
      p.catch((e) => {
        if (e && e.name === "NotAllowedError") this.setStatus("Press play to listen.");
      });
    }
    return p;
  }

  toggle() {
    if (this.audio.paused || this.audio.ended) this.play();
    else this.audio.pause();
  }

  duration() {
    const d = this.audio.duration;
    const known = this.durationMs / 1000;
    if (this.status === "ready" && known > 0) return known;
    return isFinite(d) && d > 0 ? Math.max(d, known) : known;
  }

  seekTo(t) {
    const d = this.duration();
    t = Math.max(0, d > 0 ? Math.min(t, d - 0.05) : t);
    try {
      this.audio.currentTime = t;
    } catch (e) {
      return;
    }
    this.resumeEl.hidden = true;
    this.tick();
  }

  skip(delta) {
    this.seekTo(this.audio.currentTime + delta);
  }

  playSentence(index, fromMs) {
    // From the sentence's start, or from a word in it (a click on a timed word).
    const s = this.sentences.find((x) => x.index === index);
    if (!s || typeof s.start_ms !== "number") return;
    this.userScrollUntil = 0;
    this.readerScrolled = false;
    this.followBtn.hidden = true;
    const at = Number.isFinite(fromMs) && fromMs >= s.start_ms ? fromMs : s.start_ms;
    this.seekTo(at / 1000 + 0.001);
    this.highlight(index);
    this.play();
  }

  setSpeed(rate, remember) {
    this.rate = rate;
    this.speed.value = String(rate);
    if (remember) store.setItem("listen:speed", String(rate));
    this.applySpeed();
  }

  applySpeed() {
    this.audio.defaultPlaybackRate = this.rate;
    this.audio.playbackRate = this.rate;
  }

  onPlayState() {
    const playing = !this.audio.paused && !this.audio.ended;
    this.playIcon.textContent = playing ? "❚❚" : "▶";
    this.playBtn.setAttribute("aria-label", playing ? "Pause" : "Play");
    this.playBtn.title = playing ? "Pause (space or k)" : "Play (space or k)";
    this.root.classList.toggle("lp-playing", playing);
    if (playing) this.resumeEl.hidden = true;
    if ("mediaSession" in navigator) navigator.mediaSession.playbackState = playing ? "playing" : "paused";
    this.positionState();
  }

  updateDuration() {
    const d = this.duration();
    this.seek.max = String(d > 0 ? d.toFixed(2) : 0);
    this.totalEl.textContent = formatTime(d);
    this.tick();
  }

  tick() {
    const t = this.audio.currentTime;
    if (!this.dragging) {
      this.seek.value = String(t);
      this.elapsedEl.textContent = formatTime(t);
    }
    this.seek.setAttribute("aria-valuetext", `${formatTime(t)} of ${formatTime(this.duration())}`);
    this.highlight(this.sentenceAt(t * 1000));
    this.highlightPart(t * 1000);
    this.highlightWord(t * 1000);
    this.savePosition(false);
    this.positionState();
  }

  sentenceAt(ms) {
    // The last sentence that has started: the pause after a sentence keeps it lit.
    let found = -1;
    for (const s of this.sentences) {
      if (typeof s.start_ms !== "number") continue;
      if (s.start_ms <= ms + 30) found = s.index;
      else break;
    }
    return found;
  }

  highlight(index) {
    if (index === this.current) return;
    const old = this.nodes.get(this.current);
    if (old) {
      old.classList.remove("lp-current");
      old.removeAttribute("aria-current");
    }
    this.current = index;
    this.root.dataset.current = String(index);
    this.root.dispatchEvent(new CustomEvent("listen:current", { detail: { index } }));
    const node = this.nodes.get(index);
    if (!node) return;
    node.classList.add("lp-current");
    node.setAttribute("aria-current", "true");
    if (!this.text.contains(document.activeElement)) {
      for (const n of this.nodes.values()) n.tabIndex = -1;
      node.tabIndex = 0;
    }
    this.reveal(false);
  }

  highlightPart(ms) {
    // Inside a long sentence, light the part being spoken: the last part that has started.
    const node = this.nodes.get(this.current);
    let part = null;
    if (node) {
      for (const p of node.querySelectorAll(".lp-part")) {
        if (Number(p.dataset.start) <= ms + 30) part = p;
        else break;
      }
    }
    if (part === this.partNode) return;
    if (this.partNode) this.partNode.classList.remove("lp-part-current");
    this.partNode = part;
    if (part) part.classList.add("lp-part-current");
  }

  highlightWord(ms) {
    // Inside the current sentence, light the word being spoken: the last word that has started.
    const node = this.nodes.get(this.current);
    let word = null;
    if (node) {
      for (const w of node.querySelectorAll(".lp-w")) {
        if (Number(w.dataset.start) <= ms + 30) word = w;
        else break;
      }
    }
    if (word === this.wordNode) return;
    if (this.wordNode) this.wordNode.classList.remove("lp-w-current");
    this.wordNode = word;
    if (word) word.classList.add("lp-w-current");
  }

  reveal(force) {
    // Follow the sentence by scrolling the text panel itself (the embed), or our own page
    // when it is the top window; never scrollIntoView, which also scrolls every page that
    // frames us. A reader who scrolled the text is left where they are until they ask.
    const node = this.nodes.get(this.current);
    if (!node) return;
    if (!force && this.readerScrolled) {
      // Offer the way back once the sentence being read has left the reader's view.
      const box = node.getBoundingClientRect();
      const view = this.text.getBoundingClientRect();
      this.followBtn.hidden = box.bottom > view.top && box.top < view.bottom;
      return;
    }
    if (!force && (Date.now() < this.userScrollUntil || this.audio.paused)) return;
    this.readerScrolled = false;
    this.followBtn.hidden = true;
    const reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    // A frame scrolled out of the host's view is not animated (Chromium throttles it), so a
    // smooth scroll would never arrive: jump instead.
    const behavior = reduce || !this.onScreen ? "auto" : "smooth";
    const box = node.getBoundingClientRect();
    const t = this.text;
    if (t.scrollHeight > t.clientHeight + 1 && getComputedStyle(t).overflowY !== "visible") {
      const view = t.getBoundingClientRect();
      const margin = Math.min(24, view.height / 4);
      if (box.top >= view.top + margin && box.bottom <= view.bottom - margin) return;
      this.programmaticScrollUntil = Date.now() + (reduce ? 150 : 900);
      const target = t.scrollTop + (box.top - view.top) - (view.height - box.height) / 3;
      t.scrollTo({ top: Math.max(0, target), behavior });
    } else if (window.parent === window && !this.compact) {
      if (box.top >= 0 && box.bottom <= window.innerHeight) return;
      this.programmaticScrollUntil = Date.now() + (reduce ? 150 : 900);
      window.scrollTo({ top: window.scrollY + box.top - (window.innerHeight - box.height) / 2, behavior });
    }
  }

  // ---- memory, media session ------------------------------------------------------------

  posKey() {
    return "listen:pos:" + this.id;
  }

  savedPosition() {
    return parseFloat(store.getItem(this.posKey())) || 0;
  }

  savePosition(now) {
    if (!this.id) return;
    const t = this.audio.currentTime;
    if (!now && Date.now() - this.lastSaved < 2000) return;
    this.lastSaved = Date.now();
    if (t > RESUME_MIN_S && !this.audio.ended) store.setItem(this.posKey(), t.toFixed(1));
  }

  offerResume() {
    const t = this.savedPosition();
    const d = this.duration();
    if (t > RESUME_MIN_S && (!d || t < d - RESUME_MIN_S)) {
      this.resumeText.textContent = `You were at ${formatTime(t)}.`;
      this.resumeBtn.setAttribute("aria-label", `Resume from ${formatTime(t)}`);
      this.resumeEl.hidden = false;
    }
  }

  metadata() {
    if (!("mediaSession" in navigator) || typeof MediaMetadata === "undefined") return;
    const title = this.title || "Article";
    const ms = navigator.mediaSession;
    if (ms.metadata && ms.metadata.title === title) return;
    ms.metadata = new MediaMetadata({ title, artist: "listen", album: location.host });
  }

  positionState() {
    if (!("mediaSession" in navigator) || !navigator.mediaSession.setPositionState) return;
    const d = this.duration();
    if (!(d > 0) || !isFinite(d)) return;
    try {
      navigator.mediaSession.setPositionState({
        duration: d,
        playbackRate: this.audio.playbackRate || 1,
        position: Math.min(this.audio.currentTime, d),
      });
    } catch (e) {
      /* a stale position during a source swap */
    }
  }

  setStatus(msg) {
    this.statusEl.textContent = msg;
    this.statusEl.hidden = !msg;
  }
}

// ---- secondary controls: chapters, captions, volume, transcript, file names ----------------
//
// Kept apart from the Player class: they only listen to its events and drive its audio.
// Paragraph buttons, the chapter list, captions, volume and the transcript sit in one
// "More" panel: always open beside the text on a wide page, behind the ⋯ button in the
// embed, the bar and on phones, so the main row keeps fitting from 280 px up.

const CHAPTER_WORDS = 6;
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
    if (s.paragraph < 0) {
      out.push({ start: 0, paragraph: s.paragraph, label: title || s.text });
      continue;
    }
    const words = s.text.split(/\s+/).filter(Boolean);
    const label = words.slice(0, CHAPTER_WORDS).join(" ") + (words.length > CHAPTER_WORDS ? "…" : "");
    out.push({ start: s.start_ms / 1000, paragraph: s.paragraph, label });
  }
  return out;
}

function buildExtras(p, panel) {
  const x = {};
  p.extras = x;
  x.moreBtn = el("button", { type: "button", class: "lp-btn lp-more", "aria-label": "More controls", "aria-expanded": "false", title: "Chapters, captions, volume, transcript" }, "⋯");
  x.panel = el("div", { class: "lp-extras", role: "group", "aria-label": "More controls" });
  x.prevBtn = el("button", { type: "button", class: "lp-btn lp-prev", "aria-label": "Previous paragraph", title: "Previous paragraph" });
  x.nextBtn = el("button", { type: "button", class: "lp-btn lp-next", "aria-label": "Next paragraph", title: "Next paragraph" });
  x.chapters = el("select", { class: "lp-chapters", "aria-label": "Chapters" });
  x.ccBtn = el("button", { type: "button", class: "lp-btn lp-cc", "aria-pressed": "false", "aria-label": "Captions", title: "Show the sentence being read" }, "CC");
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

/** Mount a player on a root element; opts: {id, urls, article (initial data), autoplay}. */
export function mountPlayer(root, opts = {}) {
  if (root._listenPlayer) {
    root._listenPlayer.audio.pause();
    root._listenPlayer.audio.removeAttribute("src");
    root._listenPlayer.status = null; // stops its polling
  }
  const p = new Player(root, opts);
  root._listenPlayer = p;
  p.load(opts.article);
  if (root.hasAttribute("data-stats")) trackListening(p);
  return p;
}

// ---- listening stats: counts only (a play, a quarter heard, a speed), never who -------------

function trackListening(player) {
  // Do Not Track and Global Privacy Control: send nothing at all.
  if (navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl === true) return;
  if (!navigator.sendBeacon) return;
  const a = player.audio;
  const sent = new Set();
  let heard = 0; // seconds of audio actually played, seeks not included
  let last = null;
  let speed = null;
  const send = (event, value) => {
    const body = JSON.stringify(value === undefined ? { event } : { event, value });
    const url = player.api + "articles/" + encodeURIComponent(player.id) + "/beacon";
    try {
      // text/plain: a simple request, no preflight; no cookie is ever set, so none is sent.
      navigator.sendBeacon(url, new Blob([body], { type: "text/plain" }));
    } catch (e) {
      /* stats are never worth an error */
    }
  };
  const sendSpeed = () => {
    if (a.playbackRate !== speed) {
      speed = a.playbackRate;
      send("speed", speed);
    }
  };
  const milestones = () => {
    const d = player.duration();
    if (!(d > 0) || player.status !== "ready") return; // a partial duration would count quarters early
    for (const m of [25, 50, 75, 100]) {
      if (!sent.has(m) && heard >= (d * m) / 100 - (m === 100 ? 1.5 : 0)) {
        sent.add(m);
        send("heard", m);
      }
    }
  };
  a.addEventListener("play", () => {
    if (!sent.has("play")) {
      sent.add("play");
      send("play");
    }
    sendSpeed();
  });
  a.addEventListener("ratechange", () => {
    if (!a.paused) sendSpeed();
  });
  a.addEventListener("seeking", () => (last = null));
  a.addEventListener("timeupdate", () => {
    const t = a.currentTime;
    if (last !== null && !a.paused && t > last && t - last < 3) heard += t - last;
    last = t;
    milestones();
  });
  a.addEventListener("ended", () => {
    const d = player.duration();
    if (d > 0 && heard >= d * 0.9 && !sent.has(100)) {
      heard = d;
      milestones();
    }
  });
}

function initialData(root) {
  const script = root.querySelector('script[type="application/json"]');
  if (!script) return {};
  try {
    return JSON.parse(script.textContent);
  } catch (e) {
    return {};
  }
}

// ---- the form on / : paste or upload, then play while it renders ----------------------------

function wireCreateForm(form) {
  const $ = (sel) => form.querySelector(sel);
  const root = document.getElementById(form.dataset.player);
  const maxBytes = parseInt(form.dataset.maxBytes, 10) || 2000000;
  const error = $(".error");
  const go = $("button[type=submit]");
  const label = go.textContent;
  const fail = (msg) => {
    error.textContent = msg;
    error.hidden = false;
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    const common = {};
    const title = $("[name=title]").value.trim();
    const voice = $("[name=voice]").value;
    const rate = parseInt($("[name=rate]").value, 10);
    if (title) common.title = title;
    if (voice) common.voice = voice;
    if (rate) common.rate = rate;
    const file = $("[name=file]");
    let payload;
    if (file.files.length) {
      const f = file.files[0];
      if (f.size > maxBytes) return fail(`That file is ${Math.ceil(f.size / 1000)} KB; the limit is ${Math.floor(maxBytes / 1000)} KB.`);
      payload = new FormData();
      payload.append("file", f);
      for (const [k, v] of Object.entries(common)) payload.append(k, String(v));
    } else {
      const text = $("[name=text]");
      const value = text.value.trim();
      if (!value) {
        text.focus();
        return fail("Paste some text or choose a file first.");
      }
      if (new Blob([value]).size > maxBytes) return fail(`That text is too long; the limit is ${Math.floor(maxBytes / 1000)} KB.`);
      payload = /^https?:\/\/\S+$/i.test(value) ? { url: value, ...common } : { text: value, ...common };
    }
    go.disabled = true;
    go.textContent = "Starting…";
    try {
      const made = await createArticle(apiBase(root), payload);
      root.hidden = false;
      for (const n of document.querySelectorAll("[data-listen-sample-note]")) n.hidden = true;
      const player = mountPlayer(root, { id: made.id, urls: { audio_url: made.audio_url }, autoplay: true });
      const share = document.querySelector("[data-listen-share]");
      if (share) {
        const link = share.querySelector("a");
        link.href = made.page_url || (form.dataset.pageBase || "/a/") + encodeURIComponent(made.id);
        link.textContent = link.href;
        share.hidden = false;
      }
      showArticleAddress(form, made);
      const reduce = matchMedia("(prefers-reduced-motion: reduce)").matches;
      player.programmaticScrollUntil = Date.now() + 1200; // not a user scroll: keep following
      root.scrollIntoView({ block: "start", behavior: reduce ? "auto" : "smooth" });
    } catch (err) {
      fail(err.message || "Something went wrong. Try again.");
    } finally {
      go.disabled = false;
      go.textContent = label;
    }
  });
}

function showArticleAddress(form, made) {
  // The address bar follows the article, so a reload or a copied link brings it back. Our own
  // path (not page_url, which may name another host when the API is elsewhere).
  const path = (form.dataset.pageBase || "/a/") + encodeURIComponent(made.id);
  if (location.pathname === path) return;
  try {
    history.pushState({ listenArticle: made.id }, "", path);
    shownPath = path;
  } catch (e) {
    /* a sandboxed frame may not change its address */
  }
}

// Back from an article's address to the form: show the page that address names (a fragment
// link, like "Skip to content", also fires popstate but stays on the same path).
let shownPath = location.pathname;
window.addEventListener("popstate", () => {
  if (location.pathname !== shownPath) location.reload();
});

// ---- the voice menu on / : hear a voice before choosing it --------------------------------------

function wireVoicePreview(form) {
  const select = form.querySelector("[name=voice]");
  const button = form.querySelector("[data-listen-preview]");
  if (!select || !button) return;
  const root = document.getElementById(form.dataset.player);
  const audio = new Audio();
  const label = button.textContent;
  const reset = () => {
    button.textContent = label;
    button.setAttribute("aria-pressed", "false");
  };
  audio.addEventListener("ended", reset);
  audio.addEventListener("pause", reset);
  audio.addEventListener("error", () => {
    reset();
    form.querySelector(".error").textContent = "That voice's sample could not be played.";
    form.querySelector(".error").hidden = false;
  });
  button.addEventListener("click", () => {
    if (!audio.paused) return audio.pause();
    // "Automatic" sounds like the first voice listed: the reader's language's default.
    const voice = select.value || (select.options[1] && select.options[1].value);
    if (!voice) return;
    audio.src = apiBase(root) + "voices/preview.mp3?voice=" + encodeURIComponent(voice);
    button.textContent = "Loading…";
    button.setAttribute("aria-pressed", "true");
    audio.play().then(() => (button.textContent = "■ Stop")).catch(reset);
  });
  select.addEventListener("change", () => audio.pause());
}

// Once there is an article in the box, its language's voices move to the top of the menu.
function wireVoiceOrder(form) {
  const select = form.querySelector("[name=voice]");
  const text = form.querySelector("[name=text]");
  if (!select || !text) return;
  const root = document.getElementById(form.dataset.player);
  let timer = 0;
  let asked = "";
  const reorder = async () => {
    const sample = text.value.trim().slice(0, 5000);
    if (sample.length < 40 || /^\S+$/.test(sample) || sample === asked) return; // an address says no language
    asked = sample;
    let answer;
    try {
      answer = await getJSON(apiBase(root) + "voices/for-text", {
        method: "POST", body: JSON.stringify({ text: sample }), headers: { "Content-Type": "application/json" },
      });
    } catch (e) {
      return; // the menu keeps its order
    }
    if (sample !== asked) return; // the text changed meanwhile
    const byId = new Map([...select.options].map((o) => [o.value, o]));
    for (const id of answer.order) {
      const option = byId.get(id);
      if (option) select.append(option); // appending moves it: the menu ends up in the answer's order
    }
    const auto = byId.get("");
    if (auto) select.prepend(auto);
    select.dataset.language = answer.language;
  };
  text.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(reorder, 600);
  });
}

// ---- inside an iframe: tell the host (the widget) how tall the player wants to be ------------

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

// ---- inside an iframe: let the host page (the widget's data-source mode) follow along -------
//
// The frame tells its parent the sentences and which one is being read; the parent may ask
// to play from a sentence. The article's text is public, so any parent may hear it.

function bridgeToHost(root) {
  const player = root._listenPlayer;
  const tell = (msg) => window.parent.postMessage(msg, "*");
  const sentences = () => player.sentences.map((s) => ({ index: s.index, paragraph: s.paragraph, text: s.text }));
  root.addEventListener("listen:sentences", () => tell({ type: "listen:sentences", sentences: sentences() }));
  root.addEventListener("listen:current", (e) => tell({ type: "listen:current", index: e.detail.index }));
  window.addEventListener("message", (e) => {
    const d = e.data;
    if (e.source !== window.parent || !d || typeof d !== "object") return;
    if (d.type === "listen:seek" && Number.isInteger(d.index)) player.playSentence(d.index);
    else if (d.type === "listen:hello") {
      tell({ type: "listen:sentences", sentences: sentences() });
      tell({ type: "listen:current", index: player.current });
    }
  });
  if (player.sentences.length) tell({ type: "listen:sentences", sentences: sentences() });
}

for (const form of document.querySelectorAll("form[data-listen-create]")) {
  wireCreateForm(form);
  wireVoicePreview(form);
  wireVoiceOrder(form);
}

for (const root of document.querySelectorAll("[data-listen-player]")) {
  if (!root.dataset.articleId) continue;
  const init = initialData(root);
  mountPlayer(root, { id: root.dataset.articleId, article: init.article, urls: init.urls, autoplay: root.hasAttribute("data-autoplay") });
  if (window.parent !== window && root.hasAttribute("data-compact")) {
    reportHeight(root);
    bridgeToHost(root);
  }
}
