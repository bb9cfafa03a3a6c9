// A token wave with contacts on a real database, the real transports pointed at the test's SMTP
// server and SMS gateway, and a scheduler at a clock the test steps by hand.
import { testConfig, type Config } from '../../src/config.js';
import { createScheduler, type Scheduler } from '../../src/invite/scheduler.js';
import { createTransports } from '../../src/invite/transport.js';
import { addContacts, type NewContact } from '../../src/store/contacts.js';
import type { Db } from '../../src/store/db.js';
import { createWave, type NewWave } from '../../src/store/waves.js';
import type { TestApp } from '../helpers/app.js';
import type { Gateway, Mailbox } from './servers.js';

export const UNITS = ['solbakken_avd1', 'nordby_skole'];

/** A clock the test moves; never the wall clock. */
export class ManualClock {
  constructor(public now: number) {}
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

/** inviteConfig points the mail and SMS settings at the test's servers. */
export function inviteConfig(mailbox: Mailbox | undefined, gateway: Gateway | undefined, overrides: Partial<Config> = {}): Config {
  return testConfig({
    SMTP_URL: mailbox?.url,
    MAIL_FROM: 'Kartlegging <kartlegging@kommune.test>',
    SMS_GATEWAY: gateway ? 'http-json' : undefined,
    SMS_GATEWAY_URL: gateway?.url,
    SMS_GATEWAY_TOKEN: 'gw-token',
    SEND_RATE_PER_MINUTE: 60,
    ...overrides,
  });
}

/** tokenWave creates an open token wave over UNITS with the given contacts; returns its id. */
export function tokenWave(t: Pick<TestApp, 'db' | 'survey'>, contacts: NewContact[], extra: Partial<NewWave> = {}): number {
  const id = createWave(t.db, { name: 'Kartlegging 2027', surveyId: t.survey.id, surveyVersion: t.survey.version, unitIds: UNITS, linkMode: 'token', status: 'open', closesOn: '2027-03-14', ...extra });
  addContacts(t.db, id, contacts);
  return id;
}

/** schedulerFor builds a scheduler on db with the config's real transports. */
export function schedulerFor(db: Db, config: Config, clock: ManualClock): Scheduler {
  return createScheduler({ db, config, clock: clock.read, transports: createTransports(config), baseUrl: 'https://kartlegg.kommune.test' });
}

/** drain ticks, stepping the clock by the send spacing, until nothing is queued or after max ticks. */
export async function drain(db: Db, scheduler: Scheduler, clock: ManualClock, step = 1000, max = 200): Promise<void> {
  for (let i = 0; i < max; i++) {
    await scheduler.tick();
    const left = db.prepare("SELECT count(*) AS n FROM send_item i JOIN send_job j ON j.id = i.job_id WHERE i.state IN ('queued', 'sending') AND j.status = 'running'").get() as { n: number };
    if (left.n === 0) return;
    clock.advance(step);
  }
}
