/**
 * `npm start`: the local playground. Starts the Twilio emulator, a TAC server
 * with the demo agent (or yours: `npm start -- dev ./my-agent.ts`) and the web
 * page, prints the URLs, and stops everything on Ctrl-C.
 */
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2));
// Sockets and timers are closed by then; exit anyway so a stray handle in user code can't hang Ctrl-C.
process.exit();
