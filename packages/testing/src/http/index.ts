export { type Credential, checkBasicAuth } from './basic-auth.ts';
export { type Fault, FaultInjector, type FaultOptions } from './faults.ts';
export { type PageMeta, paginate } from './pagination.ts';
export { PRODUCTS, type Product, productOf } from './products.ts';
export {
  moreInfo,
  notFound,
  parseOr400,
  sendTwilioError,
  type TwilioErrorBody,
  TwilioHttpError,
  twilioErrorBody,
} from './twilio-error.ts';
