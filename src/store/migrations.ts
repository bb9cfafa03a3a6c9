// Append-only, ordered schema migrations; each runs in its own transaction and bumps user_version.
// Never edit a migration that has shipped: add a new one.
import type { Db } from './db.js';

export const MIGRATIONS: readonly string[] = [
  // 1: organisation, waves, links, drafts and anonymous responses.
  `
  CREATE TABLE unit (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id TEXT REFERENCES unit(id),
    headcount INTEGER CHECK (headcount IS NULL OR headcount >= 0),
    retired INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX unit_parent ON unit(parent_id);

  -- Frozen copies of resolved survey definitions; a wave answers exactly one of them.
  CREATE TABLE survey_version (
    survey_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (survey_id, version)
  );

  CREATE TABLE wave (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    survey_id TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    opens_on TEXT,
    closes_on TEXT,
    k_results INTEGER NOT NULL DEFAULT 5 CHECK (k_results >= 3),
    k_distribution INTEGER NOT NULL DEFAULT 10,
    k_text INTEGER NOT NULL DEFAULT 10,
    free_text_in_reports INTEGER NOT NULL DEFAULT 0,
    link_mode TEXT NOT NULL CHECK (link_mode IN ('open', 'token')),
    FOREIGN KEY (survey_id, survey_version) REFERENCES survey_version(survey_id, version),
    CHECK (k_distribution >= k_results AND k_text >= k_results)
  );

  CREATE TABLE wave_unit (
    wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES unit(id),
    PRIMARY KEY (wave_id, unit_id)
  );

  -- One open link per wave and unit.
  CREATE TABLE link (
    code TEXT PRIMARY KEY,
    wave_id INTEGER NOT NULL,
    unit_id TEXT NOT NULL,
    FOREIGN KEY (wave_id, unit_id) REFERENCES wave_unit(wave_id, unit_id) ON DELETE CASCADE,
    UNIQUE (wave_id, unit_id)
  );

  -- One-time personal tokens, stored only as a hash; nothing links a token to a response.
  CREATE TABLE token (
    hash TEXT PRIMARY KEY,
    wave_id INTEGER NOT NULL,
    unit_id TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (wave_id, unit_id) REFERENCES wave_unit(wave_id, unit_id) ON DELETE CASCADE
  );

  -- Answers in progress. Deleted when submitted or expired.
  CREATE TABLE draft (
    id TEXT PRIMARY KEY,
    resume_code TEXT NOT NULL UNIQUE,
    wave_id INTEGER NOT NULL,
    unit_id TEXT NOT NULL,
    token_hash TEXT,
    answers TEXT NOT NULL DEFAULT '{}',
    last_section TEXT,
    expires_on TEXT NOT NULL,
    FOREIGN KEY (wave_id, unit_id) REFERENCES wave_unit(wave_id, unit_id) ON DELETE CASCADE
  );
  CREATE INDEX draft_expires ON draft(expires_on);

  -- A submitted response: a random id (so row order says nothing about submission order) and
  -- the day only. No IP, user agent, time of day, token or draft reference.
  CREATE TABLE response (
    id INTEGER PRIMARY KEY,
    wave_id INTEGER NOT NULL,
    unit_id TEXT NOT NULL,
    survey_id TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    submitted_on TEXT NOT NULL,
    FOREIGN KEY (wave_id, unit_id) REFERENCES wave_unit(wave_id, unit_id)
  );
  CREATE INDEX response_wave_unit ON response(wave_id, unit_id);

  -- One row per answered item: part is '' for single values, 'now'/'desired' for pairs and the
  -- option id for each option chosen in a multi item. WITHOUT ROWID, so no hidden insertion
  -- counter records the order responses arrived in.
  CREATE TABLE answer (
    response_id INTEGER NOT NULL REFERENCES response(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    part TEXT NOT NULL DEFAULT '',
    num REAL,
    txt TEXT,
    CHECK (num IS NOT NULL OR txt IS NOT NULL),
    PRIMARY KEY (response_id, item_id, part)
  ) WITHOUT ROWID;
  `,
  // 2: staff accounts, sessions, one-time set-password links, audit log.
  `
  CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'representative')),
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0
  );

  -- Leaders and representatives see these units and everything below them.
  CREATE TABLE account_unit (
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES unit(id),
    PRIMARY KEY (account_id, unit_id)
  );

  -- Session ids and set-password tokens are stored as SHA-256 hashes only.
  CREATE TABLE session (
    id_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX session_expires ON session(expires_at);

  CREATE TABLE password_link (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
  );

  -- Who did what when, for staff actions only: never anything about respondents.
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    account_id INTEGER REFERENCES account(id) ON DELETE SET NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
  );
  `,
  // 3: projects group waves of the same survey over time, for before/after comparisons.
  `
  CREATE TABLE project (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    survey_id TEXT NOT NULL
  );
  ALTER TABLE wave ADD COLUMN project_id INTEGER REFERENCES project(id);
  CREATE INDEX wave_project ON wave(project_id);
  `,
  // 4: reorganisations between waves: an old unit maps to a new one (merge: several old to one new;
  // split: one old to several new). Connected mappings form one comparison group.
  `
  CREATE TABLE unit_map (
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    old_unit_id TEXT NOT NULL REFERENCES unit(id),
    new_unit_id TEXT NOT NULL REFERENCES unit(id),
    PRIMARY KEY (project_id, old_unit_id, new_unit_id),
    CHECK (old_unit_id <> new_unit_id)
  );
  `,
  // 5: after the survey: each unit's chosen strengths and areas, and its actions (tiltak).
  `
  CREATE TABLE followup (
    wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES unit(id),
    strengths TEXT NOT NULL DEFAULT '[]',
    areas TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (wave_id, unit_id)
  );

  CREATE TABLE action (
    id INTEGER PRIMARY KEY,
    wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES unit(id),
    what TEXT NOT NULL,
    factor_id TEXT,
    responsible TEXT NOT NULL,
    due_on TEXT,
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
  );
  CREATE INDEX action_wave_unit ON action(wave_id, unit_id);
  `,
  // 6: a response count per wave kept by triggers, so checking whether cached results are still
  // current reads one row instead of counting a wave's responses on every request.
  `
  CREATE TABLE wave_count (
    wave_id INTEGER PRIMARY KEY REFERENCES wave(id) ON DELETE CASCADE,
    responses INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO wave_count (wave_id, responses) SELECT wave_id, count(*) FROM response GROUP BY wave_id;
  CREATE TRIGGER response_counted AFTER INSERT ON response BEGIN
    INSERT INTO wave_count (wave_id, responses) VALUES (NEW.wave_id, 1)
    ON CONFLICT (wave_id) DO UPDATE SET responses = responses + 1;
  END;
  CREATE TRIGGER response_uncounted AFTER DELETE ON response BEGIN
    UPDATE wave_count SET responses = responses - 1 WHERE wave_id = OLD.wave_id;
  END;
  `,
  // 7: a closed wave's computed tallies (sufficient statistics per unit and background category,
  // never individual answers), so results survive a restart without reading every answer again.
  `
  CREATE TABLE wave_tally (
    wave_id INTEGER PRIMARY KEY REFERENCES wave(id) ON DELETE CASCADE,
    responses INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  `,
  // 8: a session's start, so it ends 12 hours after login however often it slides (a stolen
  // cookie cannot be kept alive). Sessions from before have 0 and end at once: everyone logs in anew.
  `
  ALTER TABLE session ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
  `,
  // 9: releases. A closed wave's results are computed on the tree and thresholds recorded at its
  // close, so later edits of units never move them, and each later close (after a reopen) is
  // decided against what the earlier ones showed. Waves closed before this migration get their
  // first release recorded when their results are next computed.
  `
  CREATE TABLE wave_release (
    wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    responses INTEGER NOT NULL,
    k_results INTEGER NOT NULL,
    k_distribution INTEGER NOT NULL,
    k_text INTEGER NOT NULL,
    free_text INTEGER NOT NULL,
    units TEXT NOT NULL,
    tallies TEXT,
    PRIMARY KEY (wave_id, seq)
  );
  `,
  // 10: drafts move to their own file (DRAFT_MIGRATIONS), sealed with a key only the respondent's device
  // holds; drafts in progress cannot be sealed without it, so they are dropped (openDb then vacuums,
  // and secure_delete has already zeroed their pages). A submit records only a mark of the draft.
  `
  DROP TABLE draft;

  -- Marks of submitted drafts (a hash under the draft's device key, never its id): written in the
  -- submit transaction, so a draft that outlives its response (a crash between the response's commit
  -- and the draft's deletion in the other file) cannot be submitted again. Kept until the draft would
  -- have expired. WITHOUT ROWID: no counter records their order.
  CREATE TABLE submitted_draft (
    mark TEXT PRIMARY KEY,
    until TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX submitted_draft_until ON submitted_draft(until);

  -- Rewritten by the WAL worker (wal.ts) right after it empties the write-ahead log, so the log
  -- restarts in that thread: the log's first write syncs its header, and it would otherwise be a
  -- respondent's submit that paid for it.
  CREATE TABLE wal_tick (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
  INSERT INTO wal_tick (id, n) VALUES (1, 0);
  `,
  // invite: contacts per wave, send jobs that survive restarts, message templates, the schedule.
  // The anonymity argument is in docs/ARCHITECTURE.md ("Where anonymity is enforced", contacts).
  `
  -- A random reference shared by the tokens mailed to one contact (never derived from a token).
  -- A contact row holds only this, so from a contact one can read the used flag and nothing else.
  ALTER TABLE token ADD COLUMN ref TEXT;
  CREATE INDEX token_ref ON token(ref) WHERE ref IS NOT NULL;
  -- Every link mailed to one person is one vote: the submit that consumes one consumes them all, in
  -- the same transaction (a reminder's fresh link never lets anyone answer twice).
  CREATE TRIGGER token_ref_used AFTER UPDATE OF used ON token
    WHEN NEW.used = 1 AND NEW.ref IS NOT NULL
    BEGIN UPDATE token SET used = 1 WHERE ref = NEW.ref AND used = 0; END;

  -- Contacts of a wave (deleted when it closes, or on demand). No name; never a token or its hash.
  CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL,
    email TEXT,
    mobile TEXT,
    token_ref TEXT,
    FOREIGN KEY (wave_id, unit_id) REFERENCES wave_unit(wave_id, unit_id) ON DELETE CASCADE
  );
  CREATE INDEX contact_wave ON contact(wave_id);

  -- A send job and its messages. Counts live on the job, so they outlive the contacts.
  CREATE TABLE send_job (
    id INTEGER PRIMARY KEY,
    wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('invite', 'reminder', 'results', 'test')),
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'stopped')),
    created_at INTEGER NOT NULL,
    not_before INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    bounced INTEGER NOT NULL DEFAULT 0,
    uncertain INTEGER NOT NULL DEFAULT 0,
    error TEXT
  );
  -- One message. state: queued -> sending (committed before the transport is called) -> sent,
  -- or back to queued with a later next_at (retry), or failed/bounced; a 'sending' found at
  -- start-up is 'uncertain' and is never sent again (see ARCHITECTURE.md).
  CREATE TABLE send_item (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES send_job(id) ON DELETE CASCADE,
    contact_id INTEGER REFERENCES contact(id) ON DELETE CASCADE,
    address TEXT,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'bounced', 'uncertain')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX send_item_due ON send_item(state, next_at);
  CREATE INDEX send_item_job ON send_item(job_id);

  -- Message templates per wave, kind and language; absent means the catalogue's default text.
  CREATE TABLE invite_template (
    wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('invite', 'reminder')),
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (wave_id, kind, lang)
  );

  -- Reminder days after the invitation, and which have been queued (so each goes once).
  CREATE TABLE invite_plan (
    wave_id INTEGER PRIMARY KEY REFERENCES wave(id) ON DELETE CASCADE,
    reminder_days TEXT NOT NULL DEFAULT '7,12',
    invited_on TEXT,
    reminded TEXT NOT NULL DEFAULT '',
    -- The last release (wave_release.seq) whose "results ready" mail has been queued.
    results_notified INTEGER NOT NULL DEFAULT 0
  );

  -- Where staff get "results ready" mail (accounts have no address of their own).
  CREATE TABLE account_email (
    account_id INTEGER PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
    email TEXT NOT NULL
  );
  `,
  // The languages a wave offers its respondents (space-separated BCP 47 tags, all declared by its
  // survey) and the one its welcome page opens in. A wave setting, never a response's: which language
  // someone answered in is kept only inside their sealed draft (store/drafts.ts).
  `
  ALTER TABLE wave ADD COLUMN languages TEXT NOT NULL DEFAULT 'nb';
  ALTER TABLE wave ADD COLUMN default_language TEXT NOT NULL DEFAULT 'nb';
  `,
  // A response no longer records the day it was submitted. Nothing read it, and with invitations a
  // copy of the data folder can tell when a contact answered (a reminder's link consumed after day 7):
  // a day on the response would narrow that contact to the few responses of the same days.
  // openDb vacuums a database migrated across this, so the old days leave the file too.
  `
  ALTER TABLE response DROP COLUMN submitted_on;
  -- Finished messages are no longer kept (store/jobs.ts): their counts are on the job already.
  DELETE FROM send_item WHERE state NOT IN ('queued', 'sending');

  -- An action's owner may get a mail when it falls due: the address (a staff member's, typed on the
  -- action) and the due day whose mail has been queued, so each due day mails once.
  ALTER TABLE action ADD COLUMN notify_email TEXT;
  ALTER TABLE action ADD COLUMN notified_due TEXT;
  -- Send jobs learn the kind 'action' (a CHECK changes only by rebuilding the table), and a message
  -- may name the action it is about.
  CREATE TABLE send_job_new (
    id INTEGER PRIMARY KEY,
    wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('invite', 'reminder', 'results', 'test', 'action')),
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'stopped')),
    created_at INTEGER NOT NULL,
    not_before INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    bounced INTEGER NOT NULL DEFAULT 0,
    uncertain INTEGER NOT NULL DEFAULT 0,
    error TEXT
  );
  INSERT INTO send_job_new SELECT id, wave_id, kind, status, created_at, not_before, total, sent, failed, bounced, uncertain, error FROM send_job;
  CREATE TEMP TABLE send_item_copy AS SELECT id, job_id, contact_id, address, state, attempts, next_at FROM send_item;
  DROP TABLE send_item;
  DROP TABLE send_job;
  ALTER TABLE send_job_new RENAME TO send_job;
  CREATE TABLE send_item (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES send_job(id) ON DELETE CASCADE,
    contact_id INTEGER REFERENCES contact(id) ON DELETE CASCADE,
    action_id INTEGER REFERENCES action(id) ON DELETE CASCADE,
    address TEXT,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'bounced', 'uncertain')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO send_item (id, job_id, contact_id, address, state, attempts, next_at) SELECT id, job_id, contact_id, address, state, attempts, next_at FROM send_item_copy;
  DROP TABLE send_item_copy;
  CREATE INDEX send_item_due ON send_item(state, next_at);
  CREATE INDEX send_item_job ON send_item(job_id);
  `,
  // Sick leave (issue 18): counts per unit and period from the HR/payroll system, never about a
  // person. Every import is kept (a re-import of a period adds a version, the newest is current),
  // with the unit tree and thresholds as they stood: a period's earlier versions may have been
  // shown, so what a later one shows is decided against them (sickleave/disclosure.ts). Days are
  // stored in hundredths so sums are exact.
  `
  CREATE TABLE sick_leave_import (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    -- JSON [[unitId, parentId|null], ...]: the tree this import's periods are summed over.
    tree TEXT NOT NULL,
    k INTEGER NOT NULL CHECK (k >= 5),
    k_split INTEGER NOT NULL CHECK (k_split >= k)
  );
  CREATE TABLE sick_leave (
    import_id INTEGER NOT NULL REFERENCES sick_leave_import(id),
    period TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    employees INTEGER NOT NULL CHECK (employees > 0),
    agreed INTEGER NOT NULL CHECK (agreed >= 0),
    lost_self INTEGER NOT NULL CHECK (lost_self >= 0),
    lost_doctor INTEGER NOT NULL CHECK (lost_doctor >= 0),
    lost_short INTEGER CHECK (lost_short >= 0),
    lost_long INTEGER CHECK (lost_long >= 0),
    PRIMARY KEY (period, import_id, unit_id),
    CHECK (lost_self + lost_doctor <= agreed)
  ) WITHOUT ROWID;
  -- One row: the thresholds (k only ever raised) and whether pages show presence instead.
  CREATE TABLE sick_leave_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    k INTEGER NOT NULL CHECK (k >= 5),
    k_split INTEGER NOT NULL CHECK (k_split >= k),
    presence INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO sick_leave_settings (id, k, k_split, presence) VALUES (1, 5, 10, 0);
  `,
  // Questionnaire builder (issue 19): the working copy of a survey built in the browser, as the
  // definition file it would be (surveys/schema.json, texts per language; it may be unfinished while
  // it is edited). Publishing it stores a frozen survey_version like a file's; a survey id with a
  // working copy is the builder's, every other stored survey id is a read-only template from surveys/.
  `
  CREATE TABLE survey_draft (
    survey_id TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    based_on TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
  );
  `,
  // Running tallies (issue 13): each wave's tallies per unit and background category, kept current
  // in the submit transaction (store/running-tallies.ts), so closing a wave reads them instead of
  // every answer. Sums only, like wave_tally. WITHOUT ROWID: rows sit in key order, so no rowid
  // records which unit or category was answered first. A wave's rows count as its tallies only
  // while their responses add up to the wave's count; a deleted response voids them.
  `
  CREATE TABLE running_tally (
    wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL,
    category TEXT NOT NULL,
    format INTEGER NOT NULL,
    responses INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (wave_id, unit_id, category)
  ) WITHOUT ROWID;
  CREATE TRIGGER response_untallied AFTER DELETE ON response BEGIN
    DELETE FROM running_tally WHERE wave_id = OLD.wave_id;
  END;
  `,
];

/** DRAFTS_MOVED is the version whose migration dropped the draft table: a database migrated across it is vacuumed. */
export const DRAFTS_MOVED = MIGRATIONS.findIndex((sql) => sql.includes('DROP TABLE draft;')) + 1;

/** LAST_SCRUB is the latest version whose migration dropped stored data (the draft table, the
 *  responses' day): a database migrated from before it is vacuumed, so no free page keeps it. */
export const LAST_SCRUB = Math.max(DRAFTS_MOVED, MIGRATIONS.findIndex((sql) => sql.includes('DROP COLUMN submitted_on')) + 1);

/** DRAFT_MIGRATIONS build the drafts file (attached as `drafts`), append-only like MIGRATIONS. */
export const DRAFT_MIGRATIONS: readonly string[] = [
  // 1: sealed drafts (store/drafts.ts). Nothing here is readable or linkable without the device key
  // or the resume code: the ids are hashes of them, the rest is sealed (resume_id and resume_key from
  // the first save). expires_on is the one clear value, so expired drafts can be deleted without any key.
  `
  CREATE TABLE drafts.draft (
    id TEXT PRIMARY KEY,
    resume_id TEXT UNIQUE,
    resume_key BLOB,
    sealed BLOB NOT NULL,
    expires_on TEXT NOT NULL
  );
  CREATE INDEX drafts.draft_expires ON draft(expires_on);
  CREATE TABLE drafts.wal_tick (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
  INSERT INTO drafts.wal_tick (id, n) VALUES (1, 0);
  `,
];

/** schemaVersion is the version a fully migrated database has. */
export const schemaVersion = MIGRATIONS.length;

/** migrate applies every migration newer than the schema's user_version (main database or the
 *  attached drafts file), each atomically, and returns the version it started from. */
export function migrate(db: Db, schema: 'main' | 'drafts' = 'main'): number {
  const list = schema === 'main' ? MIGRATIONS : DRAFT_MIGRATIONS;
  const current = db.pragma(`${schema}.user_version`, { simple: true }) as number;
  if (current > list.length) {
    throw new Error(`The ${schema === 'main' ? 'database' : 'drafts file'} has schema version ${current}, newer than this Kartlegg (${list.length}). Upgrade Kartlegg.`);
  }
  list.slice(current).forEach((sql, i) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`${schema}.user_version = ${current + i + 1}`);
    }).immediate();
  });
  return current;
}
