/*
 * listen widget: the one tag a publisher pastes.
 *
 *   <script src="https://HOST/widget.js" data-article-id="ID" async></script>
 *   <script src="https://HOST/widget.js" data-source="article .body" async></script>
 *
 * Optional: data-key (a public key bound to this site, when the server needs keys), data-title, data-voice, data-rate, data-accent="#b4461e", data-mode="light|dark|auto",
 * data-layout="bar|compact" (default: bar with data-source, whose text is already on the page;
 * compact, with the text, with data-article-id).
 * The player is an iframe of HOST/embed/<id> inside a shadow root placed right after the
 * script tag, so neither page can restyle the other. Nothing is left on window.
 * With data-source, the sentence being read is lit in the page's own element (each sentence
 * wrapped in a bare <span>, which does not change how it looks) and clicking one plays from it.
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

  var BAR_HEIGHT = 56;
  var MARK = "rgba(250, 204, 21, 0.38)"; // light enough on white and on dark pages
  var layout = data("layout") || (data("source") ? "bar" : "compact");
  var host = document.createElement("listen-player");
  host.setAttribute("data-listen-widget", "");
  script.parentNode.insertBefore(host, script.nextSibling);
  var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

  var style = document.createElement("style");
  style.textContent =
    ":host{all:initial;display:block;margin:1em 0;max-width:100%;contain:content}" +
    "iframe{display:block;width:100%;height:" + (layout === "bar" ? BAR_HEIGHT : 220) + "px;border:0;border-radius:10px;" +
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

  function show(embedUrl, title, source) {
    var url = new URL(embedUrl, base);
    if (layout === "bar") url.searchParams.set("layout", "bar");
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
      if (!d || typeof d !== "object") return;
      if (d.type === "listen:height" && layout !== "bar" && d.height > 40 && d.height < 2000) {
        frame.style.height = Math.round(d.height) + "px";
      } else if (source && d.type === "listen:sentences" && d.sentences && d.sentences.length) {
        follow.wrap(d.sentences);
      } else if (source && d.type === "listen:current") {
        follow.light(d.index);
      }
    });
    var follow = source ? follower(source, function (index) {
      frame.contentWindow.postMessage({ type: "listen:seek", index: index }, origin);
    }) : null;
    frame.addEventListener("load", function () {
      if (source) frame.contentWindow.postMessage({ type: "listen:hello" }, origin);
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
    var headers = { "Content-Type": "application/json" };
    // A public key, bound to this site's origin by the server's operator (never a secret key).
    if (data("key")) headers["X-API-Key"] = data("key");
    fetch(base + "api/v1/articles", {
      method: "POST",
      headers: headers,
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
        show(j.embed_url || base + "embed/" + encodeURIComponent(j.id), body.title, el);
      })
      .catch(function (e) {
        say("listen: the audio could not be prepared (" + e.message + ").", true);
      });
  }

  // ---- following along in the host page's own element ------------------------------------

  // Wrap each sentence the player reads in a bare span inside `root`, found by its text with
  // whitespace ignored (the page's line breaks and indents are not the article's), in order.
  function follower(root, seek) {
    var spans = {};
    var lit = null;
    var after = null; // the last sentence wrapped: later ones are searched for after it

    function textNodes() {
      var out = [];
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
        acceptNode: function (n) {
          var p = n.parentNode;
          if (!p || /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/.test(p.nodeName)) return NodeFilter.FILTER_REJECT;
          if (p.closest && p.closest("[data-listen-s]")) return NodeFilter.FILTER_REJECT;
          if (after && !(after.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING)) return NodeFilter.FILTER_REJECT;
          return NodeFilter.FILTER_ACCEPT;
        },
      });
      while (walker.nextNode()) out.push(walker.currentNode);
      return out;
    }

    function place(sentence) {
      var wanted = sentence.text.replace(/\s+/g, "");
      if (!wanted) return;
      var nodes = textNodes();
      var flat = "";
      var at = []; // for each character of `flat`: [node, offset]
      for (var i = 0; i < nodes.length; i++) {
        var t = nodes[i].nodeValue;
        for (var j = 0; j < t.length; j++) {
          if (/\s/.test(t[j])) continue;
          flat += t[j];
          at.push([nodes[i], j]);
        }
      }
      var k = flat.indexOf(wanted);
      if (k < 0) return; // not on the page as written (the headline, say): nothing to light
      var first = at[k];
      var last = at[k + wanted.length - 1];
      var made = [];
      for (var n = nodes.indexOf(first[0]); n <= nodes.indexOf(last[0]); n++) {
        var node = nodes[n];
        var start = node === first[0] ? first[1] : 0;
        var end = node === last[0] ? last[1] + 1 : node.nodeValue.length;
        if (!node.nodeValue.slice(start, end).trim()) continue;
        if (end < node.nodeValue.length) node.splitText(end);
        var piece = start > 0 ? node.splitText(start) : node;
        var span = document.createElement("span");
        span.setAttribute("data-listen-s", String(sentence.index));
        piece.parentNode.insertBefore(span, piece);
        span.appendChild(piece);
        made.push(span);
      }
      if (made.length) {
        spans[sentence.index] = made;
        after = made[made.length - 1];
      }
    }

    root.addEventListener("click", function (e) {
      var t = e.target;
      var s = t && t.closest ? t.closest("[data-listen-s]") : null;
      if (!s || !root.contains(s) || t.closest("a, button, input, select, textarea, label")) return;
      var sel = window.getSelection && window.getSelection();
      if (sel && !sel.isCollapsed) return; // the reader is selecting text, not asking to play
      seek(Number(s.getAttribute("data-listen-s")));
    });

    return {
      wrap: function (sentences) {
        for (var i = 0; i < sentences.length; i++) {
          var s = sentences[i];
          if (!spans[s.index] && typeof s.text === "string") place(s);
        }
      },
      light: function (index) {
        var i;
        if (lit) {
          for (i = 0; i < lit.length; i++) {
            lit[i].style.backgroundColor = "";
            lit[i].removeAttribute("data-listen-current");
          }
        }
        lit = spans[index] || null;
        if (!lit) return;
        for (i = 0; i < lit.length; i++) {
          lit[i].style.backgroundColor = MARK;
          lit[i].setAttribute("data-listen-current", "");
        }
      },
    };
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
