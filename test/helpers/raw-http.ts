// Raw HTTP over a socket, for requests no well-behaved client sends: truncated multipart bodies,
// a Content-Length far beyond what is written.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { once } from 'node:events';

/** listen serves a request handler on 127.0.0.1 at a free port; close() stops it. */
export async function listen(handler: http.RequestListener): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(handler).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** rawRequest writes `head` and `body` to a new connection (without closing its writing side, as a
 *  client that stalls mid-body would) and resolves with everything answered until the server ends
 *  the response or closes; '' when nothing came within timeoutMs. */
export function rawRequest(port: number, head: string, body: Buffer | string = '', timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(text);
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      // A complete response: headers plus a body of Content-Length, or the chunked terminator.
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /content-length: (\d+)/i.exec(text.slice(0, end))?.[1];
      if ((length !== undefined && text.length - end - 4 >= Number(length)) || text.endsWith('0\r\n\r\n')) done();
    });
    socket.on('error', (err) => (text ? done() : reject(err)));
    socket.on('close', done);
    socket.write(head);
    if (body.length > 0) socket.write(body);
  });
}

/** statusOf reads the status code of a raw response ('' gives 0). */
export function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
}

/** TRUNCATED_MULTIPART is the 70-byte multipart body of finding F1: one file part, no closing boundary. */
export const TRUNCATED_MULTIPART = Buffer.from('--BB\r\nContent-Disposition: form-data; name="file"; filename="a.cv"\r\n\r\n');
