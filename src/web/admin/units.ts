// The organisation tree: list, create, rename, move, retire, and CSV import with a dry-run preview.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { planImport } from '../../org/import.js';
import { decodeUpload, type DecodedUpload } from '../../org/upload.js';
import { addUnit, applyImport, childrenMap, getUnit, listUnits, setRetired, updateUnit, wouldCycle, type Unit } from '../../store/units.js';
import { auditAction } from '../audit.js';
import type { AppDeps } from '../deps.js';
import { formErrors, formText } from '../forms.js';
import { unitOf } from '../staff/loaders.js';

export interface TreeRow {
  unit: Unit;
  depth: number;
}

/** treeRows flattens the unit tree depth-first, children by name. */
export function treeRows(units: Unit[]): TreeRow[] {
  const children = childrenMap(units);
  const rows: TreeRow[] = [];
  const walk = (parent: string, depth: number): void => {
    for (const u of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name, 'nb'))) {
      rows.push({ unit: u, depth });
      walk(u.id, depth + 1);
    }
  };
  walk('', 0);
  return rows;
}

/** ownHeadcount is a unit's headcount, or for a unit without one the sum of its children's (each
 *  by the same rule), skipping children in `separate` (they take part on their own, so counting
 *  them here too would count them twice); null when no headcount is known anywhere below. */
export function ownHeadcount(children: Map<string, Unit[]>, unit: Unit, separate: ReadonlySet<string> = new Set()): number | null {
  if (unit.headcount !== null) return unit.headcount;
  let sum: number | null = null;
  for (const c of children.get(unit.id) ?? []) {
    if (separate.has(c.id) || c.retired) continue;
    const n = ownHeadcount(children, c, separate);
    if (n !== null) sum = (sum ?? 0) + n;
  }
  return sum;
}

interface UnitForm {
  id: string;
  name: string;
  parentId: string;
  headcount: string;
}

function readForm(body: unknown): UnitForm {
  const b = body as Record<string, unknown> | undefined;
  return { id: formText(b?.id, 64), name: formText(b?.name, 200), parentId: formText(b?.parentId, 64), headcount: formText(b?.headcount, 20) };
}

/** UnitShape is what a unit's fields must look like (the id only when the unit is new). */
const UnitShape = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'unit.idInvalid'),
  name: z.string().min(1, 'unit.nameInvalid').max(200, 'unit.nameInvalid'),
  parentId: z.string(),
  headcount: z.string().regex(/^(\d{1,6})?$/, 'unit.headcountInvalid'),
});

// Checks against the tree: a free id, a known parent, no cycle.
function unitInDb(deps: AppDeps, existingId?: string) {
  return z.custom<UnitForm>().superRefine((f, ctx) => {
    if (!existingId && getUnit(deps.db, f.id)) ctx.addIssue({ code: 'custom', path: ['id'], message: 'unit.idTaken' });
    if (f.parentId === '') return;
    if (!getUnit(deps.db, f.parentId)) ctx.addIssue({ code: 'custom', path: ['parentId'], message: 'unit.parentUnknown' });
    else if (existingId && wouldCycle(listUnits(deps.db), existingId, f.parentId)) ctx.addIssue({ code: 'custom', path: ['parentId'], message: 'unit.parentCycle' });
  });
}

function validate(deps: AppDeps, form: UnitForm, existingId?: string): Record<string, string> {
  // An existing unit's id is fixed (and may predate these rules, e.g. from the command line).
  return { ...formErrors(unitInDb(deps, existingId), form), ...formErrors(existingId ? UnitShape.omit({ id: true }) : UnitShape, form) };
}

const headcountOf = (form: UnitForm): number | null => (form.headcount === '' ? null : Number(form.headcount));

/** unitHandlers returns the organisation-tree pages for project leaders. */
export function unitHandlers(deps: AppDeps) {
  const renderList = (res: Response, status: number, form: UnitForm, errors: Record<string, string>): void => {
    const units = listUnits(deps.db);
    res.status(status).render('admin/units', { rows: treeRows(units), units, form, errors });
  };
  const renderEdit = (res: Response, status: number, unit: Unit, form: UnitForm, errors: Record<string, string>): void => {
    const units = listUnits(deps.db).filter((u) => !wouldCycle(listUnits(deps.db), unit.id, u.id));
    res.status(status).render('admin/unit-edit', { unit, units, form, errors });
  };
  const renderImport = (res: Response, status: number, csv: string, plan?: ReturnType<typeof planImport>, missing = false, read?: DecodedUpload): void => {
    res.status(status).render('admin/import', { plan, csv, missing, read });
  };

  return {
    list(_req: Request, res: Response): void {
      renderList(res, 200, { id: '', name: '', parentId: '', headcount: '' }, {});
    },
    create(req: Request, res: Response): void {
      const form = readForm(req.body);
      const errors = validate(deps, form);
      if (Object.keys(errors).length > 0) return renderList(res, 422, form, errors);
      deps.db.transaction(() => {
        addUnit(deps.db, { id: form.id, name: form.name, parentId: form.parentId || null, headcount: headcountOf(form) });
        auditAction(deps, res, 'unit.create', form.id);
      }).immediate();
      res.redirect(303, '/admin/enheter');
    },
    edit(_req: Request, res: Response): void {
      const unit = unitOf(res);
      renderEdit(res, 200, unit, { id: unit.id, name: unit.name, parentId: unit.parentId ?? '', headcount: unit.headcount === null ? '' : String(unit.headcount) }, {});
    },
    update(req: Request, res: Response): void {
      const unit = unitOf(res);
      const form = { ...readForm(req.body), id: unit.id };
      const errors = validate(deps, form, unit.id);
      if (Object.keys(errors).length > 0) return renderEdit(res, 422, unit, form, errors);
      deps.db.transaction(() => {
        updateUnit(deps.db, unit.id, { name: form.name, parentId: form.parentId || null, headcount: headcountOf(form) });
        auditAction(deps, res, 'unit.update', `${unit.id}: ${unit.name} -> ${form.name}, parent ${unit.parentId ?? '-'} -> ${form.parentId || '-'}`);
      }).immediate();
      res.redirect(303, '/admin/enheter');
    },
    retire(req: Request, res: Response): void {
      const unit = unitOf(res);
      const retired = (req.body as Record<string, unknown> | undefined)?.retired === '1';
      deps.db.transaction(() => {
        setRetired(deps.db, unit.id, retired);
        auditAction(deps, res, retired ? 'unit.retire' : 'unit.restore', unit.id);
      }).immediate();
      res.redirect(303, '/admin/enheter');
    },
    importForm(_req: Request, res: Response): void {
      renderImport(res, 200, '');
    },
    async importPreview(req: Request, res: Response): Promise<void> {
      const body = req.body as Record<string, unknown> | undefined;
      const pasted = typeof body?.csv === 'string' ? body.csv : '';
      // A file wins over pasted text; its bytes are read by their detected encoding (or as XLSX).
      const read = Buffer.isBuffer(body?.file) && body.file.length > 0 ? await decodeUpload(body.file) : undefined;
      if (read && !read.ok) return renderImport(res, 422, pasted, undefined, false, read);
      const csv = read?.ok ? read.text : pasted;
      if (csv.trim() === '') return renderImport(res, 422, csv, undefined, true);
      const plan = planImport(csv, listUnits(deps.db));
      renderImport(res, plan.problems.length > 0 ? 422 : 200, csv, plan, false, read);
    },
    importApply(req: Request, res: Response): void {
      const body = req.body as Record<string, unknown> | undefined;
      const csv = typeof body?.csv === 'string' ? body.csv : '';
      const plan = planImport(csv, listUnits(deps.db));
      if (plan.problems.length > 0 || plan.rows.length === 0) return renderImport(res, 422, csv, plan);
      deps.db.transaction(() => {
        applyImport(deps.db, [...plan.create, ...plan.update.map((u) => u.row)]);
        auditAction(deps, res, 'unit.import', `${plan.create.length} new, ${plan.update.length} changed`);
      }).immediate();
      res.redirect(303, '/admin/enheter?importert=1');
    },
  };
}
