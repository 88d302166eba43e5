export {
  ENV_VARS,
  type MemoryConfig,
  MemoryConfigSchema,
  TACConfig,
  type TACConfigData,
  TACConfigSchema,
  type TACConfigValues,
  type TwilioProduct,
} from './tac-config.ts';
