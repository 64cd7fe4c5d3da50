// CPU per 6-card request of merging the cards into one operation and printing it, as remote mode did
// (@graphql-tools/batch-execute: merged and printed again on every request) and as it does now (merged
// once per set of cards, src/execution/merged-operation.ts). No HTTP; the upstream's answer is faked.
// Usage: tsx bench/merge-cost.ts
import { readFileSync } from 'node:fs';
import { createBatchingExecutor } from '@graphql-tools/batch-execute';
import { parse, print, type DocumentNode } from 'graphql';
import { batchPerTurn, createOperationMerger, mergeVariables, splitResult } from '../src/remote/merged-operation.ts';
const KEYS = ['customer-details', 'plan-details', 'subscription-status', 'usage', 'latest-invoice', 'recent-orders'];
const docs = KEYS.map((k) => ({ document: parse(readFileSync(`examples/remote-demo/queries/demo/${k}.graphql`, 'utf8')), operationName: '' }));
for (const d of docs) d.operationName = (d.document.definitions[0] as any).name.value;
const vars = (i: number) => ({ customerId: `c_${i}`, email: `x${i}@y.z`, externalId: null });
const printed = new WeakMap<DocumentNode, string>();
const textOf = (doc: DocumentNode) => { let t = printed.get(doc); if (t === undefined) printed.set(doc, (t = print(doc))); return t; };
const answer = (doc: DocumentNode) => { const text = textOf(doc); const data: Record<string, unknown> = {}; for (const m of text.matchAll(/(_v\d+_customer):/g)) data[m[1]!] = { id: 1 }; return { data }; };
const old = async (i: number) => {
  const exec = createBatchingExecutor((async (r: any) => answer(r.document)) as any, { cache: false });
  return Promise.all(docs.map((d) => exec({ document: d.document, operationName: d.operationName, variables: vars(i), operationType: 'query' } as any)));
};
const mergedFor = createOperationMerger();
const neu = async (i: number) => {
  const exec = batchPerTurn(async (requests) => { const m = mergedFor(requests); const v = mergeVariables(m, requests); void v; return splitResult(m, answer(m.document), 'demo'); });
  return Promise.all(docs.map((d) => exec({ document: d.document, operationName: d.operationName, variables: vars(i) })));
};
const N = 5000; const res: Record<string, number[]> = { 'batch-execute (merge + print per request)': [], 'merged once per set of cards': [] };
for (let r = -1; r < 7; r++) for (const [name, fn] of [['batch-execute (merge + print per request)', old], ['merged once per set of cards', neu]] as const) {
  const s = process.cpuUsage(); for (let i = 0; i < N; i++) await fn(i); const u = process.cpuUsage(s); if (r >= 0) res[name]!.push((u.user + u.system) / N);
}
for (const [n, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(`${n}: ${v[3]!.toFixed(1)} µs per 6-card request [${v[0]!.toFixed(1)}–${v[6]!.toFixed(1)}]`); }
