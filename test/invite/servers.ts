// Real servers for the invitation tests: an SMTP server (smtp-server) that keeps what it receives,
// and an HTTP server playing the SMS gateway. Tests can make either refuse.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll } from 'vitest';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailbox {
  url: string;
  port: number;
  mails: ReceivedMail[];
  /** Addresses the server answers 550 for (a bounce). */
  reject: Set<string>;
  /** When set, the server waits for this before accepting a message's data. */
  hold?: Promise<void>;
  /** Called as a message's data arrives (before it is accepted). */
  onData?: () => void;
  /** until resolves once n mails have been accepted. */
  until(n: number): Promise<void>;
  close(): Promise<void>;
}

/** linkIn finds the personal link in a received mail. */
export const linkIn = (text: string): string => {
  const m = /https?:\/\/\S+\/s\/[a-z0-9]+/.exec(text);
  if (!m) throw new Error(`no link in: ${text}`);
  return m[0];
};

function decode(raw: string): ReceivedMail {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string): string => new RegExp(`^${name}: (.*)$`, 'im').exec(headers)?.[1]?.trim() ?? '';
  let body = rest.join('\n\n');
  if (/quoted-printable/i.test(header('Content-Transfer-Encoding'))) {
    body = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  } else if (/base64/i.test(header('Content-Transfer-Encoding'))) body = Buffer.from(body, 'base64').toString('utf8');
  let subject = header('Subject');
  subject = subject.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, enc: string, s: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(s, 'base64').toString('utf8') : Buffer.from(s.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
  return { to: header('To').replace(/^.*<|>.*$/g, ''), subject, text: body };
}

/** startMailbox starts an SMTP server on 127.0.0.1 that accepts user:secret. */
export async function startMailbox(): Promise<Mailbox> {
  const box = { mails: [] as ReceivedMail[], reject: new Set<string>() } as Mailbox;
  const waiters: { n: number; resolve: () => void }[] = [];
  const wake = (): void => {
    for (const w of waiters.filter((w) => box.mails.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  box.until = (n) => new Promise<void>((resolve) => {
    waiters.push({ n, resolve });
    wake();
  });
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'user' && auth.password === 'secret') cb(null, { user: 'user' });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (box.reject.has(address.address)) cb(Object.assign(new Error('No such user'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        box.onData?.();
        void (box.hold ?? Promise.resolve()).then(() => {
          box.mails.push(decode(Buffer.concat(chunks).toString('utf8')));
          cb();
          wake();
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  box.port = (server.server.address() as AddressInfo).port;
  box.url = `smtp://user:secret@127.0.0.1:${box.port}`;
  box.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return box;
}

export interface Gateway {
  url: string;
  messages: { to: string; from: string; text: string; auth: string }[];
  /** The status to answer with (200 unless a test changes it). */
  status: number;
  close(): Promise<void>;
}

/** startGateway starts an HTTP server that plays an SMS gateway of the http-json kind. */
export async function startGateway(): Promise<Gateway> {
  const gw = { messages: [], status: 200 } as unknown as Gateway;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (gw.status === 200 && req.headers.authorization === 'Bearer gw-token') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; from: string; text: string };
        gw.messages.push({ ...body, auth: req.headers.authorization });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } else res.writeHead(gw.status === 200 ? 401 : gw.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gw.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  gw.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return gw;
}

/** useMailServers starts a mailbox and a gateway for the test file, empties and resets them after
 *  each test, and closes them after all; read them through the returned getters. */
export function useMailServers(): { readonly mailbox: Mailbox; readonly gateway: Gateway } {
  let mailbox: Mailbox | undefined;
  let gateway: Gateway | undefined;
  beforeAll(async () => {
    mailbox = await startMailbox();
    gateway = await startGateway();
  });
  afterAll(async () => {
    await mailbox?.close();
    await gateway?.close();
  });
  afterEach(() => {
    if (mailbox) {
      mailbox.mails.length = 0;
      mailbox.reject.clear();
      mailbox.hold = undefined;
      mailbox.onData = undefined;
    }
    if (gateway) {
      gateway.messages.length = 0;
      gateway.status = 200;
    }
  });
  return {
    get mailbox() {
      if (!mailbox) throw new Error('the mailbox did not start');
      return mailbox;
    },
    get gateway() {
      if (!gateway) throw new Error('the gateway did not start');
      return gateway;
    },
  };
}
