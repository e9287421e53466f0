// What every browser test shares: Debian's Chromium (no downloaded browser),
// the two screens pages are checked on, and how a check fails.
import { chromium } from "playwright-core";

export const DESKTOP = { viewport: { width: 1440, height: 900 } };
export const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/** Fails the test with `message` unless `cond` holds. */
export function check(cond, message) {
  if (!cond) throw new Error(message);
}

/** A headless Chromium with a fresh profile and no background traffic. */
export function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}
