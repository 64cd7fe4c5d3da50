// Last good card (stale-if-error): successes are kept; a failed card is answered with its last good components, marked stale.
import type { CardsRequest } from '../plain/cards-request.ts';
import { text } from '../plain/builders.ts';
import { checkCard } from '../plain/cards-response.ts';
import type { Registry } from '../registry/registry.ts';
import { BINDINGS } from '../registry/variables.ts';
import { ERROR_CARD_TTL_SECONDS, isFailure, type CardResult } from '../resolve/card-result.ts';
import type { StaleStore, StoredCard } from './stale-store.ts';

export type LastGood = {
  /**
   * Called once the cards of a request have run: stores each success (not awaited) and, only when
   * some card failed, reads the failed ones' last good components in one lookup and answers them
   * marked stale. A card never answered well before (or whose last answer had no data, or is older
   * than the maximum age) keeps its error card. Never rejects.
   */
  settle(results: CardResult[], request: CardsRequest, workspaceId: string | null): Promise<CardResult[]>;
  store: StaleStore;
};

export type LastGoodOptions = {
  store: StaleStore;
  /** Looked up at each request: the cards may be reloaded (`cardql dev`). */
  registry: Pick<Registry, 'get'>;
  maxAgeMs: number;
  /** Wall clock, in epoch milliseconds; tests inject one. */
  now?: () => number;
};

export function createLastGood({ store, registry, maxAgeMs, now = Date.now }: LastGoodOptions): LastGood {
  async function settle(results: CardResult[], request: CardsRequest, workspaceId: string | null): Promise<CardResult[]> {
    const at = now();
    const writes: Array<[string, StoredCard]> = [];
    let failed: Array<{ index: number; key: string }> | undefined;
    for (let index = 0; index < results.length; index++) {
      const result = results[index]!;
      const key = keyFor(result.key, request, workspaceId);
      if (key === undefined) continue;
      if (isFailure(result)) (failed ??= []).push({ index, key });
      else writes.push([key, { components: result.card.components, storedAt: at }]);
    }
    store.write(writes);
    if (!failed) return results;
    const entries = await store.read(failed.map((f) => f.key));
    const answered = results.slice();
    failed.forEach(({ index }, i) => {
      const entry = entries[i];
      if (entry?.components && at - entry.storedAt <= maxAgeMs) answered[index] = staleCard(answered[index]!, entry, at);
    });
    return answered;
  }

  /**
   * The card's inputs: workspace, card key, Plain's customer id, and the value of every variable its
   * query declares (the same inputs give the same card). Stores that leave the process hash it.
   */
  function keyFor(cardKey: string, request: CardsRequest, workspaceId: string | null): string | undefined {
    const card = registry.get(cardKey);
    if (!card) return undefined;
    let material = `${workspaceId ?? ''}\u0000${cardKey}\u0000${request.customer.id}`;
    for (const name of card.variables.names) material += `\u0000${BINDINGS[name]?.value(request, workspaceId) ?? ''}`;
    return material;
  }

  return { settle, store };
}

/**
 * The stored components with one muted line saying when they were last fetched, and the failure's
 * reference (also in the logs); Plain keeps it as briefly as an error card, so that a recovered
 * source shows fresh data again soon. Checked against Plain's schema like every card sent.
 */
export function staleCard(failed: CardResult, entry: StoredCard, now: number): CardResult {
  const notice = text(`Last updated ${formatWhen(entry.storedAt, now)} · couldn't refresh${failed.reference ? ` (reference ${failed.reference})` : ''}`, { size: 'S', color: 'MUTED' });
  const checked = checkCard({ key: failed.key, timeToLiveSeconds: ERROR_CARD_TTL_SECONDS, components: [...(entry.components ?? []), notice] });
  if (!checked.success) return failed;
  return { ...failed, outcome: 'stale', card: checked.data };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `10:42 UTC` the same UTC day, `25 Nov 10:42 UTC` otherwise. */
export function formatWhen(storedAt: number, now: number): string {
  const when = new Date(storedAt);
  const time = when.toISOString().slice(11, 16);
  const sameDay = when.toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return sameDay ? `${time} UTC` : `${when.getUTCDate()} ${MONTHS[when.getUTCMonth()]} ${time} UTC`;
}
