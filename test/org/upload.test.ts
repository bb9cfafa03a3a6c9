// Uploaded organisation files: the encodings Norwegian Excel and Notepad save, detected from the
// bytes, and XLSX workbooks read through exceljs.
import ExcelJS from 'exceljs';
import { describe, expect, test } from 'vitest';
import { decodeText, decodeUpload } from '../../src/org/upload.js';

const TEXT = 'id;navn;overordnet;antall_ansatte\nbjorkly;Bjørkly bofellesskap;;12\nåsen;Åsen æøå;bjorkly;3\n';
const utf16be = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();

describe('decodeText', () => {
  test.each([
    ['UTF-8 without BOM', Buffer.from(TEXT, 'utf8'), 'utf-8'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')]), 'utf-8-bom'],
    ['UTF-16 LE with BOM ("Unicode text")', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]), 'utf-16le'],
    ['UTF-16 BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)]), 'utf-16be'],
    ['UTF-16 LE without BOM', Buffer.from(TEXT, 'utf16le'), 'utf-16le'],
    ['Windows-1252 ("CSV (semikolondelt)")', Buffer.from(TEXT, 'latin1'), 'windows-1252'],
  ])('%s reads æøå correctly', (_name, bytes, encoding) => {
    const read = decodeText(bytes);
    expect(read).toEqual({ ok: true, text: TEXT, encoding });
  });

  test('Windows-1252 punctuation (the curly quotes and dash Excel writes) is read as such', () => {
    const read = decodeText(Buffer.from([0x93, 0x41, 0x94, 0x20, 0x96, 0x20, 0xf8]));
    expect(read).toMatchObject({ ok: true, text: '“A” – ø', encoding: 'windows-1252' });
  });

  test.each([
    ['binary bytes', Buffer.from([0x00, 0x01, 0x02, 0x03, 0x9d, 0x00, 0x81, 0x10])],
    ['bytes undefined in Windows-1252', Buffer.from('id;navn\na;B\x81rk\n', 'latin1')],
    ['a UTF-8 BOM before invalid UTF-8', Buffer.from([0xef, 0xbb, 0xbf, 0x69, 0x64, 0xf8, 0x0a])],
  ])('%s are refused as undetectable', (_name, bytes) => {
    expect(decodeText(bytes)).toEqual({ ok: false, reason: 'encoding' });
  });
});

describe('decodeUpload (XLSX)', () => {
  test('the first sheet becomes semicolon-separated text, numbers and quotes kept', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Enheter');
    sheet.addRow(['id', 'navn', 'overordnet', 'antall_ansatte']);
    sheet.addRow(['bjorkly', 'Bjørkly; «bofellesskap»', null, 12]);
    sheet.addRow(['asen', 'Åsen "nord"', 'bjorkly', 3]);
    book.addWorksheet('Annet').addRow(['ignored']);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    expect(await decodeUpload(bytes)).toEqual({
      ok: true,
      encoding: 'xlsx',
      text: 'id;navn;overordnet;antall_ansatte\nbjorkly;"Bjørkly; «bofellesskap»";;12\nasen;"Åsen ""nord""";bjorkly;3',
    });
  });

  test('a zip that is no workbook is refused', async () => {
    expect(await decodeUpload(Buffer.from('PK\x03\x04garbage that is not a zip', 'latin1'))).toEqual({ ok: false, reason: 'xlsx' });
  });
});
