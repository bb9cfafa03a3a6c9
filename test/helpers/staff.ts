// Staff accounts and signed-in supertest agents for route tests.
import request from 'supertest';
import { expect } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { createAccount, type Role } from '../../src/store/accounts.js';
import type { TestApp } from './app.js';

export const PASSWORD = 'korrekt hest batteri stift';

export interface SignedIn {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
  accountId: number;
}

let hash: Promise<string> | undefined;

/** signIn creates an account with the given role and units and logs it in. */
export async function signIn(t: TestApp, role: Role, unitIds: string[] = [], username = `${role}-${unitIds.join('-') || 'all'}`): Promise<SignedIn> {
  hash ??= hashPassword(PASSWORD);
  const accountId = createAccount(t.db, { username, displayName: username, role, unitIds, passwordHash: await hash });
  const agent = request.agent(t.app);
  const res = await agent.post('/innlogging').type('form').send({ username, password: PASSWORD });
  expect(res.status, res.text.slice(0, 200)).toBe(303);
  const page = await agent.get('/oversikt');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  if (!csrf) throw new Error('no CSRF token on /oversikt');
  return { agent, csrf, accountId };
}

/** postForm posts a form as the signed-in person, with their CSRF token (repeated keys for lists). */
export function postForm(who: SignedIn, url: string, body: Record<string, string | string[]>) {
  const params = new URLSearchParams({ _csrf: who.csrf });
  for (const [k, v] of Object.entries(body)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
  return who.agent.post(url).type('form').send(params.toString());
}
