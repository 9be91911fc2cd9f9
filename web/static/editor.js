// The editor's page (/a/<id>/edit): the script sentence by sentence, the publisher's word rules,
// skips and pauses; Preview renders one sentence with the rules not yet saved, Save renders the
// article again (only changed sentences go to the engine) and moves the page to the new rendition.

const root = document.getElementById("editor");
const api = root.dataset.api;
const state = { id: root.dataset.articleId, token: root.dataset.token, rules: [], sentences: [] };
const $ = (name) => root.querySelector(`[data-editor-${name}]`);

function say(message) {
  $("status").textContent = message;
}

async function call(method, path, body) {
  const response = await fetch(`${api}articles/${state.id}/${path}`, {
    method,
    headers: { "Content-Type": "application/json", "X-Edit-Token": state.token },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error ? data.error.message : `Error ${response.status}`);
  return data;
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function showRules() {
  const body = $("rules");
  body.replaceChildren();
  state.rules.forEach((rule, i) => {
    const row = element("tr");
    row.append(element("td", {}, rule.match), element("td", {}, rule.say || ""));
    const remove = element("button", { type: "button" }, "Remove");
    remove.addEventListener("click", () => {
      state.rules.splice(i, 1);
      showRules();
    });
    const cell = element("td");
    cell.append(remove);
    row.append(cell);
    body.append(row);
  });
}

function sentenceItem(s) {
  const item = element("li", { class: "editor-sentence", "data-index": s.index });
  const skip = element("input", { type: "checkbox", "aria-label": "Skip this sentence", "data-skip": "" });
  skip.checked = s.skipped;
  skip.addEventListener("change", () => item.classList.toggle("skipped", skip.checked));
  item.classList.toggle("skipped", s.skipped);
  const tools = element("span", { class: "tools" });
  const pause = element("input", {
    type: "number", min: "0", max: "10000", step: "250", value: String(s.pause_ms), "data-pause": "",
  });
  const label = element("label", {}, "Pause after ");
  label.append(pause, " ms");
  const listen = element("button", { type: "button", "data-preview": "" }, "Preview");
  listen.addEventListener("click", () => preview(s.index, item));
  tools.append(label, listen);
  item.append(skip, element("span", { class: "written" }, s.text), tools, element("span", { class: "spoken" }, s.spoken));
  return item;
}

function showScript() {
  const groups = new Map();
  for (const s of state.sentences) {
    if (!groups.has(s.paragraph)) groups.set(s.paragraph, []);
    groups.get(s.paragraph).push(s);
  }
  const box = $("script");
  box.replaceChildren();
  for (const [paragraph, sentences] of groups) {
    const section = element("section", { class: "editor-paragraph" });
    const label = paragraph < 0 ? "Headline and byline" : `Paragraph ${paragraph + 1}`;
    const skipAll = element("button", { type: "button" }, `Skip ${paragraph < 0 ? "these" : "this paragraph"}`);
    const list = element("ul", { class: "editor-sentences" });
    skipAll.addEventListener("click", () => {
      for (const box of list.querySelectorAll("[data-skip]")) {
        box.checked = true;
        box.dispatchEvent(new Event("change"));
      }
    });
    section.append(element("h3", {}, label), skipAll, list);
    list.append(...sentences.map(sentenceItem));
    box.append(section);
  }
}

async function load() {
  const script = await call("GET", "script");
  state.rules = script.rules;
  state.sentences = script.sentences;
  $("title").textContent = `Edit what is said: ${script.title || "untitled article"}`;
  showRules();
  showScript();
}

async function preview(index, item) {
  say("Rendering a preview…");
  try {
    const heard = await call("POST", "preview", { sentence: index, rules: state.rules });
    item.querySelector(".spoken").textContent = heard.spoken;
    const audio = $("audio");
    audio.src = heard.audio_url;
    audio.dataset.preview = String(index);
    say("Preview ready: press play to hear it.");
    audio.play().catch(() => {}); // a browser may want a click first; the controls are there
  } catch (error) {
    say(error.message);
  }
}

function edits() {
  const skip = [];
  const pauses = [];
  for (const item of root.querySelectorAll(".editor-sentence")) {
    const index = Number(item.dataset.index);
    if (item.querySelector("[data-skip]").checked) skip.push(index);
    const ms = Number(item.querySelector("[data-pause]").value || 0);
    if (ms > 0) pauses.push({ after: index, ms: Math.round(ms) });
  }
  return { rules: state.rules, skip, pauses };
}

async function waitUntilReady() {
  for (;;) {
    const response = await fetch(`${api}articles/${state.id}`);
    const article = await response.json();
    if (article.status === "ready") return;
    if (article.status === "failed") throw new Error(article.error || "The render failed.");
    say(`Rendering… ${article.done || 0} of ${article.total || "?"} sentences`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function save() {
  say("Saving…");
  try {
    const saved = await call("PUT", "script", edits());
    const link = new URL(saved.edit_url);
    state.id = saved.id;
    state.token = link.searchParams.get("token");
    history.replaceState(null, "", link.pathname + link.search);
    await waitUntilReady();
    const audio = $("audio");
    audio.src = saved.audio_url;
    delete audio.dataset.preview;
    await load();
    say("Saved and rendered.");
  } catch (error) {
    say(error.message);
  }
}

$("rule-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const match = $("match").value.trim();
  const spoken = $("say").value.trim();
  if (!match || !spoken) return;
  state.rules = state.rules.filter((rule) => rule.match.toLowerCase() !== match.toLowerCase());
  state.rules.push({ match, say: spoken });
  $("match").value = "";
  $("say").value = "";
  showRules();
  say(`Rule added: preview a sentence with “${match}” to hear it, then save.`);
});
$("save").addEventListener("click", save);
load().catch((error) => say(error.message));
