// The system's media controls (lock screen, headset keys, the browser's media hub): what is
// playing and where in it, and play, pause and seek from there.

import { SKIP_S, activate } from "./shortcuts.js";

/** Let the system's controls drive this player. */
export function wireMediaSession(p) {
  if (!("mediaSession" in navigator)) return;
  const a = p.audio;
  const ms = navigator.mediaSession;
  const handlers = {
    play: () => p.play(),
    pause: () => a.pause(),
    stop: () => a.pause(),
    seekbackward: (d) => p.skip(-((d && d.seekOffset) || SKIP_S)),
    seekforward: (d) => p.skip((d && d.seekOffset) || SKIP_S),
    seekto: (d) => {
      if (d && typeof d.seekTime === "number") p.seekTo(d.seekTime);
    },
  };
  for (const [name, fn] of Object.entries(handlers)) {
    try {
      ms.setActionHandler(name, (d) => {
        activate(p);
        fn(d);
      });
    } catch (e) {
      /* the browser does not know this action */
    }
  }
}

/** Name what is playing: the article's title. */
export function showMetadata(p) {
  if (!("mediaSession" in navigator) || typeof MediaMetadata === "undefined") return;
  const title = p.title || "Article";
  const ms = navigator.mediaSession;
  if (ms.metadata && ms.metadata.title === title) return;
  ms.metadata = new MediaMetadata({ title, artist: "listen", album: location.host });
}

export function showPlaybackState(playing) {
  if ("mediaSession" in navigator) navigator.mediaSession.playbackState = playing ? "playing" : "paused";
}

/** Tell the system how long the audio is, where we are in it and how fast it plays. */
export function showPosition(p) {
  if (!("mediaSession" in navigator) || !navigator.mediaSession.setPositionState) return;
  const d = p.duration();
  if (!(d > 0) || !isFinite(d)) return;
  try {
    navigator.mediaSession.setPositionState({
      duration: d,
      playbackRate: p.audio.playbackRate || 1,
      position: Math.min(p.audio.currentTime, d),
    });
  } catch (e) {
    /* a stale position during a source swap */
  }
}
