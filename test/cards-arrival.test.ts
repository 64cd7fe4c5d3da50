// Requests that arrive together: each is read, and its deadline started, before any of them runs its cards.
import { describe, expect, it } from 'vitest';
import { createCardsHandler, type CardsCall } from '../src/http/cards-handler.ts';
import type { Reply } from '../src/http/respond.ts';
import { createLogger } from '../src/log.ts';
import { noTelemetry } from '../src/telemetry.ts';

describe('POST /cards under a burst', () => {
  it('starts the deadline of every request that arrived in one turn before any of them runs its cards', async () => {
    // 32 requests arriving at once were read one after the other, each only once the one before had run its
    // cards: the last one's deadline began hundreds of ms after it arrived, and its answer came that late (issue 12).
    const events: string[] = [];
    const handler = createCardsHandler({
      config: { cardsAuth: { signingSecrets: [], workspaceSecrets: new Map(), authHeader: 'authorization', authTokens: [] } },
      resolve: async (request) => {
        events.push(`cards of ${request.customer.id}`);
        return { results: [], unknownKeys: [] };
      },
      logger: createLogger('silent'),
      telemetry: noTelemetry,
    });
    const call = (id: string): CardsCall => ({
      method: 'POST',
      header(name) {
        // The handler's first read: the request has arrived and its deadline starts here.
        if (name === 'plain-workspace-id') events.push(`arrived ${id}`);
        return name === 'content-type' ? 'application/json' : null;
      },
      readBody: async () => new TextEncoder().encode(JSON.stringify({ cardKeys: ['a'], customer: { id, email: `${id}@example.com` } })),
    });
    // As node:http delivers two sockets read in the same turn: one callback each, in order.
    const answers: Array<Promise<Reply>> = [];
    await new Promise<void>((done) => {
      setImmediate(() => answers.push(handler.answer(call('c_1'))));
      setImmediate(() => {
        answers.push(handler.answer(call('c_2')));
        done();
      });
    });
    expect((await Promise.all(answers)).map((reply) => reply.status)).toEqual([200, 200]);
    expect(events).toEqual(['arrived c_1', 'arrived c_2', 'cards of c_1', 'cards of c_2']);
  });
});
