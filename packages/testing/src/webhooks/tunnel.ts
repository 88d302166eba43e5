import { EmulatorError, EmulatorErrorCode } from '../util/emulator-error.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Where a request Twilio would send to `url` actually goes, and the proxy headers it carries. */
export interface ResolvedTarget {
  /** URL actually requested (plain http/ws on loopback). */
  target: string;
  /** `X-Forwarded-Proto`/`X-Forwarded-Host` when the emulator acts as the TLS-terminating tunnel. */
  headers: Record<string, string>;
}

/**
 * Map a URL from the app's TwiML or configuration to something reachable on
 * loopback, the way ngrok or a load balancer would: `https`/`wss` is served as
 * plain `http`/`ws` with `X-Forwarded-Proto: https`, and a public host (e.g.
 * `wss://myapp.example.com/ws`) is forwarded to the app's origin with
 * `X-Forwarded-Host`. The signature is always computed over the original URL.
 */
export function resolveTarget(url: string, appOrigin: string | undefined): ResolvedTarget {
  const u = new URL(url);
  const secure = u.protocol === 'https:' || u.protocol === 'wss:';
  const websocket = u.protocol === 'ws:' || u.protocol === 'wss:';
  const plainScheme = websocket ? 'ws:' : 'http:';
  if (LOOPBACK.has(u.hostname)) {
    if (!secure) return { target: url, headers: {} };
    const plain = new URL(url);
    plain.protocol = plainScheme;
    return {
      target: plain.toString(),
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': u.host },
    };
  }
  if (!appOrigin) {
    throw new EmulatorError(
      EmulatorErrorCode.APP,
      `Cannot reach ${u.origin}: it is not a loopback address and no app is set. ` +
        'Call emu.setApp({ url }) so the emulator forwards public URLs to your app.',
    );
  }
  const app = new URL(appOrigin);
  const forwarded = new URL(`${u.pathname}${u.search}`, app);
  forwarded.protocol = websocket ? (app.protocol === 'https:' ? 'wss:' : 'ws:') : app.protocol;
  return {
    target: forwarded.toString(),
    headers: { 'x-forwarded-proto': secure ? 'https' : 'http', 'x-forwarded-host': u.host },
  };
}
