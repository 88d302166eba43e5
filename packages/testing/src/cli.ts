#!/usr/bin/env node
/**
 * `tac-emulator`: run the local Twilio emulator standalone and print the env
 * block for an app. Ctrl-C stops it.
 */
import { type CliRun, runCli } from './cli/run-cli.ts';

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
};

// Listen before anything is printed: whoever reads the env block (a person, a script, a test) may
// send Ctrl-C at once, and a signal that arrives before a listener exists kills the process
// without stopping the emulator.
let started: Promise<CliRun | undefined> | undefined;
const shutdown = () => {
  void Promise.resolve(started)
    .then((run) => run?.stop())
    .catch(() => undefined)
    .finally(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);

try {
  started = runCli(process.argv.slice(2), io);
  if (!(await started)) {
    // --help: nothing to keep running.
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
  }
} catch (error) {
  io.stderr(`tac-emulator: ${(error as Error).message}\n`);
  process.exitCode = 1;
  process.off('SIGINT', shutdown);
  process.off('SIGTERM', shutdown);
}
