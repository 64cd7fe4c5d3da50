// `cardql dev`: reloads the cards in process when a stored query or a mapper changes, instead of a restart.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { extname } from 'node:path';
import type { App } from './app.ts';
import { checkMapperTypes, type TypeCheckMemory } from './registry/mapper-types.ts';

export type CardFolders = { queriesDir: string; cardsDir: string };

export type LiveReloadOptions = CardFolders & {
  app: Pick<App, 'reloadCards' | 'logger'>;
  /** Where problems go, as at startup (`file:line: message` lines); default standard error. */
  report?: (text: string) => void;
  /** Quiet time after the last change before reloading: an editor's save is often several events. */
  debounceMs?: number;
  /**
   * Quiet time after a reload before the mappers are type-checked: the check holds the event loop for
   * a moment, and the preview should show the edit first.
   */
  typeCheckAfterMs?: number;
  /** What the previous type-check (the one at startup) parsed: the next one reuses it. */
  typeCheckMemory?: TypeCheckMemory | undefined;
};

export type LiveReload = { close(): void };

/**
 * Watches the queries folder and the cards folder; after each edit, reloads the cards through
 * `app.reloadCards()` (one reload at a time; the previous cards keep serving when one fails), then
 * type-checks the mappers and reports their type errors. A card with type errors keeps serving:
 * in development the author sees both the card and the error; `npm start`'s build refuses it.
 */
export function watchCards({ app, queriesDir, cardsDir, report = writeStderr, debounceMs = 50, typeCheckAfterMs = 750, typeCheckMemory }: LiveReloadOptions): LiveReload {
  const memory: TypeCheckMemory = typeCheckMemory ?? {};
  let reloads = Promise.resolve();
  let checks = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let checkTimer: NodeJS.Timeout | undefined;
  const watchers = watchFolders({ queriesDir, cardsDir }, () => {
    // A newer edit is on its way: its own reload is type-checked.
    clearTimeout(timer);
    clearTimeout(checkTimer);
    timer = setTimeout(() => (reloads = reloads.then(reload).catch(failed)), debounceMs);
  });

  async function reload(): Promise<void> {
    const started = performance.now();
    const outcome = await app.reloadCards();
    const ms = Math.round(performance.now() - started);
    if (!outcome.ok) {
      app.logger.error({ problems: outcome.problems.length, ms }, 'cards not reloaded: the previous cards keep serving until the next edit');
      report(`cardql cannot reload the cards; the previous ones keep serving.\n${describeProblems(outcome.problems)}`);
      return;
    }
    app.logger.info({ cards: outcome.cards, ms }, 'cards reloaded after an edit');
    clearTimeout(checkTimer);
    checkTimer = setTimeout(() => (checks = checks.then(typeCheck).catch(failed)), typeCheckAfterMs);
  }

  /** Never a crash of the dev server: the next edit tries again. */
  function failed(error: unknown): void {
    app.logger.error({ err: error }, 'live reload failed; the next edit tries again');
  }

  async function typeCheck(): Promise<void> {
    const started = performance.now();
    const { problems, skipped } = await checkMapperTypes(cardsDir, process.cwd(), memory);
    if (skipped) app.logger.warn(skipped);
    const ms = Math.round(performance.now() - started);
    if (problems.length === 0) return void app.logger.info({ ms }, 'mappers type-checked: no problems');
    app.logger.warn({ problems: problems.length, ms }, 'mapper type errors: the cards keep serving in development, `npm start` refuses them');
    report(`The mappers have type errors (the cards keep serving in development; a restart or \`npm start\` refuses them).\n${describeProblems(problems)}`);
  }

  return {
    close() {
      clearTimeout(timer);
      clearTimeout(checkTimer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

/** Resolves at the next edit of a stored query or a mapper (`cardql dev` waiting to retry a failed start). */
export function nextEdit(folders: CardFolders): Promise<void> {
  return new Promise((resolve) => {
    const watchers = watchFolders(folders, () => {
      for (const watcher of watchers) watcher.close();
      setTimeout(resolve, 50);
    });
  });
}

function watchFolders({ queriesDir, cardsDir }: CardFolders, changed: () => void): FSWatcher[] {
  const watched: Array<[string, ReadonlySet<string>]> = [
    [queriesDir, new Set(['.graphql'])],
    [cardsDir, new Set(['.ts', '.js', '.mjs'])],
  ];
  return watched
    .filter(([dir]) => existsSync(dir))
    .map(([dir, extensions]) =>
      // Editors' swap and backup files are not cards; an event without a name may be one.
      watch(dir, { recursive: true }, (_event, file) => {
        if (file === null || extensions.has(extname(file))) changed();
      }),
    );
}

/** As `cardql` reports a failed start (RegistryError's message). */
function describeProblems(problems: readonly string[]): string {
  return `${problems.length} problem(s) in the stored cards:\n${problems.map((p) => `  ${p}`).join('\n')}\n`;
}

function writeStderr(text: string): void {
  process.stderr.write(text);
}
