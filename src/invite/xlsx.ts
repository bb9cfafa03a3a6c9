// XLSX contact lists: the first worksheet's rows as text fields, in the shape the CSV parser gives.
import ExcelJS from 'exceljs';
import type { SheetRecord } from './contacts.js';

/** isXlsx tells whether a buffer is a zip file (an .xlsx), by its magic number. */
export function isXlsx(buffer: Buffer): boolean {
  return buffer.length > 4 && buffer.readUInt32LE(0) === 0x04034b50;
}

/** readXlsx returns the first worksheet's rows with their row numbers, or undefined for a file
 *  exceljs cannot read (corrupt, or not a workbook). */
export async function readXlsx(buffer: Buffer): Promise<SheetRecord[] | undefined> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    return undefined;
  }
  const sheet = book.worksheets[0];
  if (!sheet) return [];
  const records: SheetRecord[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const fields: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) fields.push(row.getCell(c).text ?? '');
    records.push({ line, fields });
  });
  return records;
}
