// The form on the home page: paste or upload an article, then play it while it renders; hear
// a voice before choosing it; the article's language's voices move to the top of the menu.

import { showArticleAddress } from "./address.js";
import { mountPlayer } from "./player.js";
import { apiBase, getJSON } from "./util.js";

/** Wire one form[data-listen-create]: posting, the voice preview, the voice menu's order. */
export function wireForm(form) {
  wireCreateForm(form);
  wireVoicePreview(form);
  wireVoiceOrder(form);
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

// Hear a voice before choosing it.
function wireVoicePreview(form) {
  const select = form.querySelector("[name=voice]");
  const button = form.querySelector("[data-listen-preview]");
  if (!select || !button) return;
  const root = document.getElementById(form.dataset.player);
  const audio = new Audio();
  // The button's name is its visible words (Hear it, Loading…, Stop): the icon is decoration.
  const show = (icon, words) => {
    button.querySelector("[data-icon]").textContent = icon;
    button.querySelector("[data-label]").textContent = words;
  };
  const reset = () => show("▶", "Hear it");
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
    show("…", "Loading");
    audio.play().then(() => show("■", "Stop")).catch(reset);
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
      if (!option) continue;
      // Appending moves it: the menu ends up in the answer's order, each language's group
      // (whose voices the answer lists together) moved after the one before it.
      const group = option.parentElement === select ? null : option.parentElement;
      if (group) {
        select.append(group);
        group.append(option);
      } else {
        select.append(option);
      }
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
