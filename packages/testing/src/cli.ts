#!/usr/bin/env node
/**
 * `tac-emulator`: run the local Twilio emulator standalone and print the env
 * block for an app. Ctrl-C stops it.
 */
import { runCli } from './cli/run-cli.ts';

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
};

try {
  const run = await runCli(process.argv.slice(2), io);
  if (run) {
    const shutdown = () => {
      void run.stop().then(() => process.exit(0));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  }
} catch (error) {
  io.stderr(`tac-emulator: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
