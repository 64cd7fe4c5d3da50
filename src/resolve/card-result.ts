// What became of one card in one request: a value, so that one failing card never takes the others down.
import { randomBytes } from 'node:crypto';
import { text } from '../plain/builders.ts';
import { Card } from '../plain/cards-response.ts';
import type { PartialError } from './partial-data.ts';

/**
 * ok: components sent; no-data: `components: null`; error and timeout: an error card was sent;
 * stale: the card failed and its last good components were sent, marked stale (src/stale/).
 */
export type CardOutcome = 'ok' | 'no-data' | 'error' | 'timeout' | 'stale';

export type CardResult = {
  key: string;
  outcome: CardOutcome;
  /** Already validated against Plain's `Card` schema (by runCard, or here for error cards): sent as is. */
  card: Card;
  durationMs: number;
  /** For error, timeout and stale: the short id shown in the card and written in the logs. */
  reference?: string;
  /** For error, timeout and stale: what went wrong, for the logs only, never for Plain. */
  cause?: unknown;
  /** For a card mapped from partial data: the errors it was mapped despite (paths and codes only), for the logs. */
  partial?: PartialError[];
};

/** Error cards are cached briefly so that a fixed problem shows up quickly. */
export const ERROR_CARD_TTL_SECONDS = 15;

/** A muted notice with a reference id for the logs: never an internal message or a stack. */
export function failedCard(key: string, outcome: 'error' | 'timeout', cause: unknown, durationMs: number): CardResult {
  const reference = randomBytes(4).toString('hex');
  const what = outcome === 'timeout' ? 'took too long to load' : "couldn't be loaded";
  return {
    key,
    outcome,
    durationMs,
    reference,
    cause,
    // Parsed like every other card, so that nothing reaches Plain unvalidated (rare, so cheap).
    card: Card.parse({
      key,
      timeToLiveSeconds: ERROR_CARD_TTL_SECONDS,
      components: [text(`This card ${what}. Reference: ${reference}`, { size: 'S', color: 'MUTED' })],
    }),
  };
}

/** Whether the card failed and its error card is sent (a stale card is not a failure to Plain: it is answered 200). */
export function isFailure(result: CardResult): boolean {
  return result.outcome === 'error' || result.outcome === 'timeout';
}

/** Cached briefly by Plain, so that a card added to cardql (or a key fixed in Plain) shows up soon. */
export const UNKNOWN_CARD_TTL_SECONDS = 30;

/**
 * The answer for a requested key with no stored query: Plain expects every requested key back (a
 * missing one is an integration error it caches for 5 minutes), and the agent sees what to report.
 */
export function unknownCard(key: string): Card {
  const shown = key.length > 80 ? `${key.slice(0, 79)}…` : key;
  return Card.parse({
    key,
    timeToLiveSeconds: UNKNOWN_CARD_TTL_SECONDS,
    components: [text(`No card named “${shown}” is configured in cardql.`, { size: 'S', color: 'MUTED' })],
  });
}
