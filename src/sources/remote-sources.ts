// Builds the declared remote sources, each with its pinned schema: startup needs no source to be up.
import { readFileSync } from 'node:fs';
import { buildSchema, validateSchema, type GraphQLSchema } from 'graphql';
import { ConfigError } from '../config.ts';
import type { SourceGuardEvents } from '../execution/remote-breaker.ts';
import { createRemoteSource, type RemoteSource } from '../execution/remote.ts';
import type { Telemetry } from '../telemetry.ts';
import type { RemoteSourceConfig } from './declaration.ts';

/**
 * One `RemoteSource` per declaration. Throws a `ConfigError` naming every source whose pinned SDL
 * is missing or invalid, and how to get it.
 */
export function createRemoteSources(
  configs: readonly RemoteSourceConfig[],
  { telemetry, guardEvents }: { telemetry: Pick<Telemetry, 'upstreamRequest'>; guardEvents?: SourceGuardEvents },
): RemoteSource[] {
  const problems: string[] = [];
  const sources: RemoteSource[] = [];
  for (const config of configs) {
    const schema = readPinnedSchema(config, problems);
    if (schema) sources.push(createRemoteSource({ config, schema, telemetry, ...(guardEvents && { guardEvents }) }));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return sources;
}

/** The SDL at `config.schemaPath`, built and checked; a problem (with the command that fixes it) otherwise. */
export function readPinnedSchema(config: Pick<RemoteSourceConfig, 'name' | 'schemaPath'>, problems: string[]): GraphQLSchema | undefined {
  const pull = `run \`npm run schema:pull -- ${config.name}\` while the source is reachable`;
  let text: string;
  try {
    text = readFileSync(config.schemaPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(`${config.schemaPath}: expected the pinned schema (SDL) of source "${config.name}", received ${code === 'ENOENT' ? 'no file' : `an unreadable file (${code})`}: ${pull}`);
    return undefined;
  }
  try {
    const schema = buildSchema(text);
    const errors = validateSchema(schema);
    if (errors.length === 0) return schema;
    problems.push(...errors.map((error) => `${config.schemaPath}: invalid schema of source "${config.name}": ${error.message}`));
  } catch (error) {
    const line = (error as { locations?: Array<{ line: number }> }).locations?.[0]?.line ?? 1;
    problems.push(`${config.schemaPath}:${line}: expected the SDL of source "${config.name}", received text that does not build: ${(error as Error).message}; ${pull}`);
  }
  return undefined;
}
