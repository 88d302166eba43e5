export {
  candidateUrls,
  formParams,
  type PublicUrlOptions,
  requestOrigin,
  type SignedRequestLike,
  validateFormSignature,
  validateJsonSignature,
  validateWebSocketSignature,
} from './signature.ts';
export {
  type TACPluginOptions,
  TACPluginSettingsSchema,
  type TACServerPaths,
  TACServerPathsSchema,
  tacPlugin,
} from './tac-plugin.ts';
export { TACServer, type TACServerOptions, TACServerOptionsSchema } from './tac-server.ts';
