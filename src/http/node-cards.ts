// POST /cards straight on node:http, the hot path: the same handler as app.fetch's /cards route, minus
// building a web Request and streaming a web Response, a large share of its CPU (docs/performance.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';
import type { CardsHandler } from './cards-handler.ts';
import { writeReply } from './node-edge.ts';
import { readNodeBody } from './read-body.ts';
import { errorReply, type Reply } from './respond.ts';

/** Whether node:http should hand a request to the node route: the path is exactly /cards, any query. */
export function isCardsPath(url: string | undefined): boolean {
  return url === '/cards' || (url?.startsWith('/cards?') ?? false);
}

export type NodeCardsRouteDeps = {
  answer: CardsHandler['answer'];
  logger: Logger;
  /** Called once per request with what app.fetch would record for it (status, ms until the reply was ready). */
  onAnswered(status: number, durationMs: number): void;
};

/** Serves one POST /cards request on node:http; never rejects. */
export function createNodeCardsRoute({ answer, logger, onAnswered }: NodeCardsRouteDeps) {
  return async function serveCards(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    let reply: Reply;
    try {
      reply = await answer({ method: request.method ?? '', header: (name) => headerOf(request, name), readBody: () => readNodeBody(request) });
    } catch (error) {
      // `answer` turns every failure into a reply; this is the belt to those braces, as in app.fetch.
      logger.error({ err: error, route: '/cards' }, 'unhandled error');
      reply = errorReply(error);
    }
    onAnswered(reply.status, performance.now() - started);
    writeReply(request, response, reply);
  };
}

/** Node joins repeated headers with ", " (and keeps the first of single-valued ones), as app.fetch sees them. */
function headerOf(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
