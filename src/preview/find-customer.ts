// Completes the customer a preview asks for: Plain always sends id and email, an author types only one.
import type { LocalData } from '../execution/local.ts';
import { HttpError } from '../http/http-error.ts';
import type { CardsRequest } from '../plain/cards-request.ts';
import type { PreviewRequest } from './preview-request.ts';

/**
 * Sent as Plain's customer id when it is neither given nor known (a customer not linked to Plain):
 * Plain always has one, and no stored query should depend on it matching anything.
 */
export const UNLINKED_CUSTOMER_ID = 'c_PREVIEW_NOT_LINKED_TO_PLAIN';

/**
 * Fills in the identifiers not given from the customer the source knows (given values win). Throws a
 * 400 when no email can be had: Plain always sends one and stored queries may require it.
 */
export async function findCustomer(
  lookUp: LocalData['findCustomer'],
  given: PreviewRequest['customer'],
): Promise<{ customer: CardsRequest['customer']; found: boolean }> {
  const known = lookUp ? await lookUp(given) : null;
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
