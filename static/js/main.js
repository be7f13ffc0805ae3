// Progressive enhancement: every page works without JavaScript; each module below finds the
// data- attributes it handles and adds to them. A screen with a module of its own adds it
// to MODULES (or loads it in its template's "scripts" block).
import * as confirm from "./confirm.js";
import * as copy from "./copy.js";
import * as filePick from "./file-pick.js";
import * as liveSearch from "./live-search.js";
import * as menu from "./menu.js";
import * as placardBuild from "./placard-build.js";
import * as showIf from "./show-if.js";
import * as submitOnce from "./submit-once.js";

const MODULES = [confirm, copy, filePick, liveSearch, menu, placardBuild, showIf, submitOnce];

for (const module of MODULES) {
  module.enhance(document);
}
