// Contact import: the planner over CSV text and XLSX rows, table-driven.
import ExcelJS from 'exceljs';
import { describe, expect, test } from 'vitest';
import { normaliseEmail, normaliseMobile, planContacts } from '../../src/invite/contacts.js';
import { decodeUpload } from '../../src/org/upload.js';

const UNITS = ['avd1', 'avd2'];

describe('normalising', () => {
  test.each([
    ['Kari.Nordmann@Kommune.NO ', 'kari.nordmann@kommune.no'],
    ['kari@kommune', undefined],
    ['kari nordmann@kommune.no', undefined],
    ['<kari@kommune.no>', undefined],
    ['kari@kommune.no\r\nBcc: x@y.no', undefined],
  ])('e-mail %j -> %j', (input, expected) => expect(normaliseEmail(input)).toBe(expected));

  test.each([
    ['912 34 567', '+4791234567'],
    ['+47 412 34 567', '+4741234567'],
    ['0047 91234567', '+4791234567'],
    ['+46 70 123 45 67', '+46701234567'],
    ['22 33 44 55', undefined],
    ['9123456', undefined],
    ['telefon', undefined],
  ])('mobile %j -> %j', (input, expected) => expect(normaliseMobile(input)).toBe(expected));
});

describe('planContacts', () => {
  test('a clean file: e-mail, mobile, both or neither (a letter)', () => {
    const plan = planContacts('enhet;e-post;mobil\navd1;kari@kommune.no;\navd1;;912 34 567\navd2;per@kommune.no;41234567\navd2;;\n', UNITS);
    expect(plan.problems).toEqual([]);
    expect(plan.contacts).toEqual([
      { line: 2, unitId: 'avd1', email: 'kari@kommune.no', mobile: null },
      { line: 3, unitId: 'avd1', email: null, mobile: '+4791234567' },
      { line: 4, unitId: 'avd2', email: 'per@kommune.no', mobile: '+4741234567' },
      { line: 5, unitId: 'avd2', email: null, mobile: null },
    ]);
  });

  test('every problem with its line: unknown unit, malformed address and number, duplicates in the file and in the wave', () => {
    const csv = ['unit,email,mobile', 'avd9,a@kommune.no,', 'avd1,not-an-address,', 'avd1,,123', 'avd1,b@kommune.no,', 'avd2,B@kommune.no,', 'avd1,old@kommune.no,'].join('\n');
    const plan = planContacts(csv, UNITS, ['old@kommune.no']);
    expect(plan.problems).toEqual([
      { line: 2, code: 'unknownUnit', value: 'avd9' },
      { line: 3, code: 'email', value: 'not-an-address' },
      { line: 4, code: 'mobile', value: '123' },
      { line: 6, code: 'duplicate', value: 'b@kommune.no|5' },
      { line: 7, code: 'duplicate', value: 'old@kommune.no|–' },
    ]);
    expect(plan.contacts.map((c) => c.line)).toEqual([5]);
  });

  test.each([
    ['', 'empty'],
    ['navn;adresse\nx;y', 'header'],
    ['enhet;e-post\n"avd1;a@b.no', 'syntax'],
  ])('%j -> %s', (csv, code) => expect(planContacts(csv, UNITS).problems[0]?.code).toBe(code));
});

test('an XLSX sheet reads like the CSV (numbers as text)', async () => {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Ansatte');
  sheet.addRow(['Enhet', 'E-post', 'Mobil']);
  sheet.addRow(['avd1', 'kari@kommune.no', null]);
  sheet.addRow(['avd2', null, 91234567]);
  const buffer = Buffer.from(await book.xlsx.writeBuffer());
  const read = await decodeUpload(buffer);
  if (!read.ok) throw new Error('the workbook was not read');
  const plan = planContacts(read.text, UNITS);
  expect(plan.problems).toEqual([]);
  expect(plan.contacts).toEqual([
    { line: 2, unitId: 'avd1', email: 'kari@kommune.no', mobile: null },
    { line: 3, unitId: 'avd2', email: null, mobile: '+4791234567' },
  ]);
  expect(await decodeUpload(Buffer.from('PK\u0003\u0004 not really a zip'))).toEqual({ ok: false, reason: 'xlsx' });
});

test('a contact list saved by Norwegian Excel as CSV (Windows-1252) reads with its æøå', async () => {
  const bytes = Buffer.from('Enhet;E-post\nbjørkly;kåre@kommune.no\n', 'latin1');
  const read = await decodeUpload(bytes);
  expect(read).toMatchObject({ ok: true, encoding: 'windows-1252' });
  const plan = planContacts(read.ok ? read.text : '', ['bjørkly']);
  expect(plan.problems).toEqual([]);
  expect(plan.contacts).toEqual([{ line: 2, unitId: 'bjørkly', email: 'kåre@kommune.no', mobile: null }]);
});
