// @ts-check
// Where the reader's view is stored: one key per site (its address's path),
// so two sites on one host keep their own. Its own module: view-page.js
// reads it on every page without loading the view's code.

/** @param {string} basePath */
export function storageKey(basePath) {
  return "forkcast.view:" + basePath;
}
