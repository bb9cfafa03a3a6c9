// Contact import for a wave: CSV (the organisation import's parser) or XLSX rows -> checked
// contacts and every problem, previewed before anything is written (as src/org/import.ts does).
import { parseCsv } from '../org/import.js';
import type { NewContact } from '../store/contacts.js';

export interface ContactProblem {
  line: number;
  code: 'header' | 'columns' | 'unknownUnit' | 'email' | 'mobile' | 'duplicate' | 'empty' | 'syntax';
  value?: string;
}

export interface ContactPlan {
  contacts: (NewContact & { line: number })[];
  problems: ContactProblem[];
}

type Column = 'unitId' | 'email' | 'mobile';
const HEADERS: Record<string, Column> = {
  enhet: 'unitId',
  enhet_id: 'unitId',
  'enhet id': 'unitId',
  unit: 'unitId',
  unit_id: 'unitId',
  'unit id': 'unitId',
  'e-post': 'email',
  epost: 'email',
  email: 'email',
  'e-mail': 'email',
  mobil: 'mobile',
  mobilnummer: 'mobile',
  mobile: 'mobile',
  telefon: 'mobile',
};

// Deliberately plain: one @, a dot in the domain, no spaces or angle brackets (header injection).
const EMAIL = /^[^\s@<>,;"()]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;

/** normaliseEmail returns the address trimmed and lower-cased, or undefined if it is malformed. */
export function normaliseEmail(text: string): string | undefined {
  const v = text.trim().toLowerCase();
  return v.length <= 254 && EMAIL.test(v) ? v : undefined;
}

/** normaliseMobile returns a number as +<country><number> (Norwegian 8-digit mobiles, starting
 *  with 4 or 9, get +47), or undefined if it is not a mobile number. */
export function normaliseMobile(text: string): string | undefined {
  const v = text.replace(/[\s().-]/g, '').replace(/^00/, '+');
  if (/^[49]\d{7}$/.test(v)) return `+47${v}`;
  if (/^\+47[49]\d{7}$/.test(v)) return v;
  if (/^\+(?!47)[1-9]\d{7,14}$/.test(v)) return v;
  return undefined;
}

/** planContacts checks CSV text (an uploaded file as org/upload.ts reads it, or pasted) against the
 *  wave's units; existing holds the addresses and numbers the wave already has (a second import
 *  must not duplicate them). */
export function planContacts(input: string, waveUnitIds: readonly string[], existing: Iterable<string> = []): ContactPlan {
  const plan: ContactPlan = { contacts: [], problems: [] };
  const parsed = parseCsv(input);
  if (parsed.error) return { contacts: [], problems: [{ line: parsed.error.line, code: 'syntax' }] };
  const records = parsed.records;
  const nonEmpty = records.filter((r) => r.fields.some((f) => f.trim() !== ''));
  const header = nonEmpty.shift();
  if (!header) return { contacts: [], problems: [{ line: 1, code: 'empty' }] };
  const columns = header.fields.map((h) => HEADERS[h.trim().toLowerCase()]);
  if (!columns.includes('unitId')) plan.problems.push({ line: header.line, code: 'header', value: 'enhet' });
  if (!columns.includes('email') && !columns.includes('mobile')) plan.problems.push({ line: header.line, code: 'header', value: 'e-post / mobil' });
  if (plan.problems.length > 0) return plan;

  const units = new Set(waveUnitIds);
  const seen = new Map<string, number>([...existing].map((v) => [v, 0]));
  for (const { fields, line } of nonEmpty) {
    if (fields.length > columns.length) {
      plan.problems.push({ line, code: 'columns', value: String(fields.length) });
      continue;
    }
    const get = (key: Column): string => (columns.includes(key) ? (fields[columns.indexOf(key)]?.trim() ?? '') : '');
    const unitId = get('unitId');
    const emailText = get('email');
    const mobileText = get('mobile');
    let ok = true;
    if (!units.has(unitId)) {
      plan.problems.push({ line, code: 'unknownUnit', value: unitId });
      ok = false;
    }
    const email = emailText === '' ? null : normaliseEmail(emailText);
    const mobile = mobileText === '' ? null : normaliseMobile(mobileText);
    if (email === undefined) plan.problems.push({ line, code: 'email', value: emailText });
    if (mobile === undefined) plan.problems.push({ line, code: 'mobile', value: mobileText });
    if (email === undefined || mobile === undefined) ok = false;
    for (const v of [email, mobile]) {
      if (!v) continue;
      const before = seen.get(v);
      if (before !== undefined) {
        plan.problems.push({ line, code: 'duplicate', value: `${v}|${before === 0 ? '–' : before}` });
        ok = false;
      } else seen.set(v, line);
    }
    if (ok) plan.contacts.push({ line, unitId, email: email ?? null, mobile: mobile ?? null });
  }
  plan.problems.sort((a, b) => a.line - b.line);
  return plan;
}
