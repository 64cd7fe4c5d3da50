// Completes the customer a preview asks for: Plain always sends id and email, an author types only one.
import { parse, validate } from 'graphql';
import type { Source } from '../execution/executor.ts';
import { HttpError } from '../http/http-error.ts';
import type { CardsRequest } from '../plain/cards-request.ts';
import type { PreviewRequest } from './preview-request.ts';

/**
 * Sent as Plain's customer id when it is neither given nor known (a customer not linked to Plain):
 * Plain always has one, and no stored query should depend on it matching anything.
 */
export const UNLINKED_CUSTOMER_ID = 'c_PREVIEW_NOT_LINKED_TO_PLAIN';

// Through the source's own schema, so that the preview finds customers exactly as the cards' queries do.
const LOOKUP = parse(`query PreviewCustomer($externalId: ID, $email: String, $plainCustomerId: ID) {
  customer(externalId: $externalId, email: $email, plainCustomerId: $plainCustomerId) { email externalId plainCustomerId }
}`);

type Found = { email: string; externalId: string; plainCustomerId: string | null };

/**
 * Fills in the identifiers not given from the customer the source knows (given values win). Throws a
 * 400 when no email can be had: Plain always sends one and stored queries may require it.
 */
export async function findCustomer(
  source: Source | undefined,
  given: PreviewRequest['customer'],
): Promise<{ customer: CardsRequest['customer']; found: boolean }> {
  const known = source ? await lookUp(source, given) : null;
  const email = given.email ?? known?.email;
  if (!email) {
    const by = given.externalId ? `external id ${JSON.stringify(given.externalId)}` : `Plain customer id ${JSON.stringify(given.id)}`;
    throw new HttpError(400, 'CUSTOMER_NOT_FOUND', `Expected a customer email: no customer in the in-process data has ${by}, so enter the email Plain would send too`);
  }
  return {
    customer: { id: given.id ?? known?.plainCustomerId ?? UNLINKED_CUSTOMER_ID, email, externalId: given.externalId ?? known?.externalId ?? null },
    found: known !== null,
  };
}

async function lookUp(source: Source, given: PreviewRequest['customer']): Promise<Found | null> {
  // A source whose schema has no such `customer` field simply knows nobody.
  if (validate(source.schema, LOOKUP).length > 0) return null;
  const controller = new AbortController();
  const executor = source.createExecutor({ requestId: 'preview-customer-lookup', workspaceId: null, signal: controller.signal });
  const variables = { externalId: given.externalId ?? null, email: given.email ?? null, plainCustomerId: given.id ?? null };
  const result = await executor({ document: LOOKUP, operationName: 'PreviewCustomer', variables });
  controller.abort();
  return ((result.data as { customer?: Found | null } | null | undefined)?.customer ?? null);
}
