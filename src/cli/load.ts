// Builds the app the way startup does (config from the environment, every card loaded and checked),
// for commands that need the cards but not a port.
import type { App } from '../app.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import type { Io } from './args.ts';

/** What stopped the app from loading: configuration or card problems, one line each, as startup reports them. */
export type LoadFailure = { kind: 'config' | 'cards'; problems: string[] };

/**
 * `createApp` on the configuration in `io.env`, exactly as `cardql serve` would build it (mappers
 * type-checked unless `checkMapperTypes: false`), with logs at warn level on stderr so that stdout
 * holds only the command's output.
 */
export async function loadApp(io: Io, { checkMapperTypes = true }: { checkMapperTypes?: boolean } = {}): Promise<App | LoadFailure> {
  let config;
  try {
    config = loadConfig(io.env).config;
  } catch (error) {
    if (error instanceof ConfigError) return { kind: 'config', problems: error.problems };
    throw error;
  }
  // The app's module graph is large: imported only once the configuration is known to be good.
  const [{ createApp }, { RegistryError }] = await Promise.all([import('../app.ts'), import('../registry/registry.ts')]);
  try {
    // Run from the sources (tsx strips types): the mappers are type-checked as `npm start`'s build would.
    return await createApp(config, { logger: createLogger('warn', { write: (line: string) => io.err(line) }), checkMapperTypes });
  } catch (error) {
    if (error instanceof RegistryError) return { kind: 'cards', problems: error.problems };
    // Source declarations are checked while the app is built (pinned schemas are files to read).
    if (error instanceof ConfigError) return { kind: 'config', problems: error.problems };
    throw error;
  }
}

export function isLoadFailure(value: App | LoadFailure): value is LoadFailure {
  return 'problems' in value && 'kind' in value;
}
