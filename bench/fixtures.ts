// What the benchmark sends: signed Plain requests for many seeded customers, the same data as GraphQL
// requests for the naive alternative.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { sign } from '../src/http/verify.ts';
import { CardsRequest } from '../src/plain/cards-request.ts';
import { bindVariables } from '../src/registry/variables.ts';
import { withDemoDatabase } from './demo-data.ts';

export const WORKSPACE_ID = 'w_01BENCH';

/** One request ready to send: the exact body bytes and their signature. */
export type Prepared = { body: string; headers: Record<string, string> };

type CustomerRow = { id: string; external_id: string; plain_customer_id: string | null; email: string };

/**
 * `count` customers spread evenly over the seeded database (the hand-written ones included), as
 * Plain would describe them. Every fourth one comes without an external id, so the email lookup
 * path is exercised too; customers Plain has no id for get a synthetic one, as Plain always sends one.
 * Opening the database seeds it when it does not exist yet.
 */
export function pickCustomers(databasePath: string, count: number): Array<CardsRequest['customer']> {
  return withDemoDatabase(databasePath, (all) => {
    const rows = all<CustomerRow>('SELECT id, external_id, plain_customer_id, email FROM customers ORDER BY id');
    if (rows.length === 0) throw new Error(`expected seeded customers in ${databasePath}, received none`);
    const step = Math.max(1, Math.floor(rows.length / count));
    const picked = rows.filter((_, index) => index < 4 || index % step === 0).slice(0, count);
    return picked.map((row, index) => ({
      id: row.plain_customer_id ?? `c_BENCH${row.id.replace(/\W/g, '').toUpperCase()}`,
      email: row.email,
      externalId: index % 4 === 3 ? null : row.external_id,
    }));
  });
}

/** Plain's headers for one body: JSON, workspace, user agent, and the HMAC of the exact bytes. */
export function plainHeaders(body: string, secret: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json',
    'plain-workspace-id': WORKSPACE_ID,
    'user-agent': 'Plain/1.0 (plain.com; help@plain.com)',
    'plain-request-signature': sign(body, secret),
  };
}

/** One signed `POST /cards` per customer, asking for `cardKeys`. */
export function cardRequests(customers: Array<CardsRequest['customer']>, cardKeys: string[], secret: string): Prepared[] {
  return customers.map((customer) => {
    const body = JSON.stringify({ cardKeys, customer });
    return { body, headers: plainHeaders(body, secret) };
  });
}

type StoredQuery = { key: string; text: string; operationName: string; variableNames: string[] };

/** The stored queries of `keys` as the registry sees them: text, operation name, declared variables. */
export function readQueries(queriesDir: string, keys: string[]): StoredQuery[] {
  return keys.map((key) => {
    const text = readFileSync(join(queriesDir, `${key}.graphql`), 'utf8');
    const operation = parse(text).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (!operation?.name) throw new Error(`expected a named query in ${key}.graphql, received none`);
    return { key, text, operationName: operation.name.value, variableNames: (operation.variableDefinitions ?? []).map((v) => v.variable.name.value) };
  });
}

/**
 * The naive alternative's requests: per customer, one `POST /graphql` body per stored query, with
 * the variables cardql itself would bind from the same Plain request.
 */
export function graphqlGroups(customers: Array<CardsRequest['customer']>, queries: StoredQuery[]): string[][] {
  return customers.map((customer) => {
    const request = CardsRequest.parse({ cardKeys: queries.map((q) => q.key), customer });
    return queries.map((query) =>
      JSON.stringify({ query: query.text, operationName: query.operationName, variables: bindVariables({ names: query.variableNames, withDefault: new Set() }, request, WORKSPACE_ID) }),
    );
  });
}

