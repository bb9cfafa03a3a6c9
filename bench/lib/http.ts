// A minimal browser for load tests: keep-alive HTTP/1.1 with one cookie jar per respondent, no
// redirects followed automatically (the flow follows them itself, as it must see each 303).
import http from 'node:http';

export interface Reply {
  status: number;
  location?: string;
  body: string;
  ms: number;
}

/** Browser holds one respondent's cookies; requests share the given keep-alive agent. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly origin: { host: string; port: number },
    private readonly agent: http.Agent,
    /** The client address a proxy would report (the server trusts one proxy in tests and benches). */
    private readonly address: string,
    private readonly keepBody = false,
  ) {}

  /** cookie returns a cookie's value, e.g. the draft id. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** setCookie stores a cookie as if the server had set it (e.g. a draft prepared in the database). */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  /** request sends one request and resolves with its status, Location and (if kept) body. */
  request(method: 'GET' | 'POST', path: string, form?: string): Promise<Reply> {
    const headers: http.OutgoingHttpHeaders = {
      'sec-fetch-site': 'same-origin',
      'x-forwarded-for': this.address,
      'accept-language': 'nb-NO,nb;q=0.9',
    };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(form);
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request({ ...this.origin, method, path, headers, agent: this.agent }, (res) => {
        for (const c of res.headers['set-cookie'] ?? []) this.remember(c);
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => {
          if (this.keepBody) chunks.push(d);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            body: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(form);
    });
  }

  private remember(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a)) || value === '';
    if (expired) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

/** keepAliveAgent is the connection pool the simulated respondents share. */
export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}
