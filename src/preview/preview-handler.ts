// /preview: the page, its files, and the JSON endpoint that runs the real card pipeline for it.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LocalData } from '../execution/local.ts';
import { assertJsonContentType, parseJsonBody } from '../http/parse-cards-request.ts';
import { readBody } from '../http/read-body.ts';
import { json } from '../http/respond.ts';
import type { Route } from '../http/route.ts';
import type { Logger } from '../log.ts';
import type { CardsRequest } from '../plain/cards-request.ts';
import { isFailure, type CardResult } from '../resolve/card-result.ts';
import type { Resolution } from '../resolve/resolve-cards.ts';
import { findCustomer, threadContext } from './find-customer.ts';
import { renderPreviewPage } from './page.ts';
import { PreviewRequest, type PreviewCard, type PreviewResponse } from './preview-request.ts';
import { renderComponents } from './render-components.ts';

export type PreviewDeps = {
  /** The card pipeline, exactly as `POST /cards` runs it. */
  resolve: (request: CardsRequest, scope: { requestId: string }) => Promise<Resolution>;
  /** Keys offered on the page. */
  cardKeys: () => string[];
  /** Fills in the identifiers an author did not type (the in-process data's hook); absent: nobody is known. */
  findCustomer: LocalData['findCustomer'];
  /** Emails the page suggests. */
  suggestedEmails: readonly string[];
  logger: Logger;
  /**
   * The version of the loaded cards, when the page should follow changes (development): a new one
   * each time the cards are reloaded (`npm run dev`) or cardql restarts. Undefined: the page never polls.
   */
  liveVersion?: (() => string) | undefined;
};


/** A preview request is a few hundred bytes; the limit only stops accidents. */
const MAX_PREVIEW_BODY = 64 * 1024;

// The page may load only what cardql serves: no CDN, no inline script, nothing framed.
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const CLIENT_FILES = [
  { name: 'preview.js', type: 'text/javascript; charset=utf-8' },
  { name: 'preview.css', type: 'text/css; charset=utf-8' },
  { name: 'plain.css', type: 'text/css; charset=utf-8' },
].map((file) => ({ ...file, body: readFileSync(new URL(`./client/${file.name}`, import.meta.url), 'utf8') }));

/** The routes of the preview, for the app's route table; the caller gates them like GraphiQL. */
export function createPreview({ resolve, cardKeys, findCustomer: lookUp, suggestedEmails, logger, liveVersion }: PreviewDeps): Map<string, Route> {
  const version = createHash('sha256').update(CLIENT_FILES.map((f) => f.body).join('\0')).digest('hex').slice(0, 12);
  const routes = new Map<string, Route>();

  routes.set('/preview', { methods: ['GET'], handle: (request) => {
    const page = renderPreviewPage({ cardKeys: cardKeys(), suggestedEmails, assetVersion: version, liveVersion: liveVersion?.() });
    return new Response(request.method === 'HEAD' ? null : page, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...PAGE_HEADERS } });
  } });

  // What the page polls in development to reload itself after an edit (JSON, never cached).
  routes.set('/preview/api/version', { methods: ['GET'], handle: () => json({ version: liveVersion?.() ?? null }, 200, { 'cache-control': 'no-store' }) });

  for (const file of CLIENT_FILES) {
    routes.set(`/preview/${file.name}`, { methods: ['GET'], handle: (request) => {
      const etag = `"${version}"`;
      const headers = { 'content-type': file.type, etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
      if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
      return new Response(request.method === 'HEAD' ? null : file.body, { headers });
    } });
  }

  routes.set('/preview/api/cards', { methods: ['POST'], handle: async (request) => {
    assertJsonContentType(request.headers.get('content-type'));
    const preview = parsePreviewRequest(await readBody(request, MAX_PREVIEW_BODY));
    const { customer, found, threads } = await findCustomer(lookUp, preview.customer);
    const cardsRequest: CardsRequest = { cardKeys: preview.cardKeys, customer, ...threadContext(threads, preview.threadId, preview.tenantId) };
    const requestId = randomUUID();
    const { results, unknownKeys } = await resolve(cardsRequest, { requestId });
    // Like POST /cards: a failed card's reference is in the logs with its cause; the customer never is.
    const log = logger.child({ requestId });
    for (const result of results) {
      if (isFailure(result)) log.error({ key: result.key, reference: result.reference, outcome: result.outcome, err: result.cause }, 'preview card failed');
    }
    log.info({ keys: preview.cardKeys, unknownKeys, cards: results.map(({ key, outcome, durationMs }) => ({ key, outcome, durationMs })) }, 'preview request');
    const body: PreviewResponse = { request: cardsRequest, customerFound: found, threads: [...threads], cards: results.map(toPreviewCard), unknownKeys };
    return json(body, 200, { 'cache-control': 'no-store', 'x-request-id': requestId });
  } });

  return routes;
}

/** What the page shows of one card: Plain's card, its rendering, and for a failure the cause. */
function toPreviewCard(result: CardResult): PreviewCard {
  const { key, outcome, durationMs, card } = result;
  return {
    key,
    outcome,
    durationMs,
    timeToLiveSeconds: card.timeToLiveSeconds ?? null,
    components: card.components,
    html: card.components === null ? null : renderComponents(card.components),
    bytes: Buffer.byteLength(JSON.stringify(card)),
    reference: result.reference ?? null,
    error: isFailure(result) ? describeCause(result.cause) : null,
  };
}

function parsePreviewRequest(body: Uint8Array): PreviewRequest {
  return parseJsonBody(body, PreviewRequest, 'a preview request');
}

/** The cause's message only (no stack): enough for an author to find the problem. */
function describeCause(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.length > 2000 ? `${message.slice(0, 1999)}…` : message;
}
