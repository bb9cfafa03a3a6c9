// The bare limit beside the benchmarks: Express parsing the urlencoded answers of a whole
// response and inserting its rows (one prepared statement for the answers, one for the response
// row) in one transaction, on a fresh SQLite with Kartlegg's schema and pragmas. Nothing else: no
// helmet, cookies, draft, validation or views. GET / answers a fixed small page: the floor of a
// page request. Run by bench/submit.ts, bench/close.ts and bench/results.ts with DATABASE_PATH set.
import express from 'express';
import { openDb } from '../src/store/db.js';
import { randomResponseId } from '../src/store/ids.js';

const db = openDb(process.env.DATABASE_PATH ?? ':memory:');
// The foreign keys the real rows point at.
db.exec(`
  INSERT INTO unit (id, name) VALUES ('u', 'Unit');
  INSERT INTO survey_version (survey_id, version, definition) VALUES ('kartlegging', 1, '{}');
  INSERT INTO wave (id, name, survey_id, survey_version, status, link_mode) VALUES (1, 'Wave', 'kartlegging', 1, 'open', 'open');
  INSERT INTO wave_unit (wave_id, unit_id) VALUES (1, 'u');
`);
const insertResponse = db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, 1, 'u', 'kartlegging', 1)");
const insertAnswer = db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)');

const store = db.transaction((body: Record<string, string | string[]>) => {
  const id = randomResponseId();
  insertResponse.run(id);
  // Field "item" or "item.part"; a number is stored as num, anything else as txt.
  for (const [key, raw] of Object.entries(body)) {
    const dot = key.indexOf('.');
    const item = dot < 0 ? key : key.slice(0, dot);
    const part = dot < 0 ? '' : key.slice(dot + 1);
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      const isNumber = /^-?\d+(\.\d+)?$/.test(v);
      insertAnswer.run(id, item, part, isNumber ? Number(v) : null, isNumber ? null : v);
    }
  }
});

const app = express();
app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 1000 }));
const PAGE = `<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Bare</title></head><body><main><h1>Bare</h1>${'<p>Ingen maler, ingen økt, ingen database.</p>'.repeat(20)}</main></body></html>`;
app.get('/', (_req, res) => {
  res.type('html').send(PAGE);
});
app.post('/submit', (req, res) => {
  store(req.body as Record<string, string | string[]>);
  res.redirect(303, '/takk');
});
const server = app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  console.log(`Bare limit running on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
process.once('SIGTERM', () => server.close(() => db.close()));
