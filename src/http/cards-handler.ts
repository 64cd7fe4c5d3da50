// POST /cards: Plain's request in (checked, parsed), every known card resolved, a validated response out.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import { clip, type Logger } from '../log.ts';
import type { CardsResponse } from '../plain/cards-response.ts';
import { isFailure, unknownCard, type CardResult } from '../resolve/card-result.ts';
import type { Resolution } from '../resolve/resolve-cards.ts';
import type { CardsRequest } from '../plain/cards-request.ts';
import type { Telemetry } from '../telemetry.ts';
import { HttpError } from './http-error.ts';
import { assertJsonContentType, parseCardsRequest } from './parse-cards-request.ts';
import { readBody } from './read-body.ts';
import { cardsResponseJson } from '../plain/card-json.ts';
import { checkMethod, errorReply, jsonTextReply, toResponse, type Reply } from './respond.ts';
import { secretsFor, verifySignature, verifyToken } from './verify.ts';

export type CardsHandlerDeps = {
  config: Pick<Config, 'cardsAuth'>;
  /** Runs the cards of one parsed request: the pipeline shared with the preview and the CLI. */
  resolve: (request: CardsRequest, scope: { requestId: string; workspaceId: string | null; receivedAt: number }) => Promise<Resolution>;
  logger: Logger;
  telemetry: Telemetry;
};

/** What POST /cards needs of an HTTP request, whichever server carries it. */
export type CardsCall = {
  method: string;
  /** A request header by lower-case name, `null` when absent. */
  header(name: string): string | null;
  /** The raw body bytes; throws an HttpError (413 too large, 400 cut off). */
  readBody(): Promise<Uint8Array>;
};

export type CardsHandler = {
  /** POST /cards for any transport: never throws, every failure is an error reply. */
  answer(call: CardsCall): Promise<Reply>;
  /** The same for web-standard requests: `app.fetch` and tests. */
  fetch(request: Request): Promise<Response>;
};

export function createCardsHandler({ config, resolve, logger, telemetry }: CardsHandlerDeps): CardsHandler {
  async function answer(request: CardsCall): Promise<Reply> {
    const requestId = randomUUID();
    const started = performance.now();
    const workspaceId = readWorkspaceId(request.header('plain-workspace-id'));
    const log = logger.child({ requestId, workspaceId });
    const headers = { 'x-request-id': requestId };
    try {
      checkMethod(request.method, ['POST']);
      const { cardsAuth } = config;
      if (cardsAuth.authTokens.length > 0) verifyToken(cardsAuth, request.header);
      // Before the body is read: an unknown workspace is refused without reading it.
      const secrets = secretsFor(cardsAuth, workspaceId);
      assertJsonContentType(request.header('content-type'));
      const body = await request.readBody();
      if (secrets.length > 0) verifySignature(body, request.header('plain-request-signature'), secrets);
      const cardsRequest = parseCardsRequest(body);
      // One turn of the event loop before the cards run: requests that arrived together are each read,
      // and their deadlines started, before any of them runs its cards. Without it, the last of 32
      // arriving at once was read only after the 31 before it had run theirs, and its deadline began
      // that late (docs/operations.md).
      await nextTurn();

      // The deadline counts from the request's arrival: reading and checking the body is part of the wait Plain sees.
      const { results, unknownKeys } = await resolve(cardsRequest, { requestId, workspaceId, receivedAt: started });
      for (const result of results) {
        // A stale card failed too: its cause is logged under the reference its notice shows.
        // `err` goes through the logger's serializer: class, code, GraphQL paths; never data or messages.
        if (result.cause !== undefined) log.error({ key: result.key, reference: result.reference, outcome: result.outcome, err: result.cause }, 'card failed');
        else if (result.partial) log.warn({ key: result.key, errors: result.partial }, 'card mapped from partial data');
      }
      const summary = {
        keys: cardsRequest.cardKeys,
        unknownKeys,
        cards: [...results.map(outcomeOf), ...unknownKeys.map((key) => ({ key, outcome: 'unknown' as const, durationMs: 0 }))],
      };
      if (results.length > 0 && results.every(isFailure)) {
        const durationMs = since(started);
        log.warn({ ...summary, status: 503, durationMs }, 'cards request');
        telemetry.cardsRequest({ status: 503, durationMs, cards: summary.cards });
        const references = results.map((r) => r.reference).join(', ');
        throw new HttpError(503, 'CARDS_UNAVAILABLE', `Every requested card failed (references: ${references}); Plain retries once`, { 'retry-after': '1' });
      }
      // Caller-controlled: Plain's key pattern already held them to [a-zA-Z0-9_-]; bounded here too.
      if (unknownKeys.length > 0) log.warn({ unknownKeys: unknownKeys.map((key) => clip(key, 100)) }, 'unknown card keys requested: answered with a notice card');
      // Each card was validated against Plain's schema once already, where it was made (runCard,
      // failedCard, unknownCard): the response is only their list, so a second pass would check nothing new.
      // Results come in the order of the (deduplicated) keys: only unknown keys need weaving in.
      const response: CardsResponse = { cards: unknownKeys.length === 0 ? results.map((r) => r.card) : answerEveryKey(cardsRequest.cardKeys, results) };
      const durationMs = since(started);
      log.info({ ...summary, status: 200, durationMs }, 'cards request');
      telemetry.cardsRequest({ status: 200, durationMs, cards: summary.cards });
      // The components' JSON may already be made: the last-good store keeps the same text.
      return jsonTextReply(cardsResponseJson(response), 200, headers);
    } catch (error) {
      const durationMs = since(started);
      if (!(error instanceof HttpError)) {
        log.error({ err: error, status: 500, durationMs }, 'cards request crashed');
        telemetry.cardsRequest({ status: 500, durationMs, cards: [] });
      } else if (error.status !== 503) {
        log.warn({ status: error.status, code: error.code, durationMs }, 'cards request rejected');
        telemetry.cardsRequest({ status: error.status, durationMs, cards: [] });
      }
      return errorReply(error, headers, requestId);
    }
  }

  return {
    answer,
    async fetch(request) {
      return toResponse(await answer({ method: request.method, header: (name) => request.headers.get(name), readBody: () => readBody(request) }));
    },
  };
}

/** One card per requested key, in the order Plain asked (each once): resolved, or the unknown-key notice. */
function answerEveryKey(keys: string[], results: CardResult[]): CardsResponse['cards'] {
  const byKey = new Map(results.map((result) => [result.key, result.card]));
  return [...new Set(keys)].map((key) => byKey.get(key) ?? unknownCard(key));
}

function outcomeOf({ key, outcome, durationMs, reference }: CardResult) {
  return { key, outcome, durationMs, ...(reference && { reference }) };
}

/** Plain's workspace ids are short and plain; anything else is not logged as given. */
function readWorkspaceId(header: string | null): string | null {
  return header && /^[A-Za-z0-9_-]{1,100}$/.test(header) ? header : null;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function since(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
