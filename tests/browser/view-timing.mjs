// How long one change of the reader's view takes, as a slider makes it:
// recomputed, redrawn (map, panel, whatever else shows it) and the page
// laid out again, timed inside the page. Shared by view.mjs and bench.mjs.

/** Milliseconds of `n` changes of the open map panel's slider, sorted. */
export async function timeViewChanges(page, n) {
  await page.waitForSelector(".map-panel:not([hidden]) .view-controls input[type=range]");
  const times = await page.evaluate(async (n) => {
    const slider = document.querySelector(".map-panel .view-controls input[type=range]"), out = [];
    for (let i = 0; i < n; i++) {
      await new Promise(requestAnimationFrame);
      const t0 = performance.now();
      slider.value = String(20 + (3 * i) % 70);
      slider.dispatchEvent(new Event("input", { bubbles: true }));
      void document.body.offsetHeight;
      out.push(performance.now() - t0);
    }
    return out;
  }, n);
  return times.sort((a, b) => a - b).map((t) => +t.toFixed(1));
}
