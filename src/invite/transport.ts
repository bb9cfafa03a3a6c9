// The two ways a message leaves: e-mail through SMTP (nodemailer) and SMS through an HTTP gateway
// adapter (sms.ts). Every failure is classified, because the send job treats each kind differently:
// auth/refused stop the job (a configuration error: retrying cannot help), bounce is final for that
// one recipient, transient is retried with back-off.
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import { smsAdapter } from './sms.js';

export type FailureKind = 'auth' | 'refused' | 'bounce' | 'transient' | 'unconfigured';

/** SendError is a classified send failure; code is a message key suffix (invite.error.<code>). */
export class SendError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Stable per message, so a receiving system could recognise a repeat. */
  messageId?: string;
}

export interface Transports {
  mail(m: OutgoingMail): Promise<void>;
  sms(to: string, text: string): Promise<void>;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  command?: string;
}

/** classifySmtp maps a nodemailer error to a failure kind. */
export function classifySmtp(err: unknown): SendError {
  const e = (err ?? {}) as SmtpError;
  const text = err instanceof Error ? err.message : String(err);
  if (e.code === 'EAUTH' || e.responseCode === 535 || e.responseCode === 530) return new SendError('auth', text);
  if (e.code === 'EENVELOPE' || (e.responseCode !== undefined && e.responseCode >= 500)) return new SendError('bounce', text);
  return new SendError('transient', text);
}

/** createTransports builds the configured channels; a channel that is not configured throws
 *  SendError('unconfigured') when used. One SMTP pool per process. */
export function createTransports(config: Config): Transports {
  const smtp = config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : undefined;
  const sms = smsAdapter(config);
  return {
    async mail(m) {
      if (!smtp) throw new SendError('unconfigured', 'SMTP_URL is not set');
      try {
        await smtp.sendMail({ from: config.MAIL_FROM, to: m.to, subject: m.subject, text: m.text, messageId: m.messageId });
      } catch (err) {
        throw classifySmtp(err);
      }
    },
    async sms(to, text) {
      if (!sms) throw new SendError('unconfigured', 'SMS_GATEWAY is not set');
      await sms(to, text);
    },
  };
}
