/**
 * One HTTP exchange as {@link TwilioHttpClient} needs it: a request with a
 * string body, the whole response as text. Redirects are followed.
 */
export interface TransportRequest {
  method: string;
  url: URL;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body?: string;
  /** The whole exchange (redirects and body included) must finish within this. */
  timeoutMs: number;
  /** The caller's signal: when it fires the exchange stops and rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** The final response (after redirects), body read to the end. */
export interface TransportResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  text: string;
}

/**
 * Sends {@link TransportRequest}s. Rejects with the caller's `signal.reason`
 * when aborted, with an error named `TimeoutError` when `timeoutMs` passed,
 * and otherwise with the network error (its `code`, or its `cause.code` for
 * `fetch`, says what failed: `ECONNREFUSED`, …).
 */
export interface HttpTransport {
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Close the transport's sockets (in-flight requests fail); later requests open new ones. */
  close?(): void;
}

/** The error a transport rejects with when `timeoutMs` passed (what `AbortSignal.timeout` aborts with). */
export function timeoutError(ms: number): DOMException {
  return new DOMException(`The operation timed out after ${ms} ms`, 'TimeoutError');
}

/**
 * A transport over a `fetch` implementation (the client's `fetch` option,
 * mostly for tests): an `AbortSignal.timeout` combined with the caller's signal.
 */
export function fetchTransport(fetchFn: typeof fetch): HttpTransport {
  return {
    async send({ method, url, headers, body, timeoutMs, signal }) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const res = await fetchFn(url, { method, headers, body, signal: combined, redirect: 'follow' });
        const text = await res.text();
        const responseHeaders: Record<string, string> = {};
        res.headers.forEach((v, k) => {
          responseHeaders[k] = v;
        });
        return { status: res.status, headers: responseHeaders, text };
      } catch (error) {
        // Whatever the fetch implementation threw, a timeout is reported as one.
        if (timeout.aborted && !signal?.aborted) throw timeout.reason;
        throw error;
      }
    },
  };
}
