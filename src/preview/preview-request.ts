// What the preview page asks for, and what it gets back: validated at the edge, shared with the tests.
import { z } from 'zod';
import { CardsRequest } from '../plain/cards-request.ts';
import { CardKey } from '../plain/cards-response.ts';
import { Component } from '../plain/components.ts';

/** A form field: trimmed, and blank means "not given". */
const Field = z
  .string()
  .max(500)
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/**
 * `POST /preview/api/cards`: a customer by any of Plain's identifiers (the others are looked up in
 * the in-process data), optionally a thread and a tenant, and the cards to run.
 */
export const PreviewRequest = z.strictObject({
  customer: z
    .strictObject({ email: Field, externalId: Field, id: Field })
    .refine((c) => c.email || c.externalId || c.id, { message: 'expected at least one of email, externalId or id (Plain customer id)' }),
  threadId: Field,
  tenantId: Field,
  // Plain sends at most 25 keys per request; the preview lets an author see more cards at once.
  cardKeys: z.array(CardKey).min(1, 'expected at least one card key').max(100),
});
export type PreviewRequest = z.infer<typeof PreviewRequest>;

/** One card as the preview shows it: Plain's card, how it went, and its HTML rendering. */
export const PreviewCard = z.object({
  key: z.string(),
  outcome: z.enum(['ok', 'no-data', 'error', 'timeout', 'stale']),
  durationMs: z.number(),
  timeToLiveSeconds: z.number().nullable(),
  components: z.array(Component).nullable(),
  /** The components drawn like Plain; null when Plain hides the card (`components: null`). */
  html: z.string().nullable(),
  /** Size of the card's JSON as sent to Plain: Plain rejects large cards (its examples stay under 3.5 KB). */
  bytes: z.number().int(),
  /** For error and timeout: the reference shown in the card and logged with the cause. */
  reference: z.string().nullable(),
  /** For error and timeout: the cause, which Plain never sees. */
  error: z.string().nullable(),
});
export type PreviewCard = z.infer<typeof PreviewCard>;

/** What `POST /preview/api/cards` answers: the request that ran and every card's outcome, in request order. */
export const PreviewResponse = z.object({
  /** The request the pipeline ran, as Plain would have sent it. */
  request: CardsRequest,
  /** Whether the customer was found in the in-process data to fill in the identifiers not given. */
  customerFound: z.boolean(),
  /** The customer's threads the in-process data knows (newest first), for the page's thread picker. */
  threads: z.array(
    z.object({
      id: z.string(),
      externalId: z.string().nullable(),
      title: z.string(),
      tenant: z.object({ id: z.string(), externalId: z.string().nullable() }).nullable(),
    }),
  ),
  cards: z.array(PreviewCard),
  /** Requested keys with no stored query: Plain would show them as missing. */
  unknownKeys: z.array(z.string()),
});
export type PreviewResponse = z.infer<typeof PreviewResponse>;
