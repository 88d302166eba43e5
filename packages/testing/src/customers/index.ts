export { type CustomerReply, Inbox, Inboxes } from './inbox.ts';
export {
  type CustomerBackend,
  type CustomerOptions,
  MessagingCustomer,
  type SentCustomerMessage,
} from './messaging-customer.ts';
export { type InboundMessage, receiveInbound } from './receive-inbound.ts';
