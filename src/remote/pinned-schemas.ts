// Builds the declared remote sources at app start, each with its pinned schema: startup needs no source to be up.
import { readFileSync } from 'node:fs';
import { buildASTSchema, parse, validateSchema, type GraphQLSchema } from 'graphql';
// Not re-exported by graphql's index, but public API (graphql-js documents it for SDL tooling).
import { validateSDL } from 'graphql/validation/validate.js';
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
    // parse + validateSDL + buildASTSchema is buildSchema with every error located: buildSchema
    // joins SDL errors into one Error without locations, which read as `file:1`.
    const document = parse(text);
    const sdlErrors = validateSDL(document);
    const schema = sdlErrors.length === 0 ? buildASTSchema(document, { assumeValidSDL: true }) : undefined;
    const errors = schema ? validateSchema(schema) : sdlErrors;
    if (schema && errors.length === 0) return schema;
    problems.push(...errors.map((error) => `${at(config.schemaPath, error)}: invalid schema of source "${config.name}": ${error.message}; fix it, or ${pull}`));
  } catch (error) {
    problems.push(`${at(config.schemaPath, error)}: expected the SDL of source "${config.name}", received text that does not build: ${(error as Error).message}; ${pull}`);
  }
  return undefined;
}

/** `path:line:column` of an error's first location, or the bare path when it has none. */
function at(path: string, error: unknown): string {
  const location = (error as { locations?: ReadonlyArray<{ line: number; column: number }> }).locations?.[0];
  return location ? `${path}:${location.line}:${location.column}` : path;
}
