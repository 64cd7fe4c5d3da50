// Loads every card at startup: stored queries parsed and validated once, matched with their mappers.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { automaticCard, hintsIgnoredByMapper } from '../mapping/auto-layout-card.ts';
import type { Mapper } from '../mapping/mapper.ts';
import { hintAdvice, ownHints, stripHints, withHints, type HintProblem } from '../mapping/hints.ts';
import { withTypenames } from '../mapping/typenames.ts';
import { CardKey, TimeToLiveSeconds } from '../plain/cards-response.ts';
import { LOCAL_SOURCE, type Source } from '../execution/executor.ts';
import { listQueryFiles } from './query-files.ts';
import { checkVariable, nullablePositionAdvice, nullableVariableWarnings, type DeclaredVariables } from './variables.ts';

/** One card, ready to run: nothing about it is parsed or checked per request. */
export type RegisteredCard = {
  key: string;
  source: string;
  document: DocumentNode;
  operationName: string;
  /** The variables the query declares (each bound from Plain's request), and which have a default. */
  variables: DeclaredVariables;
  /** What lays the card out: its mapper file's, or the automatic layout's. */
  mapper: Mapper<unknown>;
  /** `mapper`: a mapper in the cards folder lays it out; `automatic`: laid out from the shape of the result. */
  layout: 'mapper' | 'automatic';
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
 * its source and each mapper, and throws a `RegistryError` listing all problems.
 * A query with no mapper is laid out automatically; its layout hints are checked here and stripped
 * from the document that is executed.
 */
export async function loadRegistry({
  queriesDir,
  cardsDir,
  sources,
  problems: found = [],
  warn = () => {},
  freshMappers = false,
}: {
  queriesDir: string;
  cardsDir: string;
  sources: ReadonlyMap<string, Source>;
  /** Problems found before loading (the mappers' type errors), reported with the others. */
  problems?: readonly string[];
  /** Called with each warning, `file:line: warning: message`: what works but may not do what the author meant. */
  warn?: (warning: string) => void;
  /**
   * Import each mapper as it is on disk now, not as this process first imported it (live reload in
   * `cardql dev`): the module URL carries the file's modification time, so an edited mapper is a new
   * module and an unchanged one is the one already loaded. What a mapper imports is not reloaded.
   */
  freshMappers?: boolean;
}): Promise<Registry> {
  const problems: string[] = [];
  const queryFiles = await listQueryFiles(queriesDir, problems);
  const mapperFiles = new Map(
    (await listOrEmpty(cardsDir))
      .filter((file) => MAPPER_EXTENSIONS.has(extname(file)) && !file.endsWith('.d.ts') && !file.includes('.test.'))
      .map((file) => [basename(file, extname(file)), join(cardsDir, file)]),
  );
  const registry = new Map<string, RegisteredCard>();
  for (const { key, path, source: folder } of queryFiles) {
    const where = relative(process.cwd(), path);
    const mapperPath = mapperFiles.get(key);
    mapperFiles.delete(key);
    if (!CardKey.safeParse(key).success) {
      problems.push(`${where}:1: the file name must be a Plain card key: [a-zA-Z0-9_-]+, at most 500 characters`);
      continue;
    }
    const imported = mapperPath ? await importMapper(mapperPath, problems, freshMappers) : undefined;
    if (mapperPath && !imported) continue;
    const mapper = mapperPath && imported ? { mapper: imported, where: relative(process.cwd(), mapperPath) } : undefined;
    const card = checkQuery(key, await readFile(path, 'utf8'), where, sources, folder, mapper, problems, warn);
    if (card) registry.set(key, card);
  }
  for (const [key, mapperPath] of mapperFiles) {
    problems.push(`${relative(process.cwd(), mapperPath)}:1: mapper without a stored query: expected ${relative(process.cwd(), join(queriesDir, `${key}.graphql`))}`);
  }
  problems.push(...found);
  if (problems.length > 0) throw new RegistryError(problems);
  return registry;
}

/** A mapper file, loaded: its default export and where it is, for messages. */
type MapperFile = { mapper: Mapper<unknown>; where: string };

function checkQuery(
  key: string,
  text: string,
  where: string,
  sources: ReadonlyMap<string, Source>,
  folder: string,
  mapper: MapperFile | undefined,
  problems: string[],
  warn: (warning: string) => void,
): RegisteredCard | undefined {
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
  // The query's folder chooses its source (docs/remote-sources.md): that is the only place it is said.
  const source = sources.get(folder);
  if (!source && folder === LOCAL_SOURCE) {
    problems.push(`${where}:1: a card on the in-process data, but there is none (CARDQL_LOCAL_SOURCE=none): expected it under ${join('queries', '<source>')}/ to run on a remote source, or CARDQL_LOCAL_SOURCE set`);
    return undefined;
  }
  if (!source) {
    const remote = [...sources.keys()].filter((name) => name !== LOCAL_SOURCE);
    problems.push(`${where}:1: the folder "${folder}" names no declared source: expected one of ${remote.length > 0 ? remote.join(', ') : '(none declared)'}, declared in the file CARDQL_SOURCES points at`);
    return undefined;
  }
  const before = problems.length;
  let hinted: GraphQLSchema;
  try {
    hinted = withHints(source.schema);
  } catch (error) {
    problems.push(located(where, error, ` (source "${source.name}" clashes with cardql's layout hints)`));
    return undefined;
  }
  // Validated as written, hints included; then the hints are read, and stripped from what runs.
  for (const error of validate(hinted, document)) {
    problems.push(located(where, error, `${hintAdvice(error.message)}${nullablePositionAdvice(error.message)} (source "${source.name}")`));
  }
  for (const variable of operation.variableDefinitions ?? []) {
    for (const message of checkVariable(variable, source.schema)) problems.push(`${where}:${variable.loc?.startToken.line ?? line}: ${message}`);
  }
  if (problems.length > before) return undefined;
  const own = ownHints(source.schema);
  // Hints next to a mapper do nothing but do no harm (they are stripped): a warning, so that moving
  // from hints to a mapper does not stop the startup.
  if (mapper) for (const problem of hintsIgnoredByMapper(document, own, mapper.where)) warn(`${where}:${problem.line}: warning: ${problem.message}`);
  for (const [at, message] of nullableVariableWarnings(hinted, document, operation)) warn(`${where}:${at}: warning: ${message}`);
  const hintProblems: HintProblem[] = [];
  const layout = mapper?.mapper ?? automaticCard(source.schema, document, own, hintProblems);
  for (const problem of hintProblems) problems.push(`${where}:${problem.line}: ${problem.message}`);
  // An automatic card reads `__typename` to lay out each branch of a union or interface its own way.
  const executable = mapper ? stripHints(document, own) : withTypenames(source.schema, stripHints(document, own));
  for (const error of validate(source.schema, executable)) problems.push(located(where, error, ` (source "${source.name}", hints stripped)`));
  if (problems.length > before) return undefined;
  return {
    key,
    source: source.name,
    document: executable,
    operationName: operation.name.value,
    variables: {
      names: (operation.variableDefinitions ?? []).map((v) => v.variable.name.value),
      withDefault: new Set((operation.variableDefinitions ?? []).filter((v) => v.defaultValue).map((v) => v.variable.name.value)),
    },
    mapper: layout,
    layout: mapper ? 'mapper' : 'automatic',
  };
}

/**
 * Where cardql's modules come from when they run compiled: `npm start` runs `dist/src/index.js`, which
 * `npm run build` (tsconfig.build.json) compiles from `src/` and `examples/`, `<root>/src/x.ts` →
 * `<root>/dist/src/x.js`. `root` is absolute; `outDir` and `include` are relative to it, as in
 * tsconfig.build.json (test/compiled.test.ts checks that they match).
 */
export type Build = { root: string; outDir: string; include: readonly string[] };

/**
 * Set when this module is `<root>/dist/src/registry/registry.js`; undefined under tsx (`npm run dev`, the
 * `cardql` command) and vitest, which import the TypeScript mappers themselves.
 */
const BUILD: Build | undefined = import.meta.url.endsWith('.js') ? { root: resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), ...buildLayout() } : undefined;

/** Where tsconfig.build.json puts the build, relative to the project's root. */
export function buildLayout(): Omit<Build, 'root'> {
  return { outDir: 'dist', include: ['src', 'examples'] };
}

/**
 * The module to import for the mapper written at the absolute path `source`: the source itself under tsx,
 * and any `.js`/`.mjs` mapper; when cardql runs compiled, a `.ts` mapper's compiled output, or a problem
 * saying why there is none (node cannot import TypeScript, and a mapper never silently runs from elsewhere).
 */
export function mapperModule(source: string, build: Build | undefined): { module: string } | { problem: string } {
  if (!build || extname(source) !== '.ts') return { module: source };
  const path = relative(build.root, source);
  if (!build.include.some((dir) => isInside(path, dir))) {
    return {
      problem:
        `a TypeScript mapper outside what \`npm run build\` compiles: expected a mapper under ${build.include.map((dir) => join(build.root, dir) + sep).join(' or ')}` +
        ` (CARDQL_CARDS_DIR, default src/cards) or written as JavaScript (.mjs), received ${source}. Move the mappers under src/, add their folder to tsconfig.build.json's include, or run cardql with tsx (\`npx cardql serve\`)`,
    };
  }
  return { module: join(build.root, build.outDir, path.replace(/\.ts$/, '.js')) };
}

/** Whether the relative path `path` is inside the relative folder `dir`. */
function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

async function importMapper(path: string, problems: string[], fresh: boolean): Promise<Mapper<unknown> | undefined> {
  const where = relative(process.cwd(), path);
  const target = mapperModule(resolve(path), BUILD);
  if ('problem' in target) {
    problems.push(`${where}:1: ${target.problem}`);
    return undefined;
  }
  if (target.module !== resolve(path) && !existsSync(target.module)) {
    problems.push(`${where}:1: no compiled mapper: expected ${relative(process.cwd(), target.module)}, received none. \`npm start\` builds it; when running dist/src/index.js directly, run \`npm run build\` first`);
    return undefined;
  }
  let module: { default?: unknown };
  try {
    const url = pathToFileURL(target.module).href;
    module = (await import(fresh ? `${url}?mtime=${(await stat(target.module)).mtimeMs}` : url)) as { default?: unknown };
  } catch (error) {
    problems.push(`${where}:1: cannot load the mapper: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const mapper = module.default as Partial<Mapper<unknown>> | undefined;
  if (typeof mapper?.map !== 'function') {
    problems.push(`${where}:1: expected \`export default defineMapper({ timeToLiveSeconds, map })\`, received ${describe(module.default)}`);
    return undefined;
  }
  const ttl = mapper.timeToLiveSeconds;
  if (ttl !== null && !TimeToLiveSeconds.safeParse(ttl).success) {
    problems.push(`${where}:1: timeToLiveSeconds must be null or an integer from 15 to 31536000, received ${JSON.stringify(ttl)}`);
    return undefined;
  }
  return mapper as Mapper<unknown>;
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
