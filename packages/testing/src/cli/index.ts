export {
  type CliIO,
  type CliRun,
  formatEnv,
  runCli,
  type SignalSource,
  stopOnSignals,
  USAGE,
} from './run-cli.ts';
