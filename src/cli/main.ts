// `guestlist <command>`: the commands are the rows of commands.ts. Runs as
// `npm run guestlist -- <command>` in the repository and `guestlist` when installed.
// Exit codes: 0 done, 1 refused or failed (one line says why), 2 a usage mistake,
// 78 a bad setting (EX_CONFIG).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Command, commandsOf, helpText, usageOf } from './commands.ts';
import { readConfig } from './settings.ts';
import { describeStartupError } from './startup-errors.ts';

export async function main(argv: string[]): Promise<number> {
  const [word, ...rest] = argv;
  if (word === undefined) return usageMistake('Which command?', helpText());
  if (word === 'help' || word === '--help' || word === '-h') {
    process.stdout.write(helpText());
    return 0;
  }
  if (word === '--version' || word === '-v') {
    process.stdout.write(`guestlist ${version()}\n`);
    return 0;
  }
  const rows = commandsOf(word);
  if (rows.length === 0) return usageMistake(`Unknown command "${word}".`, helpText());
  // A group (`token`) needs one of its subcommands; `token --help` shows them all.
  let command: Command | undefined = rows.length === 1 && rows[0]!.name === word ? rows[0] : undefined;
  let args = rest;
  if (!command) {
    const [sub, ...subArgs] = rest;
    if (sub === '--help' || sub === '-h') {
      process.stdout.write(usageOf(rows));
      return 0;
    }
    command = rows.find((row) => row.name === `${word} ${sub}`);
    if (!command) {
      const problem = sub === undefined ? `guestlist ${word} needs a subcommand.` : `Unknown command "${word} ${sub}".`;
      return usageMistake(problem, usageOf(rows));
    }
    args = subArgs;
  }
  let help = false;
  let words: string[] = [];
  try {
    // Strict: an option the command does not take is a mistake, never silently ignored.
    ({
      values: { help = false },
      positionals: words,
    } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
    }) as { values: { help?: boolean }; positionals: string[] });
  } catch (error) {
    // parseArgs adds advice about `--` that only confuses here: keep its first sentence.
    const problem = (error as Error).message.split('. To specify a positional argument')[0];
    return usageMistake(`guestlist ${command.name}: ${problem}`, usageOf(rows));
  }
  if (help) {
    process.stdout.write(`${usageOf([command])}\n${command.summary}\n`);
    return 0;
  }
  // A stray word (`migrate help`) is a mistake too: said, and nothing run.
  if (words.length > (command.arguments ?? 0)) {
    return usageMistake(`guestlist ${command.name}: unexpected "${words.at(-1)}".`, usageOf([command]));
  }
  try {
    return await command.run(args);
  } catch (error) {
    // Start-up failures a person can fix (a busy port, a data folder, a database that cannot
    // be opened) are one line naming the cause and the fix; anything else is a bug: its stack.
    const line = describeStartupError(error, readConfig);
    if (!line) throw error;
    process.stderr.write(`${line}\n`);
    return 1;
  }
}

function usageMistake(problem: string, usage: string): number {
  process.stderr.write(`${problem}\n\n${usage}`);
  return 2;
}

function version(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
