export {
  TwilioHttpClient,
  type TwilioHttpClientOptions,
  type TwilioRequest,
  type TwilioResponse,
} from './twilio-http.ts';
