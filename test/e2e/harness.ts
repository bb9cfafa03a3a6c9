// The lifecycle the end-to-end test files share: the app served on 127.0.0.1 and one headless
// Chromium per file, browser contexts that close after each test, and staff who log in through
// the login page once per file.
import { once } from 'node:events';
import http, { type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { createAccount, type Role } from '../../src/store/accounts.js';
import type { Db } from '../../src/store/db.js';
import { PASSWORD } from '../helpers/staff.js';
import { checkA11y, DESKTOP, launchBrowser, pathOf, submitWith, text } from './browser.js';

/** E2e is a test file's server and browser, ready once the file's beforeAll has run. */
export interface E2e {
  /** The server's address, http://127.0.0.1:<port>. */
  readonly base: string;
  /** The port the server listens on. */
  readonly port: number;
  /** The file's Chromium. */
  readonly browser: Browser;
  /** newContext opens a browser context that closes after the test. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** newPage opens a page in a fresh context that closes after the test. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** visit goes to a path on the server and expects the status. */
  visit(page: Page, path: string, status?: number): Promise<void>;
}

/** useE2e registers a test file's hooks: before all, serve() sets the app up and returns the
 *  request handler, which is served on 127.0.0.1 at a free port, and Chromium starts; after each
 *  test the contexts opened through the returned E2e close; after all, the browser, the server
 *  and then close() (which must cope with a serve() that failed part-way). */
export function useE2e(setup: { serve(): RequestListener | Promise<RequestListener>; close(): void }): E2e {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let base = '';
  let port = 0;
  const contexts: BrowserContext[] = [];

  const e2e: E2e = {
    get base() {
      return base;
    },
    get port() {
      return port;
    },
    get browser() {
      if (!browser) throw new Error('the browser did not start');
      return browser;
    },
    async newContext(options = DESKTOP) {
      const context = await e2e.browser.newContext(options);
      contexts.push(context);
      return context;
    },
    async newPage(options = DESKTOP) {
      return (await e2e.newContext(options)).newPage();
    },
    async visit(page, path, status = 200) {
      const response = await page.goto(`${base}${path}`);
      expect(response?.status(), path).toBe(status);
    },
  };

  beforeAll(async () => {
    server = http.createServer(await setup.serve()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await browser?.close();
    const s = server;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    setup.close();
  });

  return e2e;
}

/** A staff account a test file creates, and how the page header names it ("Name (role)"). */
export interface StaffAccount {
  username: string;
  displayName: string;
  role: Role;
  unitIds: readonly string[];
  who: string;
}

/** createStaff creates the accounts, each with the test PASSWORD. */
export async function createStaff(db: Db, accounts: Record<string, StaffAccount>): Promise<void> {
  const hash = await hashPassword(PASSWORD);
  for (const a of Object.values(accounts)) createAccount(db, { username: a.username, displayName: a.displayName, role: a.role, unitIds: [...a.unitIds], passwordHash: hash });
}

/** A signed-in browser state, to start new contexts with. */
export type SignedInState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** staffSessions returns session(who), which logs the account in through the login page once per
 *  file (axe on the login page, only at the first login with loginPageOnce, and on the overview)
 *  and gives the signed-in browser state for new contexts. */
export function staffSessions<Who extends string>(e2e: E2e, accounts: Record<Who, StaffAccount>, opts: { loginPageOnce?: boolean } = {}): (who: Who) => Promise<SignedInState> {
  const sessions = new Map<Who, Promise<SignedInState>>();
  return (who) => {
    let s = sessions.get(who);
    if (!s) {
      s = (async () => {
        const account = accounts[who];
        const context = await e2e.browser.newContext(DESKTOP);
        try {
          const page = await context.newPage();
          await page.goto(`${e2e.base}/innlogging`);
          if (!opts.loginPageOnce || sessions.size === 1) await checkA11y(page, 'the login page');
          await page.getByLabel('Brukernavn', { exact: true }).fill(account.username);
          await page.getByLabel('Passord', { exact: true }).fill(PASSWORD);
          const response = await submitWith(page, page.getByRole('button', { name: 'Logg inn', exact: true }));
          expect(response.status(), `login of ${who}`).toBe(200);
          expect(pathOf(page)).toBe('/oversikt');
          expect(await text(page.locator('.who'))).toBe(account.who);
          await checkA11y(page, `the overview of the ${who}`);
          return await context.storageState();
        } finally {
          await context.close();
        }
      })();
      sessions.set(who, s);
    }
    return s;
  };
}

/** A page and the errors it has reported. */
export interface Watched {
  page: Page;
  /** Console errors (Chromium reports CSP violations there) and uncaught page errors. */
  errors: string[];
}

/** watch starts recording the page's console errors and uncaught page errors. */
export function watch(page: Page): Watched {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, errors };
}
