// The home page's entry (/): the form to paste or upload an article, the sample's player, and
// the address bar that follows the article being played.

import { watchAddress } from "./address.js";
import { wireForm } from "./form.js";
import { startPlayers } from "./player.js";

watchAddress();
for (const form of document.querySelectorAll("form[data-listen-create]")) wireForm(form);
startPlayers();
