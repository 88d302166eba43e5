/**
 * The local playground: `startPlayground()` runs the emulator, a TAC server
 * with an agent and the web page in this process; `runCli()` is `npm start`
 * and `tac dev`.
 */
export { formatBanner, parseCliArgs, runCli, type SignalSource, USAGE } from './cli.ts';
export { loadAgentModule } from './load-agent-module.ts';
export {
  DEFAULT_PLAYGROUND_PORT,
  type Playground,
  type PlaygroundOptions,
  startPlayground,
} from './playground.ts';
