// The player itself: its main controls, loading and polling an article, playback, and the
// remembered position; it puts together the text (text.js, highlight.js, follow.js), the more
// controls (more.js), the shortcuts, the media session and the beacons. Framework-free, for
// the page, /a/<id> and /embed/<id>; each page's entry module (home.js, article.js, embed.js) starts it.
//
// Markup: <div data-listen-player data-article-id="ID" data-api="https://host/api/v1/"></div>
// startPlayers() mounts the roots with an article id; the home page calls mountPlayer() after a POST.
// Article text is only ever inserted with textContent: it is untrusted.

import { trackListening } from "./beacons.js";
import { reveal, watchScrolls } from "./follow.js";
import { highlight, highlightAt } from "./highlight.js";
import { showMetadata, showPlaybackState, showPosition, wireMediaSession } from "./media-session.js";
import { buildExtras } from "./more.js";
import { SKIP_S, activate } from "./shortcuts.js";
import { renderText, sentenceKeys } from "./text.js";
import { apiBase, el, formatTime, getJSON, store } from "./util.js";

const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3];
const POLL_MS = 800;
const RESUME_MIN_S = 5;
const FAILED_ADVICE = "Nothing here can play. Try again in a minute, or with another voice from the home page.";
const CANCELLED_ADVICE = "What was read aloud so far is kept: ask for the article again and it carries on from there.";

class Player {
  constructor(root, opts = {}) {
    this.root = root;
    this.api = apiBase(root);
    this.id = opts.id || root.dataset.articleId;
    // At once, not after the first load: the page (and its address) names this article from now on.
    if (this.id) root.dataset.articleId = this.id;
    this.autoplay = !!opts.autoplay;
    this.compact = root.hasAttribute("data-compact");
    this.sentences = [];
    this.nodes = new Map(); // sentence index -> span
    this.current = -1;
    this.partNode = null; // the lit part of a long sentence, if any
    this.wordNode = null; // the lit word of the current sentence, if its words are timed
    this.frameLoop = 0; // the requestAnimationFrame that lights the words while the audio plays
    this.durationMs = 0;
    this.expectedMs = 0; // while rendering: the article's expected length, from its words and the rate
    this.status = null;
    this.urls = opts.urls || {};
    this.userScrollUntil = 0;
    this.readerScrolled = false; // the reader scrolled the text panel: do not follow until asked
    this.programmaticScrollUntil = 0;
    this.lastSaved = 0;
    this.dragging = false;
    this.build();
    activate(this);
  }

  build() {
    const r = this.root;
    // A notice the page put in the root (the embed's: the article may be only a teaser) stays, in the panel.
    const notice = r.querySelector(".teaser-notice");
    r.textContent = "";
    r.classList.add("lp");
    r.setAttribute("role", "region");
    r.setAttribute("aria-label", "Article audio player");
    this.titleEl = el("h2", { class: "lp-title" });
    this.statusEl = el("p", { class: "lp-status", role: "status", "aria-live": "polite" });
    this.adviceEl = el("p", { class: "lp-advice", hidden: true });
    // Only where the page offers it (data-cancellable), and only while the article renders.
    this.cancelBtn = el("button", { type: "button", class: "lp-btn lp-cancel" }, "Stop rendering");
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
    panel.append(this.titleEl, ...(notice ? [notice] : []), this.statusEl, this.adviceEl, this.cancelBtn, this.resumeEl, bar, seekRow, this.followBtn);
    r.append(panel, this.audio, this.text);
    buildExtras(this, panel);

    const rate = parseFloat(store.getItem("listen:speed"));
    this.setSpeed(SPEEDS.includes(rate) ? rate : 1, false);
    this.wire();
  }

  wire() {
    const a = this.audio;
    this.root.addEventListener("pointerdown", () => activate(this));
    this.root.addEventListener("focusin", () => activate(this));
    this.playBtn.addEventListener("click", () => this.toggle());
    this.cancelBtn.addEventListener("click", () => this.cancel());
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
      reveal(this, true);
    });
    this.text.addEventListener("click", (e) => {
      const s = e.target.closest && e.target.closest(".lp-s");
      if (!s) return;
      const w = e.target.closest(".lp-w");
      if (w) this.playSentence(Number(s.dataset.index), Number(w.dataset.start));
      else this.playSentence(Number(s.dataset.index));
    });
    this.text.addEventListener("keydown", (e) => sentenceKeys(this, e));

    a.addEventListener("play", () => {
      this.onPlayState();
      this.follow();
    });
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
    a.addEventListener("ratechange", () => showPosition(this));
    a.addEventListener("error", () => {
      if (this.status === "ready" && a.error) this.setStatus("The audio could not be loaded. Try the MP3 link.");
    });
    window.addEventListener("pagehide", () => this.savePosition(true));
    watchScrolls(this);
    wireMediaSession(this);
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
    if (this.status !== "ready" && this.status !== "rendering") return; // failed or stopped: nothing to play
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
      if (this.status !== "rendering") return; // stopped meanwhile
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
          // Gone (withdrawn, cancelled elsewhere, forgotten): nothing here can play any more.
          this.update({ status: "failed", title: this.title, error: { message: e.message } });
          return;
        }
        continue; // a passing network or server hiccup: try again
      }
      if (this.status !== "rendering") return; // stopped while the poll was on its way
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
      renderText(this);
    }
    if (typeof data.duration_ms === "number" && data.duration_ms > 0) this.durationMs = data.duration_ms;
    else {
      const last = this.sentences.reduce((m, s) => Math.max(m, s.end_ms || 0), 0);
      this.durationMs = Math.max(this.durationMs, last);
    }
    if (typeof data.expected_ms === "number" && data.expected_ms > 0) this.expectedMs = data.expected_ms;
    this.adviceEl.hidden = true;
    if (data.status === "rendering") {
      const pct = Math.round((data.progress || 0) * 100);
      this.setStatus(`Preparing the audio… ${pct}%. You can start listening now.`);
      this.root.setAttribute("aria-busy", "true");
    } else if (data.status === "failed" || data.status === "cancelled") {
      this.stopAudio();
      const why = data.error && data.error.message ? data.error.message : String(data.error || "");
      if (data.status === "cancelled") this.showEnd("Rendering was stopped.", CANCELLED_ADVICE);
      else this.showEnd(`This article could not be read aloud. ${why}`.trim(), FAILED_ADVICE);
    } else {
      this.setStatus("");
      this.root.removeAttribute("aria-busy");
    }
    this.root.dataset.status = data.status || "";
    this.updateDuration();
    showMetadata(this);
    this.root.dispatchEvent(new CustomEvent("listen:update"));
  }

  sentencesChanged(next) {
    if (next.length !== this.sentences.length) return true;
    return next.some((s, i) => {
      const o = this.sentences[i];
      return !o || o.index !== s.index || o.start_ms !== s.start_ms || o.end_ms !== s.end_ms;
    });
  }

  // ---- stopping a render, and a render that failed ---------------------------------------

  async cancel() {
    // DELETE stops the render at its next chunk (what is cached stays); 404 or 410: already gone.
    this.cancelBtn.disabled = true;
    try {
      await getJSON(this.api + "articles/" + encodeURIComponent(this.id), { method: "DELETE" });
    } catch (e) {
      if (e.status !== 404 && e.status !== 410) {
        this.cancelBtn.disabled = false;
        this.setStatus(`The render could not be stopped: ${e.message}`);
        return;
      }
    }
    this.update({ status: "cancelled", title: this.title });
  }

  stopAudio() {
    this.audio.pause();
    this.audio.removeAttribute("src");
  }

  showEnd(message, advice) {
    // No live-looking controls (the page hides them by data-status): what happened, and what to do.
    this.setStatus(message);
    this.adviceEl.textContent = advice;
    this.adviceEl.hidden = false;
    this.root.removeAttribute("aria-busy");
  }

  // ---- playback ------------------------------------------------------------------------

  play() {
    if (this.status === "failed" || this.status === "cancelled") return Promise.resolve();
    activate(this);
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
    highlight(this, index);
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

  follow() {
    // timeupdate comes about every 250 ms, a word lasts about as long: the light follows the
    // audio frame by frame while it plays (and costs nothing when the page is hidden).
    if (this.frameLoop) return;
    const step = () => {
      const a = this.audio;
      if (a.paused || a.ended) {
        this.frameLoop = 0;
        return;
      }
      highlightAt(this, a.currentTime * 1000);
      this.frameLoop = requestAnimationFrame(step);
    };
    this.frameLoop = requestAnimationFrame(step);
  }

  onPlayState() {
    const playing = !this.audio.paused && !this.audio.ended;
    this.playIcon.textContent = playing ? "❚❚" : "▶";
    this.playBtn.setAttribute("aria-label", playing ? "Pause" : "Play");
    this.playBtn.title = playing ? "Pause (space or k)" : "Play (space or k)";
    this.root.classList.toggle("lp-playing", playing);
    if (playing) this.resumeEl.hidden = true;
    showPlaybackState(playing);
    showPosition(this);
  }

  /** The length the player shows: the real one, or while rendering the article's expected length. */
  shownLength() {
    const d = this.duration();
    const expected = this.status === "rendering" ? this.expectedMs / 1000 : 0;
    return expected > d ? { seconds: expected, estimate: true } : { seconds: d, estimate: false };
  }

  updateDuration() {
    const shown = this.shownLength();
    this.seek.max = String(shown.seconds > 0 ? shown.seconds.toFixed(2) : 0);
    this.totalEl.textContent = (shown.estimate ? "~" : "") + formatTime(shown.seconds);
    this.totalEl.title = shown.estimate ? "Expected length: the audio is still being made" : "";
    this.tick();
  }

  tick() {
    const t = this.audio.currentTime;
    if (!this.dragging) {
      this.seek.value = String(t);
      this.elapsedEl.textContent = formatTime(t);
    }
    const shown = this.shownLength();
    this.seek.setAttribute("aria-valuetext", `${formatTime(t)} of ${shown.estimate ? "about " : ""}${formatTime(shown.seconds)}`);
    highlightAt(this, t * 1000);
    this.savePosition(false);
    showPosition(this);
  }

  // ---- memory ---------------------------------------------------------------------------

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

  setStatus(msg) {
    this.statusEl.textContent = msg;
    this.statusEl.hidden = !msg;
  }
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

function initialData(root) {
  const script = root.querySelector('script[type="application/json"]');
  if (!script) return {};
  try {
    return JSON.parse(script.textContent);
  } catch (e) {
    return {};
  }
}

/** Start a player on every [data-listen-player] root that names an article; return those roots. */
export function startPlayers() {
  const roots = [];
  for (const root of document.querySelectorAll("[data-listen-player]")) {
    if (!root.dataset.articleId) continue;
    const init = initialData(root);
    mountPlayer(root, { id: root.dataset.articleId, article: init.article, urls: init.urls, autoplay: root.hasAttribute("data-autoplay") });
    roots.push(root);
  }
  return roots;
}
