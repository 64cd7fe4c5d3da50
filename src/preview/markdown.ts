// The markdown subset Plain renders in `componentText` (bold, italic, links) to HTML; everything else escaped.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML element or a quoted attribute: data is never markup. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Only these open from a card; anything else (`javascript:`, `data:`) stays text. */
export function isSafeUrl(value: string): boolean {
  try {
    return ['http:', 'https:', 'mailto:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

// One alternation, earliest match wins: a link (its URL may hold balanced parentheses), **bold** or
// __bold__, *italic* or _italic_. Underscores count only at word edges, so snake_case_names stay as they are.
const INLINE =
  /\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)|\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![\w])__(?=\S)(.+?)(?<=\S)__(?![\w])|\*(?=[^\s*])(.+?)(?<=[^\s*])\*|(?<![\w])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w])/s;

/**
 * Renders inline markdown: `**bold**`, `*italic*` (or underscores), `[label](https://…)`. Links open in
 * a new tab; a link whose URL is not http(s) or mailto is shown as its label. Line breaks are kept.
 */
export function renderMarkdown(source: string): string {
  let html = '';
  let rest = source;
  for (let match = INLINE.exec(rest); match; match = INLINE.exec(rest)) {
    html += escapeHtml(rest.slice(0, match.index));
    const [whole, label, url, bold1, bold2, italic1, italic2] = match;
    if (label !== undefined && url !== undefined) {
      html += isSafeUrl(url)
        ? `<a class="pc-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${renderMarkdown(label)}</a>`
        : renderMarkdown(label);
    } else if (bold1 !== undefined || bold2 !== undefined) {
      html += `<strong>${renderMarkdown(bold1 ?? bold2 ?? '')}</strong>`;
    } else {
      html += `<em>${renderMarkdown(italic1 ?? italic2 ?? '')}</em>`;
    }
    rest = rest.slice(match.index + whole.length);
  }
  return (html + escapeHtml(rest)).replace(/\r?\n/g, '<br>');
}
