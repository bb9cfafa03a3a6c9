// Reading a wave's answers for the results: one streaming pass, never the whole wave in memory.
import type { Db } from './db.js';

/** One stored answer row with its response and unit. itemId, part, num and txt are null only for
 *  a response without any answers (it still counts as a response). */
export interface WaveAnswerRow {
  responseId: number;
  unitId: string;
  itemId: string | null;
  part: string | null;
  num: number | null;
  txt: string | null;
}

// Ordered by (unit, response) rather than by response id alone: the index response_wave_unit
// already holds that order, so SQLite streams without sorting millions of rows in a temp B-tree,
// and each response's rows still arrive together. Aliases give camelCase rows with no mapping.
const ANSWERS_SQL = `
  SELECT r.id AS responseId, r.unit_id AS unitId, a.item_id AS itemId, a.part AS part, a.num AS num, a.txt AS txt
  FROM response r LEFT JOIN answer a ON a.response_id = r.id
  WHERE r.wave_id = ?
  ORDER BY r.unit_id, r.id`;

/** streamWaveAnswers yields every answer row of a wave, each response's rows consecutively (grouped by unit, then response id). */
export function streamWaveAnswers(db: Db, waveId: number): IterableIterator<WaveAnswerRow> {
  return db.prepare(ANSWERS_SQL).iterate(waveId) as IterableIterator<WaveAnswerRow>;
}

/** freeTexts returns a free-text item's answers from the given units of a wave, sorted alphabetically
 *  so their order says nothing about who wrote them or when. Call only where disclosure allows. */
export function freeTexts(db: Db, waveId: number, unitIds: readonly string[], itemId: string): string[] {
  const select = db.prepare(
    `SELECT a.txt AS txt FROM response r JOIN answer a ON a.response_id = r.id
     WHERE r.wave_id = ? AND r.unit_id = ? AND a.item_id = ? AND a.txt IS NOT NULL`,
  );
  const texts: string[] = [];
  for (const unitId of unitIds) for (const row of select.all(waveId, unitId, itemId) as { txt: string }[]) texts.push(row.txt);
  return texts.sort((a, b) => a.localeCompare(b, 'nb'));
}
