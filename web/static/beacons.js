// Listening stats: beacons that count a play, each quarter heard and the speed, never who.
// Nothing is sent under Do Not Track or Global Privacy Control, and no cookie is ever set.

export function trackListening(player) {
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
