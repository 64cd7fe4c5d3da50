// What every command gets (arguments, environment, output) and how bad arguments become usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The world a command runs in, handed over by the entry file: commands never read `process`. */
export type Io = {
  env: Record<string, string | undefined>;
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout takes ANSI colours. */
  color: boolean;
  /** Terminal width in columns. */
  columns: number;
};

export type Command = {
  name: string;
  /** One line for `cardql --help`. */
  summary: string;
  /** The whole `cardql <name> --help` text: usage, options, examples. */
  help: string;
  /** Resolves to the exit code: 0 fine, 1 problems found or failed, 2 bad arguments. */
  run(args: string[], io: Io): Promise<number>;
};

/** Exit codes, the same for every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Bad arguments: the message says what was expected and what was received. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util` parseArgs with messages for people: an unknown option names the known ones, a missing
 * value says which option needs one. `--help` is always accepted.
 */
export function parse<O extends Options>(command: string, args: string[], options: O) {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as const satisfies Options;
  try {
    return parseArgs({ args, options: all, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    const known = Object.keys(all).map((name) => `--${name}`).join(', ');
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option ${option ?? message}: expected one of ${known}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = option?.split(' ')[0] ?? 'an option';
      if (/does not take an argument/.test(message)) throw new UsageError(`option ${name} takes no value, received one`);
      if (/ambiguous/.test(message)) throw new UsageError(`option ${name} expects a value, received another option (write ${name}=<value> for a value starting with -)`);
      throw new UsageError(`option ${name} expects a value, received none`);
    }
    throw new UsageError(`cannot read the arguments of ${command}: ${message}`);
  }
}
