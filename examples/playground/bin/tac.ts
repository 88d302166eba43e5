#!/usr/bin/env -S node --conditions=@tac/source
/**
 * The `tac` command: `tac dev ./my-agent.ts` serves your agent in the local
 * playground (voice, SMS and WhatsApp through the Twilio emulator).
 */
import { runCli } from '../cli.ts';

const [command, ...rest] = process.argv.slice(2);
if (command !== 'dev' && command !== undefined && command !== '--help' && command !== '-h') {
  console.error(`Unknown command "${command}". Usage: tac dev [./my-agent.ts] [--port N]`);
  process.exit(2);
}
process.exitCode = await runCli(command === 'dev' ? rest : command ? [command] : []);
process.exit();
