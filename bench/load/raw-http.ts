import { connect, type Socket } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;
const CHUNKED = /\r\ntransfer-encoding:\s*chunked/i;
const CHUNKED_END = Buffer.from('0\r\n\r\n');

/**
 * A keep-alive HTTP/1.1 connection that writes pre-serialized requests and
 * reads just the status line and body length of each response. A load
 * generator built on `node:http` tops out below what a bare fastify serves on
 * one core; this one spends its core on little more than syscalls, so the
 * server is what saturates.
 */
export class RawHttpConnection {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private callback: ((status: number) => void) | undefined;
  private readonly connected: Promise<void>;
  closed = false;

  constructor(port: number, host = '127.0.0.1') {
    this.socket = connect({ port, host, noDelay: true });
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.connected.catch(() => {});
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('close', () => {
      this.closed = true;
      const cb = this.callback;
      this.callback = undefined;
      cb?.(0);
    });
    this.socket.on('error', () => {});
  }

  ready(): Promise<void> {
    return this.connected;
  }

  /** True when no request is outstanding. */
  get idle(): boolean {
    return this.callback === undefined && !this.closed;
  }

  /** Send one request; `done` gets the HTTP status (0 when the connection died). */
  request(raw: Buffer, done: (status: number) => void): void {
    this.callback = done;
    this.socket.write(raw);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length) {
      const headerEnd = this.buffer.indexOf(HEADER_END);
      if (headerEnd < 0) return;
      const head = this.buffer.toString('latin1', 0, headerEnd);
      let total: number;
      const len = CONTENT_LENGTH.exec(head);
      if (len) total = headerEnd + 4 + Number(len[1]);
      else if (CHUNKED.test(head)) {
        const end = this.buffer.indexOf(CHUNKED_END, headerEnd + 4);
        if (end < 0) return;
        total = end + CHUNKED_END.length;
      } else total = headerEnd + 4;
      if (this.buffer.length < total) return;
      const status = Number(head.slice(9, 12));
      this.buffer = this.buffer.subarray(total);
      const cb = this.callback;
      this.callback = undefined;
      cb?.(status);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Serialize a POST with a JSON body and extra headers. */
export function rawPost(path: string, host: string, body: string, headers: Record<string, string>): Buffer {
  const bodyBuf = Buffer.from(body);
  let head = `POST ${path} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${bodyBuf.length}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`), bodyBuf]);
}
