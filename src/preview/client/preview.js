// The preview page's behaviour: read the form, run the cards through POST /preview/api/cards, and show
// each card (HTML rendered by the server, every data string escaped there) beside its JSON and outcome.
// Plain JavaScript on purpose: cardql has no build step, and this file is all the page runs.

const API = '/preview/api/cards';
const FIELDS = ['email', 'externalId', 'id', 'threadId', 'tenantId'];
const RELOAD_ICON =
  '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M13.5 8a5.5 5.5 0 1 1-1.6-3.9M13.5 2.5v3h-3" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linecap="round" stroke-linejoin="round"/></svg>';

const form = document.querySelector('#preview-form');
const results = document.querySelector('#results');
const formError = document.querySelector('#form-error');
const toggleAll = document.querySelector('#toggle-all');
const toast = document.querySelector('#toast');
const threadPicker = document.querySelector('#thread-picker');

/** The body of the last successful load, so that a card's reload button asks for the same customer. */
let lastRequest = null;
/** The loaded customer's threads in the in-process data: `{ id, externalId, title, tenant }`, newest first. */
let knownThreads = [];

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});

// Picking one of the customer's threads fills in its id and tenant, as Plain would send them, and reloads.
threadPicker.addEventListener('change', () => {
  const thread = knownThreads.find((t) => t.id === threadPicker.value);
  form.elements.threadId.value = thread?.id ?? '';
  form.elements.tenantId.value = thread?.tenant?.id ?? '';
  void load();
});

toggleAll.addEventListener('click', () => {
  const boxes = [...form.querySelectorAll('input[name="cardKeys"]')];
  const check = boxes.every((box) => !box.checked);
  for (const box of boxes) box.checked = check;
  toggleAll.textContent = check ? 'none' : 'all';
});

results.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const copy = target?.closest('.pc-copy-button');
  if (copy) {
    const value = copy.getAttribute('data-copy-value') ?? '';
    navigator.clipboard.writeText(value).then(
      () => showToast(`Copied: ${value}`),
      () => showToast('The browser refused to copy'),
    );
    return;
  }
  const workflow = target?.closest('.pc-workflow-button');
  if (workflow) showToast(`In Plain, this button runs workflow ${workflow.getAttribute('data-workflow-id')}`);
  const reload = target?.closest('.plain-card-reload');
  if (reload) void reloadCard(reload.closest('.preview-card'));
});

// The form's state lives in the URL fragment, which browsers never send: reloading or sharing the page
// keeps the customer, and no server or proxy log ever sees an email.
restoreFromHash();
if (location.hash.length > 1) void load();
followEdits();

/** Reads the form, runs the cards, and replaces the results. */
async function load() {
  const body = readForm();
  if (!body) return;
  setError('');
  const submit = form.querySelector('button[type="submit"]');
  submit.disabled = true;
  try {
    const data = await callApi(body);
    lastRequest = body;
    saveToHash(body);
    showResults(data);
  } catch (error) {
    setError(error.message);
  } finally {
    submit.disabled = false;
  }
}

async function reloadCard(section) {
  if (!section || !lastRequest) return;
  const key = section.getAttribute('data-key');
  try {
    const data = await callApi({ ...lastRequest, cardKeys: [key] });
    const card = data.cards[0];
    if (card) section.replaceWith(cardSection(card));
  } catch (error) {
    showToast(error.message);
  }
}

function readForm() {
  const values = Object.fromEntries(FIELDS.map((name) => [name, form.elements[name].value.trim()]));
  const cardKeys = [...form.querySelectorAll('input[name="cardKeys"]:checked')].map((box) => box.value);
  if (!values.email && !values.externalId && !values.id) return setError('Enter the customer’s email, external id or Plain customer id.');
  if (cardKeys.length === 0) return setError('Pick at least one card.');
  const { email, externalId, id, threadId, tenantId } = values;
  return { customer: { email, externalId, id }, threadId, tenantId, cardKeys };
}

async function callApi(body) {
  const response = await fetch(API, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.error?.message ?? `The preview API answered ${response.status}`);
  return data;
}

function showResults(data) {
  const parts = [];
  if (!data.customerFound) {
    parts.push(el('p', { class: 'notice' }, 'This customer is not in the in-process data: cards that read it show no data.'));
  }
  if (data.unknownKeys.length > 0) {
    parts.push(el('p', { class: 'notice' }, `No stored query for ${data.unknownKeys.join(', ')}: Plain would show these cards as missing.`));
  }
  showThreads(data.threads, data.request.thread?.id ?? '');
  const request = el('details', { class: 'request' }, el('summary', {}, 'The request Plain would send'), el('pre', {}, JSON.stringify(data.request, null, 2)));
  results.replaceChildren(...parts, request, ...data.cards.map(cardSection));
}

/** Offers the customer's threads in the picker, the one the cards ran on selected. */
function showThreads(threads, current) {
  knownThreads = threads;
  const none = el('option', { value: '' }, threads.length > 0 ? 'No thread' : 'No thread (the data knows none for this customer)');
  const options = threads.map((thread) => el('option', { value: thread.id }, `${thread.title} · ${thread.id}`));
  threadPicker.replaceChildren(none, ...options);
  threadPicker.value = threads.some((thread) => thread.id === current) ? current : '';
  threadPicker.disabled = threads.length === 0;
}

/** One card: Plain's look on the left, outcome, TTL, duration, size, error and JSON on the right. */
function cardSection(card) {
  const body = el('div', { class: 'plain-card-body' });
  // The server's renderer escapes every string from the data; only componentText markdown becomes markup.
  if (card.html !== null) body.innerHTML = card.html;
  else body.append(el('p', { class: 'hidden-note' }, 'components: null: Plain does not display this card.'));
  const reload = el('button', { type: 'button', class: 'plain-card-reload', title: 'Reload this card', 'aria-label': `Reload ${card.key}` });
  reload.innerHTML = RELOAD_ICON;
  const plainCard = el('article', { class: 'plain-card' }, el('header', { class: 'plain-card-header' }, el('h2', { class: 'plain-card-title' }, card.key), reload), body);

  const facts = el('dl', {});
  const fact = (term, value) => facts.append(el('dt', {}, term), el('dd', { 'data-fact': term.toLowerCase() }, value));
  fact('Outcome', el('span', { class: `outcome outcome-${card.outcome}` }, card.outcome));
  fact('TTL', card.timeToLiveSeconds === null ? 'null: the TTL configured in Plain' : `${card.timeToLiveSeconds} s${humanDuration(card.timeToLiveSeconds)}`);
  fact('Duration', `${card.durationMs} ms`);
  fact('Size', `${card.bytes} bytes`);
  if (card.reference) fact('Reference', card.reference);
  const meta = el('div', { class: 'meta' }, facts);
  if (card.error) meta.append(el('p', { class: 'error-cause' }, card.error));
  const json = { key: card.key, timeToLiveSeconds: card.timeToLiveSeconds, components: card.components };
  meta.append(el('details', { class: 'json', open: '' }, el('summary', {}, 'JSON sent to Plain'), el('pre', {}, JSON.stringify(json, null, 2))));

  const hidden = card.components === null ? ' is-hidden' : '';
  return el('section', { class: `preview-card${hidden}`, 'data-key': card.key, 'data-outcome': card.outcome }, el('div', { class: 'plain-panel' }, plainCard), meta);
}

function humanDuration(seconds) {
  if (seconds >= 86_400 && seconds % 86_400 === 0) return ` (${seconds / 86_400} d)`;
  if (seconds >= 3_600 && seconds % 3_600 === 0) return ` (${seconds / 3_600} h)`;
  if (seconds >= 60 && seconds % 60 === 0) return ` (${seconds / 60} min)`;
  return '';
}

/** Builds an element; strings become text nodes, never markup. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function setError(message) {
  formError.textContent = message;
  formError.hidden = !message;
  return null;
}

let toastTimer;
function showToast(message) {
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (toast.hidden = true), 2500);
}

function saveToHash(body) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...body.customer, threadId: body.threadId, tenantId: body.tenantId })) if (value) params.set(name, value);
  params.set('cards', body.cardKeys.join(','));
  history.replaceState(null, '', `#${params}`);
}

function restoreFromHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  for (const name of FIELDS) if (params.has(name)) form.elements[name].value = params.get(name);
  if (params.has('cards')) {
    const keys = new Set(params.get('cards').split(','));
    for (const box of form.querySelectorAll('input[name="cardKeys"]')) box.checked = keys.has(box.value);
  }
}

/**
 * In development (the page carries the version of the cards it shows), polls the version and reloads
 * the page when it changed: `npm run dev` reloads the cards on an edit of a query, hint or mapper, and
 * restarts cardql on an edit of a schema or the sources file. The form lives in the URL's hash, so the
 * same customer's cards come back. While cardql restarts, the polls fail: they are simply tried again.
 */
function followEdits() {
  const shown = document.body.dataset.liveVersion;
  if (!shown) return;
  const poll = async () => {
    try {
      const response = await fetch('/preview/api/version', { cache: 'no-store' });
      const { version } = await response.json();
      if (version && version !== shown) return location.reload();
    } catch {
      // restarting: try again
    }
    setTimeout(poll, 250);
  };
  setTimeout(poll, 250);
}
