/*
 * listen widget: the one tag a publisher pastes.
 *
 *   <script src="https://HOST/widget.js" data-article-id="ID" async></script>
 *   <script src="https://HOST/widget.js" data-source="article .body" async></script>
 *
 * Optional: data-title, data-voice, data-rate, data-accent="#b4461e", data-mode="light|dark|auto".
 * The player is an iframe of HOST/embed/<id> inside a shadow root placed right after the
 * script tag, so neither page can restyle the other. Nothing is left on window.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src || script.getAttribute("data-listen-done")) return;
  script.setAttribute("data-listen-done", "1");

  var src = new URL(script.src, document.baseURI);
  // The app's root: everything up to widget.js, so a path prefix survives.
  var base = src.href.replace(/[?#].*$/, "").replace(/widget\.js$/, "");
  var data = function (name) {
    var v = script.getAttribute("data-" + name);
    return v === null ? "" : v.trim();
  };

  var host = document.createElement("listen-player");
  host.setAttribute("data-listen-widget", "");
  script.parentNode.insertBefore(host, script.nextSibling);
  var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

  var style = document.createElement("style");
  style.textContent =
    ":host{all:initial;display:block;margin:1em 0;max-width:100%;contain:content}" +
    "iframe{display:block;width:100%;height:220px;border:0;border-radius:10px;" +
    "color-scheme:normal;background:transparent}" +
    ".msg{font:14px/1.4 system-ui,sans-serif;color:#6a655d;padding:.5em 0}" +
    ".msg.err{color:#b3261e}";
  var msg = document.createElement("div");
  msg.className = "msg";
  msg.setAttribute("role", "status");
  shadow.appendChild(style);
  shadow.appendChild(msg);

  function say(text, isError) {
    msg.textContent = text;
    msg.className = isError ? "msg err" : "msg";
    msg.hidden = !text;
  }

  function show(embedUrl, title) {
    var url = new URL(embedUrl, base);
    if (data("accent")) url.searchParams.set("accent", data("accent"));
    if (data("mode") || data("theme")) url.searchParams.set("mode", data("mode") || data("theme"));
    var frame = document.createElement("iframe");
    frame.src = url.href;
    frame.title = "Listen: " + (title || "this article");
    frame.setAttribute("allow", "autoplay; encrypted-media");
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    var origin = url.origin;
    window.addEventListener("message", function (e) {
      if (e.source !== frame.contentWindow || e.origin !== origin) return;
      var d = e.data;
      if (d && d.type === "listen:height" && d.height > 40 && d.height < 2000) {
        frame.style.height = Math.round(d.height) + "px";
      }
    });
    say("");
    shadow.appendChild(frame);
  }

  function create() {
    var el;
    try {
      el = document.querySelector(data("source"));
    } catch (e) {
      return say("listen: data-source is not a valid CSS selector.", true);
    }
    var text = el && (el.innerText || el.textContent || "").trim();
    if (!text) return say("listen: nothing to read at " + data("source") + ".", true);
    var body = { text: text, title: data("title") || document.title || undefined };
    if (data("voice")) body.voice = data("voice");
    if (data("rate")) body.rate = Number(data("rate"));
    say("Preparing audio…");
    fetch(base + "api/v1/articles", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
    })
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) throw new Error((j && j.error && j.error.message) || "status " + r.status);
          return j;
        });
      })
      .then(function (j) {
        show(j.embed_url || base + "embed/" + encodeURIComponent(j.id), body.title);
      })
      .catch(function (e) {
        say("listen: the audio could not be prepared (" + e.message + ").", true);
      });
  }

  if (data("article-id")) {
    show(base + "embed/" + encodeURIComponent(data("article-id")), data("title"));
  } else if (data("source")) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", create);
    else create();
  } else {
    say("listen: add data-article-id or data-source to the widget's script tag.", true);
  }
})();
