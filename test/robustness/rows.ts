// Checks stored answer rows against the survey they answer: the SQL-level invariant behind "never
// an invalid row", used by the property-based route tests.
import { missingRequired, revalidate } from '../../src/survey/answers.js';
import { pruneHidden } from '../../src/survey/conditions.js';
import { DONT_KNOW, itemById, offersDontKnow, type Answers, type AnswerValue, type Survey } from '../../src/survey/model.js';
import type { Db } from '../../src/store/db.js';
import { getDraft } from '../../src/store/drafts.js';
import { getSurveyVersion } from '../../src/store/survey-versions.js';

interface Row {
  response_id: number;
  item_id: string;
  part: string;
  num: number | null;
  txt: string | null;
}

// Rebuilds one stored cell as the answer value it came from, or says what is wrong with it.
function cellProblem(survey: Survey, row: Row): string | undefined {
  const item = itemById(survey).get(row.item_id);
  if (!item) return `unknown item ${row.item_id}`;
  if (row.num !== null && row.txt !== null) return `${row.item_id}: both num and txt`;
  // A multi answered with nothing ticked is one empty row (part '', txt '').
  const parts = item.type === 'nowDesired' ? ['now', 'desired'] : item.type === 'multi' ? ['', ...item.options.map((o) => o.id)] : [''];
  if (!parts.includes(row.part)) return `${row.item_id}: part "${row.part}"`;
  if (item.type === 'multi' && row.txt !== row.part) return `${row.item_id}: multi cell ${row.txt} under part ${row.part}`;
  if (row.txt === DONT_KNOW && !offersDontKnow(survey, item)) return `${row.item_id}: "vet ikke" not offered`;
  return undefined;
}

function answersOf(survey: Survey, rows: Row[]): Answers {
  const answers: Answers = {};
  for (const item of survey.items) {
    const mine = rows.filter((r) => r.item_id === item.id);
    if (mine.length === 0) continue;
    const value = (r: Row): number | string => r.num ?? r.txt ?? '';
    if (item.type === 'multi') answers[item.id] = item.options.map((o) => o.id).filter((id) => mine.some((r) => r.part === id));
    else if (item.type === 'nowDesired') {
      // In the order parsing builds a pair (revalidate compares serialised values).
      const pair: Record<string, number | string> = {};
      for (const part of ['now', 'desired']) {
        const r = mine.find((x) => x.part === part);
        if (r) pair[part] = value(r);
      }
      answers[item.id] = pair as AnswerValue;
    } else answers[item.id] = value(mine[0] as Row);
  }
  return answers;
}

/** storedAnswerProblems scans every response and answer row and lists each that its survey
 *  would not accept: bad cells, values revalidate rejects, answers to hidden items, missing required ones. */
export function storedAnswerProblems(db: Db): string[] {
  const problems: string[] = [];
  const responses = db.prepare('SELECT id, survey_id, survey_version FROM response').all() as { id: number; survey_id: string; survey_version: number }[];
  const rowsOf = db.prepare('SELECT response_id, item_id, part, num, txt FROM answer WHERE response_id = ?');
  const surveys = new Map<string, Survey | undefined>();
  for (const r of responses) {
    const key = `${r.survey_id}@${r.survey_version}`;
    if (!surveys.has(key)) surveys.set(key, getSurveyVersion(db, r.survey_id, r.survey_version));
    const survey = surveys.get(key);
    if (!survey) {
      problems.push(`response ${r.id}: unknown survey ${key}`);
      continue;
    }
    const rows = rowsOf.all(r.id) as Row[];
    for (const row of rows) {
      const p = cellProblem(survey, row);
      if (p) problems.push(`response ${r.id}: ${p}`);
    }
    const answers = answersOf(survey, rows);
    for (const id of revalidate(survey, answers)) problems.push(`response ${r.id}: ${id} = ${JSON.stringify(answers[id])} is not valid`);
    const visible = pruneHidden(survey, answers);
    for (const id of Object.keys(answers)) if (!(id in visible)) problems.push(`response ${r.id}: answer to hidden item ${id}`);
    for (const item of missingRequired(survey, answers)) problems.push(`response ${r.id}: required ${item.id} missing`);
  }
  const orphans = (db.prepare('SELECT count(*) AS n FROM answer WHERE response_id NOT IN (SELECT id FROM response)').get() as { n: number }).n;
  if (orphans > 0) problems.push(`${orphans} answer rows without a response`);
  return problems;
}

/** draftProblems lists drafts whose saved answers the survey would not accept. Drafts are sealed, so
 *  they are opened with the device keys the clients received; a stored draft none of them opens is a problem too. */
export function draftProblems(db: Db, survey: Survey, draftIds: Iterable<string>): string[] {
  const problems: string[] = [];
  let opened = 0;
  for (const id of new Set(draftIds)) {
    const draft = getDraft(db, id, '');
    if (!draft) continue;
    opened += 1;
    const answers = draft.answers;
    for (const itemId of revalidate(survey, answers)) problems.push(`draft ${id}: ${itemId} = ${JSON.stringify(answers[itemId])}`);
    const visible = pruneHidden(survey, answers);
    for (const itemId of Object.keys(answers)) if (!(itemId in visible)) problems.push(`draft ${id}: answer to hidden item ${itemId}`);
  }
  const stored = (db.prepare('SELECT count(*) AS n FROM drafts.draft').get() as { n: number }).n;
  if (stored !== opened) problems.push(`${stored} drafts stored, ${opened} opened with the keys the clients received`);
  return problems;
}
