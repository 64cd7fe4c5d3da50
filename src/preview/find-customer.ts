// Completes the customer a preview asks for (Plain always sends id and email, an author types only one), and its thread and tenant.
import type { KnownThread, LocalData } from '../execution/local.ts';
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
): Promise<{ customer: CardsRequest['customer']; found: boolean; threads: readonly KnownThread[] }> {
  const known = lookUp ? await lookUp(given) : null;
  const email = given.email ?? known?.email;
  if (!email) {
    const by = given.externalId ? `external id ${JSON.stringify(given.externalId)}` : `Plain customer id ${JSON.stringify(given.id)}`;
    throw new HttpError(400, 'CUSTOMER_NOT_FOUND', `Expected a customer email: no customer in the in-process data has ${by}, so enter the email Plain would send too`);
  }
  return {
    customer: { id: given.id ?? known?.plainCustomerId ?? UNLINKED_CUSTOMER_ID, email, externalId: given.externalId ?? known?.externalId ?? null },
    found: known !== null,
    threads: known?.threads ?? [],
  };
}

/**
 * The `thread` and `tenant` of the request, from the ids given and the customer's known threads: a
 * known thread brings its external id and, unless a tenant id is given, its tenant, as Plain would send
 * them. An id the data does not know is sent with `externalId: null`; no thread id, no thread.
 */
export function threadContext(threads: readonly KnownThread[], threadId: string | undefined, tenantId: string | undefined): Pick<CardsRequest, 'thread' | 'tenant'> {
  const known = threadId ? threads.find((thread) => thread.id === threadId) : undefined;
  const thread = threadId ? { id: threadId, externalId: known?.externalId ?? null } : null;
  if (tenantId) return { thread, tenant: { id: tenantId, externalId: known?.tenant?.id === tenantId ? known.tenant.externalId : null } };
  return { thread, tenant: known?.tenant ?? null };
}
