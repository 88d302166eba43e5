#!/usr/bin/env node
/**
 * `tac-emulator`: run the local Twilio emulator standalone and print the env
 * block for an app. Ctrl-C stops it.
 */
import { type CliRun, runCli, stopOnSignals } from './cli/run-cli.ts';

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
};

// Listen before anything is printed: whoever reads the env block (a person, a script, a test) may
// send Ctrl-C at once, and a signal that arrives before a listener exists kills the process
// without stopping the emulator.
let started: Promise<CliRun | undefined> | undefined;
const stopListening = stopOnSignals(
  process,
  () => started,
  (code) => process.exit(code),
);

try {
  started = runCli(process.argv.slice(2), io);
  // --help: nothing to keep running.
  if (!(await started)) stopListening();
} catch (error) {
  io.stderr(`tac-emulator: ${(error as Error).message}\n`);
  process.exitCode = 1;
  stopListening();
}
