/*
 * listen widget: the one tag a publisher pastes.
 *
 *   <script src="https://HOST/widget.js" data-article-id="ID" async></script>
 *   <script src="https://HOST/widget.js" data-source="article .body" async></script>
 *
 * Optional: data-key (a public key bound to this site), data-title, data-voice, data-rate,
 * data-accent="#b4461e", data-mode="light|dark|auto", data-layout="bar|compact" (default: bar
 * with data-source, compact with data-article-id), data-sticky (the bar docks to the viewport's
 * bottom while its article is read and keeps the lit sentence in view; × undocks it),
 * data-next="auto" or "ID or URL,..." (when the article ends, the next one plays: widget-next.js).
 * The player is an iframe of HOST/embed/<id> in a shadow root right after the script tag, so
 * neither page can restyle the other, and no host layout can hide it. Nothing is left on window.
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
  var MIN_WIDTH = 280; // the narrowest the player is made for
  var MARK = "rgba(250, 204, 21, 0.38)"; // light enough on white and on dark pages
  var layout = data("layout") || (data("source") ? "bar" : "compact");
  var sticky = script.hasAttribute("data-sticky") && data("sticky") !== "false";
  var next = data("next");
  var host = document.createElement("listen-player");
  host.setAttribute("data-listen-widget", "");
  script.parentNode.insertBefore(host, script.nextSibling);
  var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

  var style = document.createElement("style");
  // !important in the shadow root outranks the page's rules, its !important ones too: all:initial
  // undoes any reset or override. The minimum width drops the box below a float it does not fit
  // beside, where it would shrink to nothing (clear would push it below a whole sidebar).
  // flow-root, not contain: containment would pin the docked bar to the host, not the viewport.
  style.textContent =
    ":host{all:initial!important;display:flow-root!important;box-sizing:border-box!important;" +
    "min-width:min(" + MIN_WIDTH + "px,100vw - 32px)!important;max-width:100%!important;" +
    "margin:1em 0!important;flex:1 1 auto!important}" +
    ".box{display:block;width:100%;box-sizing:border-box}" +
    "iframe{display:block;width:100%;height:" + (layout === "bar" ? BAR_HEIGHT : 220) + "px;border:0;border-radius:10px;" +
    "color-scheme:normal;background:transparent}" +
    ".msg{font:14px/1.4 system-ui,sans-serif;color:#6a655d;padding:.5em 0}" +
    ".msg.err{color:#b3261e}" +
    ".box.docked{position:fixed;left:0;right:0;bottom:0;z-index:2147483646;padding:0 52px 8px 8px}" +
    ".box.docked iframe{box-shadow:0 2px 12px rgba(0,0,0,.25)}" +
    ".close{display:none;position:absolute;right:8px;bottom:14px;width:40px;height:40px;border:0;" +
    "border-radius:50%;background:#1d1b18;color:#fff;font:20px/40px system-ui,sans-serif;cursor:pointer;padding:0}" +
    ".box.docked .close{display:block}.box.docked .msg{display:none}.close:focus-visible{outline:3px solid #1a5fd0;outline-offset:2px}";
  var box = document.createElement("div");
  box.className = "box";
  var msg = document.createElement("div");
  msg.className = "msg";
  msg.setAttribute("role", "status");
  shadow.appendChild(style);
  box.appendChild(msg);
  shadow.appendChild(box);

  function say(text, isError) {
    msg.textContent = text;
    msg.className = isError ? "msg err" : "msg";
    msg.hidden = !text;
  }

  function embed(embedUrl) {
    var url = new URL(embedUrl, base);
    if (layout === "bar") url.searchParams.set("layout", "bar");
    if (data("accent")) url.searchParams.set("accent", data("accent"));
    if (data("mode") || data("theme")) url.searchParams.set("mode", data("mode") || data("theme"));
    return url;
  }

  function show(embedUrl, title, source) {
    var url = embed(embedUrl);
    var frame = document.createElement("iframe");
    var autoplay = false;
    frame.src = url.href;
    frame.title = "Listen: " + (title || "this article");
    frame.setAttribute("allow", "autoplay; encrypted-media");
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    var origin = url.origin;
    var dock = sticky && layout === "bar" ? docker(source) : null;
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
      } else if (d.type === "listen:playing") {
        if (dock) dock.playing(!!d.playing);
        if (d.ended && next) ahead();
      } else if (d.type === "listen:notice" && layout === "bar") {
        say(String(d.text)); // a teaser: the bar has no room for the embed's own notice
      }
    });
    // data-next: widget-next.js picks the next article and swaps it into this frame (a docked bar stays).
    var w = { spec: next, base: base, key: data("key"), box: box, style: style, url: source && location.href };
    w.swap = function (embedUrl, name) {
      if (follow) follow.light(-1);
      source = follow = null; // the page's own text was the first article's
      if (dock) dock.free();
      say(""); // the first article's notice
      autoplay = true;
      frame.title = "Listen: " + name;
      frame.src = embed(embedUrl).href;
    };
    function ahead() {
      import(base + "widget-next.js").then(function (m) {
        m.upNext(w);
      });
    }
    var follow = source ? follower(source, function (index) {
      if (source) frame.contentWindow.postMessage({ type: "listen:seek", index: index }, origin);
    }, dock) : null;
    frame.addEventListener("load", function () {
      if (source || dock || next) frame.contentWindow.postMessage({ type: "listen:hello" }, origin);
      if (autoplay) frame.contentWindow.postMessage({ type: "listen:play" }, origin);
    });
    say("");
    box.insertBefore(frame, box.firstChild);
  }

  // ---- data-sticky: the bar follows the reader ---------------------------------------------

  // The bar docks to the viewport's bottom once the audio has played, while its article is on
  // screen and its own place is not; a pause leaves it there, to carry on from. × undocks it.
  function docker(article) {
    var state = { played: false, articleSeen: !article, placeSeen: true, closed: false };
    var close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.setAttribute("aria-label", "Close the docked player");
    close.textContent = "×";
    close.addEventListener("click", function () {
      state.closed = true;
      update();
    });
    box.appendChild(close);
    var spacer = document.createElement("div"); // holds the bar's place: the page does not jump
    spacer.className = "spacer";
    shadow.appendChild(spacer);
    style.textContent += ".spacer{display:none;height:" + BAR_HEIGHT + "px}.box.docked~.spacer{display:block}";
    function update() {
      var on = state.played && state.articleSeen && !state.placeSeen && !state.closed;
      box.classList.toggle("docked", on);
      host.toggleAttribute("data-docked", on);
    }
    if ("IntersectionObserver" in window) {
      var seen = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (e.target === host) state.placeSeen = e.isIntersecting;
          else if (article) state.articleSeen = e.isIntersecting;
        });
        update();
      });
      seen.observe(host);
      if (article) seen.observe(article);
    }
    return {
      playing: function (on) {
        state.played = state.played || on;
        update();
      },
      free: function () { // the next article is not on this page
        article = null;
        state.articleSeen = true;
        update();
      },
      covers: function () { // how much of the viewport's bottom the docked bar takes
        return box.classList.contains("docked") ? box.getBoundingClientRect().height : 0;
      },
    };
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
  function follower(root, seek, dock) {
    var spans = {};
    var lit = null;
    var after = null; // the last sentence wrapped: later ones are searched for after it
    var away = false; // the reader scrolled the lit sentence out of view on purpose
    var touched = 0; // when the reader last used a wheel, a finger or a key
    if (dock) {
      var input = function () {
        touched = Date.now();
      };
      window.addEventListener("wheel", input, { passive: true });
      window.addEventListener("touchmove", input, { passive: true });
      window.addEventListener("keydown", input);
      window.addEventListener("scroll", function () {
        // Only the reader's own scrolls count (ours follow no wheel, finger or key).
        if (lit && Date.now() - touched < 500) away = !inView(lit);
      }, { passive: true });
    }

    function bounds(nodes) {
      var top = nodes[0].getBoundingClientRect().top;
      return { top: top, bottom: nodes[nodes.length - 1].getBoundingClientRect().bottom, room: window.innerHeight - dock.covers() };
    }

    function inView(nodes) {
      var b = bounds(nodes);
      return b.bottom > 0 && b.top < b.room;
    }

    function keepInView(nodes) {
      if (away) {
        away = !inView(nodes); // back at it: follow again
        return;
      }
      var b = bounds(nodes);
      if (b.top >= 0 && b.bottom <= b.room) return;
      var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      window.scrollBy({ top: b.top - b.room / 3, behavior: reduce ? "auto" : "smooth" });
    }

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
      away = false;
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
        if (dock) keepInView(lit);
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
