// The bootmap CLI: parses arguments and dispatches; bad input is one line on stderr and exit code 2.
import { Command, CommanderError } from 'commander';
import { formatInputError, InputFailure } from '../inputs/errors.ts';
import { lazyCommands } from './commands/lazy.ts';
import { EXIT_BAD_INPUT, EXIT_OK } from './exit-codes.ts';

export async function main(argv: string[], io = { out: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s) }): Promise<number> {
  let code = EXIT_OK;
  const debug = argv.includes('--debug');
  const program = new Command('bootmap')
    .description('An executable model of how an arm64 Linux kernel sets up physical memory at boot')
    .option('--debug', 'show stack traces of internal errors')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  // The command named on the line is the only one loaded; help, `help <cmd>` and unknown commands load all.
  const named = argv.find((a) => !a.startsWith('-'));
  const load = named !== undefined && Object.hasOwn(lazyCommands, named) ? lazyCommands[named] : undefined;
  const registers = load ? [await load()] : (await import('./commands/index.ts')).commands;
  for (const register of registers) register(program, { out: (s) => void io.out(s), err: (s) => void io.err(s), setExit: (c) => (code = c) });
  try {
    await program.parseAsync(argv.filter((a) => a !== '--debug'), { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof InputFailure) {
      io.err(`bootmap: ${formatInputError(e.error)}\n`);
      if (debug) io.err(`${e.stack}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    io.err(`bootmap: internal error: ${(e as Error).message}${debug ? `\n${(e as Error).stack}` : ' (run with --debug for the stack)'}\n`);
    return 3;
  }
}

// The sweep's worker threads load this module (the bundle, or this file through tsx) and start here.
export { sweepWorkerMain } from './sweep-pool.ts';
