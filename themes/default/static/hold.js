// @ts-check
// The bets a reader holds: kept in the address (`?hold=ID,ID`) so it can be
// shared, and in the browser's storage so it follows them from page to page
// and tab to tab, as the reader's view is (view.js). Parsed strictly: an
// entry that is not a bet of this site is left out, with a note naming it
// (as text: hold-ui.js shows notes through text nodes only). What a future
// means for the held bets is model.js's (`exposure`, `uncovered`); what
// shows it is hold-ui.js.
import { exposure, uncovered } from "./model.js";
import { load as loadView } from "./view.js";
import { holdKey } from "./view-key.js";

/** @typedef {import("./model.js").Model} Model */
/** @typedef {import("./model.js").Numbers} Numbers */
/** @typedef {import("./model.js").Exposure} Exposure */
/** @typedef {import("./view.js").View} View */

// An address may hold anything: past this many, the notes say how many more.
const MOST_NOTES = 10;

/** `text` (the address's or storage's form) as the ids of bets held, each
 * once in the order given, and a note for each entry left out.
 * @param {Model} m @param {string} text
 * @returns {{ ids: string[], notes: string[] }} */
export function parseHold(m, text) {
  /** @type {string[]} */
  const ids = [];
  /** @type {string[]} */
  const wrong = [];
  text.split(",").forEach((raw) => {
    const id = raw.trim();
    if (!id) return;
    if (!(id in m.bets)) wrong.push(id);
    else if (!ids.includes(id)) ids.push(id);
  });
  const notes = wrong.slice(0, MOST_NOTES).map((id) => `“${id}” is not a bet of this site`);
  if (wrong.length > MOST_NOTES) notes.push(`and ${wrong.length - MOST_NOTES} more entries that are not bets of this site`);
  return { ids, notes };
}

/** The held ids in the address's form.
 * @param {string[]} ids */
export function holdText(ids) {
  return ids.join(",");
}

/**
 * The bets a reader holds on graph `m`: `ids` (in the order they were
 * marked), notes on what the address or storage (`from`) held that was
 * left out. `toggle`, `remove` and `clear` change it; every change is
 * written to the address and storage and told to the functions given to
 * `subscribe`. What each future means for the held bets is found once per
 * change of them (`exposure`): it does not depend on the reader's view,
 * only the probabilities it is weighed by do (`uncovered`).
 */
export class Hold {
  /** @param {Model} m @param {string} key */
  constructor(m, key) {
    this.m = m;
    this.key = key;
    /** @type {{ fn: (hold: Hold) => void, owner: Element | undefined }[]} */
    this.listeners = [];
    const asked = new URLSearchParams(location.search).get("hold");
    const parsed = parseHold(m, asked != null ? asked : stored(key));
    /** Where the bets were read from, which the notes name. */
    this.from = asked != null ? "address" : "storage";
    this.notes = parsed.notes;
    /** @type {string[]} */
    this.ids = parsed.ids;
    /** @type {Map<string, Exposure>} */
    this.found = new Map();
  }

  get active() { return this.ids.length > 0; }

  /** @param {string} id */
  has(id) { return this.ids.includes(id); }

  /** Marks bet `id` held, or no longer held.
   * @param {string} id */
  toggle(id) {
    if (this.has(id)) this.remove(id);
    else if (id in this.m.bets) this.change([...this.ids, id]);
  }

  /** @param {string} id */
  remove(id) { this.change(this.ids.filter((b) => b !== id)); }

  clear() { this.change([]); }

  /** `fn(hold)` after every change; dropped once `owner` (an element) leaves the page.
   * @param {(hold: Hold) => void} fn @param {Element} [owner] */
  subscribe(fn, owner) { this.listeners.push({ fn, owner }); }

  /** @param {string[]} ids */
  change(ids) {
    this.ids = ids;
    this.notes = [];
    this.found.clear();
    save(this.key, ids);
    this.listeners = this.listeners.filter((l) => !l.owner || l.owner.isConnected);
    this.listeners.forEach((l) => l.fn(this));
  }

  /** What future `id` happening means for the held bets (model.js `exposure`), found once.
   * @param {string} id @returns {Exposure} */
  exposure(id) {
    let e = this.found.get(id);
    if (!e) {
      e = exposure(this.m, id, this.ids);
      this.found.set(id, e);
    }
    return e;
  }

  /** The uncovered futures at the probabilities `nums` (the reader's view).
   * @param {Record<string, Numbers>} nums */
  uncovered(nums) {
    return uncovered(this.m, nums, this.ids, (id) => this.exposure(id));
  }
}

/** @param {string} key */
function stored(key) {
  try { return localStorage.getItem(key) || ""; } catch (_) { return ""; }
}

/** Storage and the address carry the bets at once (a toggle is one click);
 * holding none leaves both clean.
 * @param {string} key @param {string[]} ids */
function save(key, ids) {
  const text = holdText(ids);
  try {
    if (text) localStorage.setItem(key, text); else localStorage.removeItem(key);
  } catch (_) { /* private mode: the bets stay in the address only */ }
  const params = new URLSearchParams(location.search);
  params.delete("hold");
  // Ids are URL-safe: written as they are, the address stays readable.
  const rest = params.toString(), query = [rest, text ? "hold=" + text : ""].filter(Boolean).join("&");
  history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
}

/** @type {Map<string, Promise<{ m: Model, view: View, hold: Hold }>>} */
const loaded = new Map();
/** The graph of `url` (graph.json), the reader's view of it and the bets
 * they hold, loaded once per page.
 * @param {string} url */
export function load(url) {
  let got = loaded.get(url);
  if (!got) {
    got = loadView(url).then(({ m, view }) => {
      const hold = new Hold(m, holdKey(new URL(m.data.base_url).pathname));
      // What storage brought, or the valid part of the address, is written
      // back: what was left out is gone from both.
      if (hold.active || hold.notes.length || new URLSearchParams(location.search).has("hold")) save(hold.key, hold.ids);
      // A change in another tab of the same site shows here too.
      addEventListener("storage", (e) => {
        if (e.key === hold.key && e.newValue !== holdText(hold.ids)) hold.change(parseHold(m, e.newValue || "").ids);
      });
      return { m, view, hold };
    });
    loaded.set(url, got);
  }
  return got;
}
