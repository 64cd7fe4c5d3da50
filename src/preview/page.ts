// The preview page's HTML shell: the form; preview.js fills in the cards from the preview API.
import { escapeHtml } from './markdown.ts';

export type PageInput = {
  /** The registry's card keys, offered as checkboxes, all checked. */
  cardKeys: readonly string[];
  /** Customers to suggest in the email field (the demo data's). */
  suggestedEmails: readonly string[];
  /** Appended to asset URLs so that a browser never runs a stale script after an upgrade. */
  assetVersion: string;
  /**
   * Set in development: the version of the cards this page shows. The page polls
   * /preview/api/version and reloads itself (keeping its form) when the cards changed.
   */
  liveVersion?: string | undefined;
};

/** Renders the page; no inline script or style, so that the page's CSP can forbid both. */
export function renderPreviewPage({ cardKeys, suggestedEmails, assetVersion, liveVersion }: PageInput): string {
  const asset = (name: string) => `/preview/${name}?v=${assetVersion}`;
  const checkboxes = cardKeys
    .map((key) => `<label class="check"><input type="checkbox" name="cardKeys" value="${escapeHtml(key)}" checked> <span>${escapeHtml(key)}</span></label>`)
    .join('\n');
  const options = suggestedEmails.map((email) => `<option value="${escapeHtml(email)}"></option>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Card preview · cardql</title>
<link rel="stylesheet" href="${asset('preview.css')}">
<link rel="stylesheet" href="${asset('plain.css')}">
<script type="module" src="${asset('preview.js')}"></script>
</head>
<body${liveVersion ? ` data-live-version="${escapeHtml(liveVersion)}"` : ''}>
<header class="topbar">
  <h1>Card preview</h1>
  <p>Every card through the real pipeline, drawn the way Plain draws it. <a href="/graphql">GraphiQL</a></p>
</header>
<main class="layout">
<form id="preview-form" class="controls" autocomplete="off" novalidate>
  <fieldset>
    <legend>Customer <small>any one identifier</small></legend>
    <label>Email<input name="email" type="text" list="demo-customers" placeholder="alex@grocery.co" spellcheck="false"></label>
    <datalist id="demo-customers">${options}</datalist>
    <label>External id<input name="externalId" type="text" placeholder="customer-id-in-your-backend" spellcheck="false"></label>
    <label>Plain customer id<input name="id" type="text" placeholder="c_01GW2NTPQNPWTRKAC0G8Z518W2" spellcheck="false"></label>
  </fieldset>
  <fieldset>
    <legend>Context <small>optional</small></legend>
    <label>Thread<select name="thread" id="thread-picker" disabled><option value="">No thread (load a customer to list theirs)</option></select></label>
    <label>Thread id<input name="threadId" type="text" placeholder="th_…" spellcheck="false"></label>
    <label>Tenant id<input name="tenantId" type="text" placeholder="te_…" spellcheck="false"></label>
  </fieldset>
  <fieldset id="card-keys">
    <legend>Cards <button type="button" id="toggle-all" class="link">none</button></legend>
${checkboxes || '<p class="muted">No cards are registered.</p>'}
  </fieldset>
  <button type="submit" class="primary">Load cards</button>
  <p id="form-error" class="form-error" role="alert" hidden></p>
</form>
<section id="results" class="results" aria-live="polite">
  <p class="muted empty">Pick a customer and load the cards.</p>
</section>
</main>
<div id="toast" class="toast" role="status" hidden></div>
</body>
</html>
`;
}
