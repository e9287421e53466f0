// @ts-check
// The reader's own view: which futures they gave their own value, kept in
// the address (`?view=ID:V,ID:V`, V a number from 0 to 1, `yes` or `no`)
// so it can be shared, and in the browser's storage so it follows them
// from page to page. The view is data, parsed strictly: an entry that is
// not `ID:V` for a future of this site, or that would change a future a
// resolution settled, is left out, with a note saying why.
// Its numbers come from model.js; what shows them is view-ui.js.
import { model, compute, assumed, isFixed, settledBy, percent, viewPercent } from "./model.js";
import { storageKey } from "./view-key.js";

/** @typedef {import("../browser-data").Graph} Graph */
/** @typedef {import("./model.js").Model} Model */
/** @typedef {import("./model.js").Entry} Entry */
/** @typedef {import("./model.js").Value} Value */
/** @typedef {import("./model.js").Numbers} Numbers */

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
// A value keeps four decimals: what the address says is what is computed.
const DECIMALS = 4;

/** `text` (the address's form) as entries, and a note for each entry left out.
 * @param {Model} m @param {string} text
 * @returns {{ entries: Entry[], notes: string[] }} */
export function parseView(m, text) {
  /** @type {Map<string, Value>} */
  const given = new Map();
  /** @type {string[]} */
  const notes = [];
  text.split(",").forEach((raw) => {
    const item = raw.trim();
    if (!item) return;
    const colon = item.lastIndexOf(":");
    const id = colon > 0 ? item.slice(0, colon) : "", v = colon > 0 ? item.slice(colon + 1) : "";
    /** @type {Value | null} */
    let value = null;
    if (v === "yes" || v === "no") value = v;
    else if (NUMBER.test(v) && Number(v) <= 1) value = round(Number(v));
    if (!id) return void notes.push(`“${item}” is not ID:VALUE`);
    if (!m.byId[id]) return void notes.push(`“${item}”: this site has no future “${id}”`);
    if (value == null) return void notes.push(`“${item}”: a value is a number from 0 to 1, or yes or no`);
    const by = settledBy(m, id);
    if (by) return void notes.push(`“${item}”: ` + (by.id === id ? `${id} has resolved` : `${id} is settled by the resolution of ${by.id}`) + ", and a view cannot change it");
    if (given.has(id)) notes.push(`“${id}:${given.get(id)}”: ${id} is given again later, and the later value counts`);
    given.delete(id);
    given.set(id, value);
  });
  return { entries: [...given].map(([id, value]) => ({ id, value })), notes };
}

/** Entries in the address's form.
 * @param {Entry[]} entries */
export function viewText(entries) {
  return entries.map((e) => e.id + ":" + e.value).join(",");
}

/** @param {number} v */
function round(v) {
  return Number(v.toFixed(DECIMALS));
}

/**
 * The reader's view of graph `m`: `entries`, the `site` numbers and the
 * reader's `nums` (compute's results), notes on what the address (or
 * storage, `from`) held that was left out. `set`, `remove` and `reset` change it; every change
 * recomputes, is written to the address and storage, and is told to the
 * functions given to `subscribe`.
 */
export class View {
  /** @param {Model} m @param {string} storageKey */
  constructor(m, storageKey) {
    this.m = m;
    this.key = storageKey;
    this.site = compute(m);
    /** @type {{ fn: (view: View) => void, owner: Element | undefined }[]} */
    this.listeners = [];
    const asked = new URLSearchParams(location.search).get("view");
    const parsed = parseView(m, asked != null ? asked : stored(storageKey));
    /** Where the view was read from, which its notes name. */
    this.from = asked != null ? "address" : "storage";
    this.notes = parsed.notes;
    /** @type {Entry[]} */
    this.entries = [];
    /** The own probabilities the entries give, by future id (`assumed`). */
    this.values = assumed(m, []);
    /** The reader's numbers, by future id: `site` while the view is empty. */
    this.nums = this.site;
    this.apply(parsed.entries);
  }

  get active() { return this.entries.length > 0; }

  /** The entry of future `id`, if the reader gave it a value.
   * @param {string} id */
  entry(id) { return this.entries.find((e) => e.id === id) || null; }

  /**
   * Future `id`'s probability (own, else implied; or `which` of compute's
   * numbers) as the site prints it and as the reader's view does, and
   * whether the view changes what a reader sees.
   * @param {string} id @param {"effective" | "implied"} [which]
   */
  texts(id, which = "effective") {
    const site = this.site[id][which], yours = this.nums[id][which];
    // A settled future is certain, and reads so: 100% or 0%, never >99%.
    const sitePercent = which === "effective" && isFixed(this.m, id) ? viewPercent : percent;
    const t = { site: sitePercent(this.m.rules, site), yours: viewPercent(this.m.rules, yours) };
    return { ...t, changed: site !== yours && t.site !== t.yours };
  }

  /** The reader's own value for `id`: a number in [0, 1], "yes" or "no".
   * @param {string} id @param {Value} value */
  set(id, value) {
    if (!this.m.byId[id] || isFixed(this.m, id)) return;
    const v = typeof value === "number" ? round(Math.min(1, Math.max(0, value))) : value;
    const rest = this.entries.filter((e) => e.id !== id);
    const at = this.entries.findIndex((e) => e.id === id);
    rest.splice(at < 0 ? rest.length : at, 0, { id, value: v });
    this.change(rest);
  }

  /** @param {string} id */
  remove(id) { this.change(this.entries.filter((e) => e.id !== id)); }

  reset() { this.change([]); }

  /** `fn(view)` after every change; dropped once `owner` (an element) leaves the page.
   * @param {(view: View) => void} fn @param {Element} [owner] */
  subscribe(fn, owner) { this.listeners.push({ fn, owner }); }

  /** @param {Entry[]} entries */
  change(entries) {
    this.notes = [];
    this.apply(entries);
    save(this.key, entries);
    this.listeners = this.listeners.filter((l) => !l.owner || l.owner.isConnected);
    this.listeners.forEach((l) => l.fn(this));
  }

  /** @param {Entry[]} entries */
  apply(entries) {
    this.entries = entries;
    this.values = assumed(this.m, entries);
    this.nums = entries.length ? compute(this.m, this.values) : this.site;
  }
}

/** @param {string} key */
function stored(key) {
  try { return localStorage.getItem(key) || ""; } catch (_) { return ""; }
}

// Storage carries the view at once (a link followed right after a change
// finds it), and so does the address once a slider stops moving: each
// rewrite of the address costs milliseconds. An empty view leaves both clean.
const ADDRESS_MS = 150;
let addressTimer = 0;
/** @param {string} key @param {Entry[]} entries */
function save(key, entries) {
  const text = viewText(entries);
  try {
    if (text) localStorage.setItem(key, text); else localStorage.removeItem(key);
  } catch (_) { /* private mode: the view stays in the address only */ }
  clearTimeout(addressTimer);
  addressTimer = setTimeout(() => writeAddress(text), ADDRESS_MS);
}

/** The address with the view (other parameters and the fragment kept).
 * @param {string} text */
function writeAddress(text) {
  const params = new URLSearchParams(location.search);
  params.delete("view");
  // ids and values are URL-safe: written as they are, the address stays readable.
  const rest = params.toString(), query = [rest, text ? "view=" + text : ""].filter(Boolean).join("&");
  history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
}

/** @type {Map<string, Promise<{ m: Model, view: View }>>} */
const loaded = new Map();
/** The graph of `url` (graph.json) and the reader's view of it, loaded once per page.
 * @param {string} url */
export function load(url) {
  let got = loaded.get(url);
  if (!got) {
    got = fetch(url).then((r) => r.json()).then((/** @type {Graph} */ data) => {
      const m = model(data);
      const view = new View(m, storageKey(new URL(data.base_url).pathname));
      // What storage brought, or the valid part of the address, is written
      // back: what was left out is gone from both.
      if (view.active || view.notes.length || new URLSearchParams(location.search).has("view")) save(view.key, view.entries);
      // A change in another tab of the same site shows here too.
      addEventListener("storage", (e) => {
        if (e.key === view.key && e.newValue !== viewText(view.entries)) view.change(parseView(m, e.newValue || "").entries);
      });
      return { m, view };
    });
    loaded.set(url, got);
  }
  return got;
}
