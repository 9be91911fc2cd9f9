// An article's page's entry (/a/<id>): its player, with the text. The home page may have put
// this address in the bar: back from it shows the home page again.

import { watchAddress } from "./address.js";
import { startPlayers } from "./player.js";

watchAddress();
startPlayers();
