// The context every in-process resolver receives: one per Plain request, shared by all its cards.
import type { Loaders } from './loaders.ts';

export type Context = {
  /** DataLoaders created for this request only; resolvers read the database through them alone. */
  loaders: Loaders;
};
