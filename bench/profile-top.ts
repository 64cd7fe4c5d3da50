// Reads a V8 .cpuprofile (from `npm run bench -- --cpu-prof <dir>`) and prints where the time went:
// the top functions by self time, and self time summed per package or source folder.
// Usage: tsx bench/profile-top.ts <file.cpuprofile> [how many rows, default 30] [fn1,fn2,… to show inclusive time of]
import { readFileSync } from 'node:fs';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const [file, rowsArg = '30', inclusiveArg = ''] = process.argv.slice(2);
if (!file) {
  process.stderr.write('expected a .cpuprofile path, received none\nusage: tsx bench/profile-top.ts <file.cpuprofile> [rows]\n');
  process.exit(2);
}
const rows = Number(rowsArg);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

// Self time per node: each sample's time delta belongs to the node on top of the stack.
const selfUs = new Map<number, number>();
profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
// Shares are of the time the process was busy: a server between requests is idle, and counting that
// would make every share depend on the load rather than on the work.
const idleIds = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
for (const id of idleIds) selfUs.delete(id);
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const name = `${functionName || '(anonymous)'} ${shorten(url)}:${lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  byPlace.set(place(url, functionName), (byPlace.get(place(url, functionName)) ?? 0) + us);
}

const print = (title: string, entries: Map<string, number>, limit = rows) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    process.stdout.write(`${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}\n`);
  }
};
process.stdout.write(`busy time sampled (idle left out): ${(totalUs / 1e6).toFixed(1)} s\n`);
print('self time by package / folder', byPlace);
print('self time by function', byFunction);
if (inclusiveArg) print('inclusive time (samples with the function anywhere on the stack)', inclusive(inclusiveArg.split(',')), Number.POSITIVE_INFINITY);

/** Time of the samples whose stack holds a function of that name (counted once per sample). */
function inclusive(names: string[]): Map<string, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map(names.map((name) => [name, 0]));
  for (const [id, us] of selfUs) {
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) onStack.add(byId.get(at)!.callFrame.functionName);
    for (const name of names) if (onStack.has(name)) totals.set(name, totals.get(name)! + us);
  }
  return totals;
}

function shorten(url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '~/').replace(process.cwd() + '/', '');
}

/** `graphql`, `zod`, `src/http`, `node:internal`, or a V8 pseudo-frame such as `(garbage collector)`. */
function place(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const module = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (module?.[1]) return module[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const local = shorten(url).split('/');
  return local.length > 2 ? local.slice(0, 2).join('/') : local.join('/');
}
