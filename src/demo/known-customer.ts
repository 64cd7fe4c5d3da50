// The preview's and `cardql render`'s customer lookup on the demo data: the customer, and its Plain threads with their tenants.
import type { KnownCustomer, KnownThread } from '../execution/local.ts';
import type { DemoDatabase } from './database.ts';
import { createLoaders } from './loaders.ts';

/** Tried in the order the schema's `customer` field documents: external id, email, Plain's id. */
export async function findDemoCustomer(db: DemoDatabase, given: { id?: string; email?: string; externalId?: string }): Promise<KnownCustomer | null> {
  const loaders = createLoaders(db);
  const lookups = [
    [loaders.customerByExternalId, given.externalId],
    [loaders.customerByEmail, given.email],
    [loaders.customerByPlainId, given.id],
  ] as const;
  for (const [loader, key] of lookups) {
    if (!key) continue;
    const row = await loader.load(key);
    if (row) return { email: row.email, externalId: row.external_id, plainCustomerId: row.plain_customer_id, threads: await threadsOf(db, row.id) };
  }
  return null;
}

type ThreadWithTenant = { id: string; plain_thread_id: string; subject: string; tenant_id: string | null; plain_tenant_id: string | null };

/** Newest first: Plain's ids, the backend's own ids as the external ids, the subject as the title. */
async function threadsOf(db: DemoDatabase, customerId: string): Promise<KnownThread[]> {
  const statement = db.kysely
    .selectFrom('threads')
    .leftJoin('tenants', 'tenants.id', 'threads.tenant_id')
    .select(['threads.id as id', 'threads.plain_thread_id as plain_thread_id', 'threads.subject as subject', 'tenants.id as tenant_id', 'tenants.plain_tenant_id as plain_tenant_id'])
    .where('threads.customer_id', '=', customerId)
    .orderBy('threads.opened_at', 'desc')
    .compile();
  const rows = await db.rows<ThreadWithTenant>(statement);
  return rows.map((row) => ({
    id: row.plain_thread_id,
    externalId: row.id,
    title: row.subject,
    tenant: row.tenant_id && row.plain_tenant_id ? { id: row.plain_tenant_id, externalId: row.tenant_id } : null,
  }));
}
