// The `cardql` command line (bin/cardql.js runs it through tsx): the only CLI file that reads process.env.
import { EXIT, UsageError, type Command, type Io } from './args.ts';
import { addSource } from './add-source.ts';
import { check } from './check.ts';
import { dev } from './dev.ts';
import { diff } from './diff.ts';
import { render } from './render.ts';
import { serve } from './serve.ts';

const COMMANDS: readonly Command[] = [check, diff, render, serve, dev, addSource];

const HELP = `Usage: cardql <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run \`cardql <command> --help\` for a command's options and examples.

Examples:
  cardql check
  cardql diff
  cardql render plan-details --email alex@grocery.co
  cardql serve
  cardql add-source crm https://crm.example.com/graphql --header 'Authorization: Bearer \${CRM_TOKEN}'`;

/** Runs one command line and resolves to its exit code. Usage errors print a hint and exit 2. */
async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io[name === undefined ? 'err' : 'out'](`${HELP}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`cardql: unknown command ${JSON.stringify(name)}: expected one of ${COMMANDS.map((c) => c.name).join(', ')}\nRun \`cardql --help\`.\n`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${command.help}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`cardql ${command.name}: ${error.message}\nRun \`cardql ${command.name} --help\` for usage.\n`);
    return EXIT.usage;
  }
}

/** Colours when stdout is a terminal that has them; NO_COLOR and FORCE_COLOR are honoured. */
function wantsColor(env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(process.stdout.isTTY && process.stdout.hasColors?.());
}

try {
  process.exitCode = await main(process.argv.slice(2), {
    env: process.env,
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color: wantsColor(process.env),
    columns: process.stdout.columns || 80,
  });
} catch (error) {
  process.stderr.write(`cardql crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = EXIT.failed;
}
