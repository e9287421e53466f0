// @ts-check
// A Copy button beside each read-only field of code to copy (a page's embed
// code): added here, so without script the code is still there to select.
// Says in a status line whether it copied.
import { html } from "./dom.js";

for (const field of document.querySelectorAll("textarea.copy-source")) {
  if (!(field instanceof HTMLTextAreaElement)) continue;
  const row = html("p", { class: "copy-row" });
  field.after(row);
  const button = html("button", { type: "button" }, "Copy code", row);
  const status = html("span", { class: "copy-status", role: "status" }, "", row);
  field.addEventListener("focus", () => field.select());
  button.addEventListener("click", () => {
    copy(field).then((done) => {
      status.textContent = done ? "Copied." : "Could not copy: select the code and copy it.";
    });
  });
}

/**
 * Copies `field`'s text: through the clipboard API where the page may use
 * it, else the field's selection and the older copy command.
 * @param {HTMLTextAreaElement} field @returns {Promise<boolean>}
 */
async function copy(field) {
  try {
    await navigator.clipboard.writeText(field.value);
    return true;
  } catch {
    field.select();
    return document.execCommand("copy");
  }
}
