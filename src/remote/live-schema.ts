// The schema a remote source serves right now, by introspection: for `npm run schema:pull` and the drift check at startup.
import { randomUUID } from 'node:crypto';
import { buildClientSchema, getIntrospectionQuery, parse, printSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { loggable } from '../log.ts';
import { createTransport } from './transport.ts';
import { noTelemetry } from '../telemetry.ts';
import type { RemoteSourceConfig } from './declaration.ts';

const INTROSPECTION = parse(getIntrospectionQuery({ descriptions: true }));

/**
 * Introspects the source with its declared headers, within its timeout (and `signal`); rejects
 * saying why when it cannot be reached or its answer is not a schema. Not card traffic: not reported to telemetry.
 */
export async function fetchLiveSchema(config: RemoteSourceConfig, signal: AbortSignal = new AbortController().signal): Promise<GraphQLSchema> {
  const send = createTransport({ config, telemetry: noTelemetry });
  // No deadline: the source's own timeout bounds each attempt.
  const scope = { requestId: randomUUID(), workspaceId: null, signal };
  const { data, errors } = await send({ document: INTROSPECTION }, scope);
  // The errors themselves kept: the log describes each (log.ts), the message is for people (npm run schema:pull).
  if (errors?.length) throw new AggregateError(errors, errors.map((error) => error.message).join('; '));
  if (!data || typeof data.__schema !== 'object' || data.__schema === null) {
    throw loggable(new Error(`source "${config.name}" answered the introspection query without __schema: is introspection disabled on it?`));
  }
  return buildClientSchema(data as unknown as IntrospectionQuery);
}

/**
 * The SDL to pin. Root types are always declared: printSchema leaves them out when they have the
 * usual names, and reading it back would then make any type named `Subscription` (a billing
 * subscription, in the demo) a subscription root it never was.
 */
export function printPinnedSchema(schema: GraphQLSchema): string {
  const sdl = printSchema(schema);
  if (/^schema \{/m.test(sdl)) return sdl;
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ].flatMap(([operation, type]) => (type && typeof type !== 'string' ? [`  ${operation}: ${type.name}`] : []));
  return `schema {\n${roots.join('\n')}\n}\n\n${sdl}`;
}
