// Configuration from environment variables: parsed once, validated, frozen. Bad values stop start-up.
import { z } from 'zod';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('data/kartlegg.db'),
  SURVEYS_DIR: z.string().min(1).default('surveys'),
  /** Base URL printed in links, e.g. https://kartlegg.kommune.no; defaults to http://localhost:PORT. */
  PUBLIC_URL: z.url().optional(),
  DRAFT_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /** Time zone that decides which day a response is dated. */
  TIME_ZONE: z.string().default('Europe/Oslo'),
  /** Set when served over HTTPS (directly or behind a proxy): cookies get the Secure flag. */
  COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Number of reverse proxies in front, for express's "trust proxy". */
  TRUST_PROXY: z.coerce.number().int().min(0).default(0),
  /** pino level of the process log (stdout); 'silent' turns it off. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // invite (issue 17): sending invitations, reminders and "results ready" mail.
  /** SMTP server for invitations, e.g. smtps://user:password@smtp.kommune.no:465; unset: no e-mail. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  /** Sender of invitations, e.g. "Kartlegging <kartlegging@kommune.no>". */
  MAIL_FROM: z.string().min(3).default('kartlegg@localhost'),
  /** SMS gateway adapter (src/invite/sms.ts); unset: no SMS. */
  SMS_GATEWAY: z.enum(['http-json']).optional(),
  SMS_GATEWAY_URL: z.url().optional(),
  /** Sent as "Authorization: Bearer <token>" to the gateway. */
  SMS_GATEWAY_TOKEN: z.string().optional(),
  /** Sender name or number shown on the phone (at most 11 characters for a name). */
  SMS_SENDER: z.string().max(16).default('Kartlegg'),
  /** Messages per minute, all send jobs and both channels together. */
  SEND_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(60),
  /** Benchmarks only (bench/close.ts): a file to append the close path's step timings to (report/close-phases.ts). */
  CLOSE_PHASES_FILE: z.string().min(1).optional(),
  /** Attempts per message before it counts as failed (temporary errors, with back-off). */
  SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
});

export type Config = Readonly<z.infer<typeof Env>>;

/** loadConfig parses the environment; on failure it throws an error naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = Env.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: result.data.TIME_ZONE });
  } catch {
    throw new Error(`Invalid configuration:\n  TIME_ZONE: unknown time zone "${result.data.TIME_ZONE}"`);
  }
  return Object.freeze(result.data);
}

/** testConfig gives defaults suitable for tests (in memory, no log output), with overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({ ...loadConfig({}), DATABASE_PATH: ':memory:', LOG_LEVEL: 'silent', ...overrides });
}
