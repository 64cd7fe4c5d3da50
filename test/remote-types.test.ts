// Compile-time proof, checked by `npm run typecheck`: the demo cards' mappers are typed right in remote mode too.
import { describe, expectTypeOf, it } from 'vitest';
import type * as Remote from '../src/generated/demo.ts';
import type * as Local from '../src/generated/graphql.ts';

describe('types generated from the pinned schema of the demo source', () => {
  it('are the types the demo mappers are written against, query by query', () => {
    expectTypeOf<Remote.CustomerDetailsQuery>().toEqualTypeOf<Local.CustomerDetailsQuery>();
    expectTypeOf<Remote.PlanDetailsQuery>().toEqualTypeOf<Local.PlanDetailsQuery>();
    expectTypeOf<Remote.SubscriptionStatusQuery>().toEqualTypeOf<Local.SubscriptionStatusQuery>();
    expectTypeOf<Remote.UsageQuery>().toEqualTypeOf<Local.UsageQuery>();
    expectTypeOf<Remote.LatestInvoiceQuery>().toEqualTypeOf<Local.LatestInvoiceQuery>();
    expectTypeOf<Remote.RecentOrdersQuery>().toEqualTypeOf<Local.RecentOrdersQuery>();
  });
});
