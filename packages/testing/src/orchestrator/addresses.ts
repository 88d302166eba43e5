import type { OrchestratorChannel } from './types.ts';

/** Messaging channels a simulated customer can use. */
export type CustomerChannel = 'sms' | 'whatsapp' | 'rcs' | 'chat';

/** Orchestrator channel name of a customer channel. */
export function orchestratorChannel(channel: CustomerChannel | 'voice'): OrchestratorChannel {
  return channel.toUpperCase() as OrchestratorChannel;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Why an address is not valid on a channel, or `undefined` when it is. SMS and
 * VOICE want E.164, WhatsApp `whatsapp:+…`, RCS `rcs:…`.
 */
export function addressProblem(channel: OrchestratorChannel, address: string): string | undefined {
  switch (channel) {
    case 'SMS':
    case 'VOICE':
      return E164.test(address) ? undefined : `"${address}" is not an E.164 phone number (e.g. +15551234567)`;
    case 'WHATSAPP':
      return /^whatsapp:\+[1-9]\d{6,14}$/.test(address)
        ? undefined
        : `"${address}" is not a WhatsApp address (e.g. whatsapp:+15551234567)`;
    case 'RCS':
      return /^rcs:.+$/.test(address)
        ? undefined
        : `"${address}" is not an RCS address (e.g. rcs:+15551234567)`;
    default:
      return address.trim() ? undefined : 'address must not be empty';
  }
}

/** Normalize a phone number for lookups: drop spaces, dashes, dots and parentheses. */
export function normalizePhone(value: string): string {
  const stripped = value.replace(/^(whatsapp|rcs|sms|tel):/i, '').replace(/[\s\-().]/g, '');
  if (stripped.startsWith('00')) return `+${stripped.slice(2)}`;
  return stripped.startsWith('+') ? stripped : `+${stripped}`;
}

/** Normalize an email for lookups. */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}
