// @ts-check
// Building the page's own elements. Content from contributors or the
// address goes in as text nodes only, never as markup.

/**
 * An HTML element with `attrs` and text `content` (never markup), appended to `parent`.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {Record<string, string>} attrs @param {string | null} [content] @param {Element} [parent]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function html(tag, attrs, content, parent) {
  const e = document.createElement(tag);
  for (const a in attrs) e.setAttribute(a, attrs[a]);
  if (content != null) e.textContent = content;
  if (parent) parent.appendChild(e);
  return e;
}
