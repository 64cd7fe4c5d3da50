// Type-checks the TypeScript mappers with the TypeScript compiler API, so that `cardql check`, `render`,
// `serve` and `npm run dev` (which run the sources through tsx, which strips types) catch what
// `npm start`'s build would: a misspelled field of a query result is a type error, not "$NaN".
import { existsSync, readdirSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';

/** The outcome of a type-check: problems as `file:line: message`, and a note when none could be run. */
export type MapperTypeCheck = { problems: string[]; skipped?: string };

/**
 * What one check leaves for the next in the same process (`cardql dev` after each reload): the
 * compiler program, whose unchanged files (the libraries, the generated types) the next one reuses.
 */
export type TypeCheckMemory = { program?: import('typescript').Program; files?: Map<string, import('typescript').SourceFile> };

/**
 * Type-checks every `.ts` mapper in `cardsDir` (and what it imports: the generated query types,
 * the builders) with the compiler options of the nearest tsconfig.json, as `npm run build` would.
 * The diagnostics of the mappers themselves are reported.
 * About as long as loading the app (a few seconds on the demo); not incremental on disk, since concurrent
 * checks (several `cardql` processes, tests) would race on the compiler's state file. With `memory`, a
 * check reuses what the previous one in this process parsed.
 */
export async function checkMapperTypes(cardsDir: string, cwd = process.cwd(), memory: TypeCheckMemory = {}): Promise<MapperTypeCheck> {
  const mappers = listTypeScriptMappers(resolve(cwd, cardsDir));
  if (mappers.length === 0) return { problems: [] };
  let ts: typeof import('typescript');
  try {
    ts = (await import('typescript')).default;
  } catch {
    return { problems: [], skipped: 'mappers not type-checked: the typescript package is not installed (npm ci installs it; `npm start` type-checks while it builds)' };
  }
  const configPath = ts.findConfigFile(resolve(cwd, cardsDir), (path) => ts.sys.fileExists(path), 'tsconfig.json');
  const problems: string[] = [];
  let options: import('typescript').CompilerOptions = DEFAULT_OPTIONS;
  if (configPath) {
    const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
    const parsed = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, dirname(configPath), undefined, configPath);
    for (const diagnostic of [...(read.error ? [read.error] : []), ...parsed.errors]) problems.push(describe(ts, diagnostic, cwd));
    options = parsed.options;
  }
  const program = ts.createProgram({
    rootNames: mappers,
    options: { ...options, noEmit: true, incremental: false, composite: false, declaration: false },
    ...(memory.program && { oldProgram: memory.program }),
    host: reusingHost(ts, { ...options, noEmit: true }, (memory.files ??= new Map())),
  });
  memory.program = program;
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  // The mappers' own diagnostics only: checking a mapper resolves the types it imports without checking
  // those files whole (the project's own files are `npm run typecheck`'s), which keeps this to seconds.
  for (const path of mappers) {
    // One mapper at a time, letting requests in between: `cardql dev` checks while it serves.
    await new Promise((resolve) => setImmediate(resolve));
    const file = program.getSourceFile(path);
    if (file) diagnostics.push(...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file));
  }
  for (const diagnostic of diagnostics) problems.push(describe(ts, diagnostic, cwd));
  return { problems };
}

/**
 * Used when there is no tsconfig.json (mappers kept outside a project): this project's own options,
 * except that every file is an ES module, since cardql imports mappers as ES modules. Under NodeNext a
 * `.ts` file with no `"type": "module"` package.json above it counts as CommonJS (TS1295 on `import`).
 */
const DEFAULT_OPTIONS: import('typescript').CompilerOptions = {
  target: 9 /* ES2022 */,
  module: 99 /* ESNext */,
  moduleResolution: 100 /* Bundler */,
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  noEmit: true,
};

function listTypeScriptMappers(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => extname(file) === '.ts' && !file.endsWith('.d.ts') && !file.includes('.test.'))
    .map((file) => join(dir, file));
}

/** `file:line: message`, as every other card problem is reported. */
function describe(ts: typeof import('typescript'), diagnostic: import('typescript').Diagnostic, cwd: string): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  if (!diagnostic.file || diagnostic.start === undefined) return `tsconfig.json:1: ${message} (TS${diagnostic.code})`;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${relative(cwd, diagnostic.file.fileName)}:${line + 1}: ${message} (TS${diagnostic.code})`;
}

/** A compiler host that hands back the parsed file of a previous check when the file's text is the same. */
function reusingHost(ts: typeof import('typescript'), options: import('typescript').CompilerOptions, files: Map<string, import('typescript').SourceFile>): import('typescript').CompilerHost {
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, shouldCreate) => {
    const known = files.get(fileName);
    if (known && !shouldCreate && known.text === ts.sys.readFile(fileName)) return known;
    const file = read(fileName, language, onError, shouldCreate);
    if (file) files.set(fileName, file);
    return file;
  };
  return host;
}
