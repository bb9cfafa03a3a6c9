// An uploaded organisation file as CSV text. Norwegian Excel saves "CSV (semikolondelt)" in
// Windows-1252 and "Unicode-tekst" in UTF-16 LE, so the bytes' encoding is detected rather than
// assumed (a wrong guess turns "Bjørkly" into "Bj�rkly" and one click would store it); an XLSX
// workbook's first sheet is turned into semicolon-separated text, so the preview and the confirm
// step see the same text whatever the upload was.
import ExcelJS from 'exceljs';

/** UploadEncoding names how an upload's bytes were read (shown in the preview). */
export type UploadEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'xlsx';

/** DecodedUpload is an upload's text and how it was read, or why it could not be read. */
export type DecodedUpload = { ok: true; text: string; encoding: UploadEncoding } | { ok: false; reason: 'encoding' | 'xlsx' };

// Control characters other than tab, CR and LF (and the C1 block) are never in an organisation
// list: their presence means the bytes were read with the wrong encoding, or are not text.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/;

const isZip = (b: Buffer): boolean => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** utf16Without returns the byte order of BOM-less UTF-16 text (mostly ASCII: every other byte
 *  zero), or undefined. */
function utf16Without(b: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(b.length - (b.length % 2), 4096);
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZero++;
    if (b[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.1) return 'utf-16le';
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.1) return 'utf-16be';
  return undefined;
}

const readable = (text: string): boolean => !CONTROL.test(text);

// Windows-1252's 0x80–0x9F (Node's TextDecoder reads the label as ISO-8859-1 on some versions);
// the five undefined bytes stay C1 controls, which `readable` refuses.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function windows1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] as string);
}

/** decodeText detects the encoding of CSV bytes: a UTF-8 or UTF-16 byte-order mark, BOM-less
 *  UTF-16, valid UTF-8, else Windows-1252; bytes that none of these read as text are refused. */
export function decodeText(bytes: Buffer): DecodedUpload {
  const attempt = (label: string, from: number, encoding: UploadEncoding): DecodedUpload | undefined => {
    try {
      const text = new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(from));
      return readable(text) ? { ok: true, text, encoding } : undefined;
    } catch {
      return undefined;
    }
  };
  const refused: DecodedUpload = { ok: false, reason: 'encoding' };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return attempt('utf-8', 3, 'utf-8-bom') ?? refused;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return attempt('utf-16le', 2, 'utf-16le') ?? refused;
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return attempt('utf-16be', 2, 'utf-16be') ?? refused;
  const wide = utf16Without(bytes);
  if (wide) return attempt(wide, 0, wide) ?? refused;
  const utf8 = attempt('utf-8', 0, 'utf-8');
  if (utf8) return utf8;
  const text = windows1252(bytes);
  return readable(text) ? { ok: true, text, encoding: 'windows-1252' } : refused;
}

// A cell as it reads in the sheet: formulas by their result, rich text joined (dates, never
// expected in an organisation list, as ISO days).
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    return '';
  }
  return String(v);
}

const quote = (s: string): string => (/[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** xlsxToCsv reads the first worksheet of an XLSX workbook as semicolon-separated text (empty
 *  rows kept, so line numbers in problems match the sheet's row numbers). */
export async function xlsxToCsv(bytes: Buffer): Promise<DecodedUpload> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return { ok: false, reason: 'xlsx' };
  }
  const sheet = book.worksheets[0];
  if (!sheet) return { ok: false, reason: 'xlsx' };
  const width = sheet.columnCount;
  const lines: string[] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(quote(cellText(row.getCell(c).value).trim()));
    lines.push(cells.join(';'));
  }
  return { ok: true, text: lines.join('\n'), encoding: 'xlsx' };
}

/** decodeUpload turns an uploaded file into CSV text: an XLSX workbook (a zip) by its first
 *  sheet, anything else by its detected text encoding. */
export function decodeUpload(bytes: Buffer): Promise<DecodedUpload> | DecodedUpload {
  return isZip(bytes) ? xlsxToCsv(bytes) : decodeText(bytes);
}
