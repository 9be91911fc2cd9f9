// The embed's entry (/embed/<id>): the compact player or the bar, talking to the host page
// when it is framed (the widget, or an iframe pasted by hand).

import { talkToHost } from "./frame.js";
import { startPlayers } from "./player.js";

for (const root of startPlayers()) talkToHost(root);
