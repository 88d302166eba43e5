export {
  type AppTarget,
  AppTargetSchema,
  type EmulatorOptions,
  EmulatorOptionsSchema,
  type ResolvedEmulatorOptions,
} from './options.ts';
export { type CallControls, type OrchestratorControls, TwilioEmulator } from './twilio-emulator.ts';
