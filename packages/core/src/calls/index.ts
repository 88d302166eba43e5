export { createBaseUrlRequestClient, rewriteOrigin } from './base-url-request-client.ts';
export { type CallInfo, type CallOptions, CallsClient, type CreateCallParams } from './calls-client.ts';
