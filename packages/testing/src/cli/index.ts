export { type CliIO, type CliRun, formatEnv, runCli, USAGE } from './run-cli.ts';
