// Builds the declared remote sources at app start, each with its pinned schema: startup needs no source to be up.
import { readFileSync } from 'node:fs';
import { buildSchema, validateSchema, type GraphQLSchema } from 'graphql';
import { ConfigError, type Config } from '../config.ts';
import type { SourceGuardEvents } from './breaker.ts';
import { createRemoteSource, type RemoteSource } from './remote-source.ts';
import type { Telemetry } from '../telemetry.ts';
import { readSourcesDeclaration, type RemoteSourceConfig } from './declaration.ts';

/**
 * Reads the sources file (`config.sourcesFile`) and builds one `RemoteSource` per declaration.
 * Throws a `ConfigError` listing every problem of the file, or else every source whose pinned SDL is
 * missing or invalid and how to get it. Returns the file's warnings for the caller to log.
 */
export function createRemoteSources(
  config: Pick<Config, 'sourcesFile' | 'environment'>,
  { telemetry, guardEvents }: { telemetry: Pick<Telemetry, 'upstreamRequest'>; guardEvents?: SourceGuardEvents },
): { sources: RemoteSource[]; warnings: string[] } {
  const declared = readSourcesDeclaration(config.sourcesFile, config.environment.values());
  if (declared.problems.length > 0) throw new ConfigError(declared.problems);
  const problems: string[] = [];
  const sources: RemoteSource[] = [];
  for (const source of declared.sources) {
    const schema = readPinnedSchema(source, problems);
    if (schema) sources.push(createRemoteSource({ config: source, schema, telemetry, ...(guardEvents && { guardEvents }) }));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { sources, warnings: declared.warnings };
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
