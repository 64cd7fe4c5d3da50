// Loads every card at startup: stored queries parsed and validated once, matched with their mappers.
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GraphQLError, Kind, parse, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { CardDefinition } from '../mapping/define-card.ts';
import { CardKey, TimeToLiveSeconds } from '../plain/cards-response.ts';
import { LOCAL_SOURCE, type Source } from '../execution/executor.ts';
import { checkVariable } from './variables.ts';

/** One card, ready to run: nothing about it is parsed or checked per request. */
export type RegisteredCard = {
  key: string;
  source: string;
  document: DocumentNode;
  operationName: string;
  variableNames: string[];
  definition: CardDefinition<unknown>;
};

export type Registry = ReadonlyMap<string, RegisteredCard>;

/** Thrown when any card cannot be loaded; lists every problem as `file:line: message`. */
export class RegistryError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} problem(s) in the stored cards:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'RegistryError';
  }
}

const MAPPER_EXTENSIONS = new Set(['.ts', '.js', '.mjs']);

/**
 * Reads `queriesDir/<key>.graphql` and `cardsDir/<key>.ts`, checks each query against the schema of
 * its source and each mapper's definition, and throws a `RegistryError` listing all problems.
 */
export async function loadRegistry({ queriesDir, cardsDir, sources }: { queriesDir: string; cardsDir: string; sources: ReadonlyMap<string, Source> }): Promise<Registry> {
  const problems: string[] = [];
  const queryFiles = (await readdir(queriesDir)).filter((file) => file.endsWith('.graphql')).sort();
  const mapperFiles = new Map(
    (await listOrEmpty(cardsDir))
      .filter((file) => MAPPER_EXTENSIONS.has(extname(file)) && !file.endsWith('.d.ts') && !file.includes('.test.'))
      .map((file) => [basename(file, extname(file)), join(cardsDir, file)]),
  );
  const registry = new Map<string, RegisteredCard>();
  for (const file of queryFiles) {
    const key = basename(file, '.graphql');
    const path = join(queriesDir, file);
    const where = relative(process.cwd(), path);
    const mapperPath = mapperFiles.get(key);
    mapperFiles.delete(key);
    if (!CardKey.safeParse(key).success) {
      problems.push(`${where}:1: the file name must be a Plain card key: [a-zA-Z0-9_-]+, at most 500 characters`);
      continue;
    }
    if (!mapperPath) {
      problems.push(`${where}:1: no mapper for card "${key}": expected ${relative(process.cwd(), join(cardsDir, `${key}.ts`))}`);
      continue;
    }
    const definition = await importDefinition(mapperPath, problems);
    if (!definition) continue;
    const source = sources.get(definition.source ?? LOCAL_SOURCE);
    if (!source) {
      problems.push(`${relative(process.cwd(), mapperPath)}:1: unknown source "${definition.source}": expected one of ${[...sources.keys()].join(', ')}`);
      continue;
    }
    const card = checkQuery(key, await readFile(path, 'utf8'), where, source, definition, problems);
    if (card) registry.set(key, card);
  }
  for (const [key, mapperPath] of mapperFiles) {
    problems.push(`${relative(process.cwd(), mapperPath)}:1: mapper without a stored query: expected ${relative(process.cwd(), join(queriesDir, `${key}.graphql`))}`);
  }
  if (problems.length > 0) throw new RegistryError(problems);
  return registry;
}

function checkQuery(key: string, text: string, where: string, source: Source, definition: CardDefinition<unknown>, problems: string[]): RegisteredCard | undefined {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    problems.push(located(where, error));
    return undefined;
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations[0];
  if (operations.length !== 1 || !operation) {
    problems.push(`${where}:1: expected exactly one operation, found ${operations.length}`);
    return undefined;
  }
  const line = operation.loc?.startToken.line ?? 1;
  if (operation.operation !== 'query' || !operation.name) {
    problems.push(`${where}:${line}: expected a named query operation, found ${operation.name ? `a ${operation.operation}` : 'an anonymous operation'}`);
    return undefined;
  }
  const before = problems.length;
  for (const error of validate(source.schema, document)) problems.push(located(where, error, ` (source "${source.name}")`));
  for (const variable of operation.variableDefinitions ?? []) {
    for (const message of checkVariable(variable, source.schema)) problems.push(`${where}:${variable.loc?.startToken.line ?? line}: ${message}`);
  }
  if (problems.length > before) return undefined;
  return {
    key,
    source: source.name,
    document,
    operationName: operation.name.value,
    variableNames: (operation.variableDefinitions ?? []).map((v) => v.variable.name.value),
    definition,
  };
}

async function importDefinition(path: string, problems: string[]): Promise<CardDefinition<unknown> | undefined> {
  const where = relative(process.cwd(), path);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    problems.push(`${where}:1: cannot load the mapper: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const definition = module.default as Partial<CardDefinition<unknown>> | undefined;
  if (typeof definition?.map !== 'function') {
    problems.push(`${where}:1: expected \`export default defineCard({ timeToLiveSeconds, map })\`, received ${describe(module.default)}`);
    return undefined;
  }
  const ttl = definition.timeToLiveSeconds;
  if (ttl !== null && !TimeToLiveSeconds.safeParse(ttl).success) {
    problems.push(`${where}:1: timeToLiveSeconds must be null or an integer from 15 to 31536000, received ${JSON.stringify(ttl)}`);
    return undefined;
  }
  return definition as CardDefinition<unknown>;
}

function located(where: string, error: unknown, suffix = ''): string {
  if (error instanceof GraphQLError) return `${where}:${error.locations?.[0]?.line ?? 1}: ${error.message}${suffix}`;
  return `${where}:1: ${error instanceof Error ? error.message : String(error)}`;
}

function describe(value: unknown): string {
  return value === undefined ? 'no default export' : `a default export of type ${typeof value}`;
}

async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
