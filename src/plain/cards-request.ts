// The body Plain POSTs for cards (spec section 1). Unknown fields are accepted and dropped.
import { z } from 'zod';
import { CardKey } from './cards-response.ts';

const Entity = z.object({
  id: z.string().min(1),
  externalId: z.string().nullish().transform((value) => value ?? null),
});

export const CardsRequest = z.object({
  cardKeys: z.array(CardKey).min(1).max(25),
  customer: Entity.extend({ email: z.string().min(1) }),
  thread: Entity.nullish().transform((value) => value ?? null),
  tenant: Entity.nullish().transform((value) => value ?? null),
});
export type CardsRequest = z.infer<typeof CardsRequest>;
