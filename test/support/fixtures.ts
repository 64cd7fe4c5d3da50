// Plain's own example card responses, kept in this repo's test fixtures: valid by definition.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PLAIN_EXAMPLES_DIR = fileURLToPath(new URL('../fixtures/plain-example-cards/', import.meta.url));

export function plainExamples(): Array<{ name: string; body: unknown }> {
  return readdirSync(PLAIN_EXAMPLES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ name: file, body: JSON.parse(readFileSync(join(PLAIN_EXAMPLES_DIR, file), 'utf8')) }));
}
