// What the pipeline reports as it works, for metrics. One interface, so that no step knows about prom-client.
import type { CardOutcome } from './resolve/card-result.ts';

export type CardsRequestEvent = {
  /** HTTP status sent to Plain. */
  status: number;
  durationMs: number;
  /** `unknown`: a requested key with no stored query, answered with a notice card. */
  cards: Array<{ key: string; outcome: CardOutcome | 'unknown'; durationMs: number }>;
};

export type UpstreamRequestEvent = {
  source: string;
  /** HTTP status, or `network` when no response came back. */
  status: number | 'network';
  durationMs: number;
  /** 1 for the first try, 2 for the retry. */
  attempt: number;
};

/** Implemented by the metrics module; every method must be cheap and must never throw. */
export type Telemetry = {
  cardsRequest(event: CardsRequestEvent): void;
  upstreamRequest(event: UpstreamRequestEvent): void;
};

export const noTelemetry: Telemetry = {
  cardsRequest() {},
  upstreamRequest() {},
};
