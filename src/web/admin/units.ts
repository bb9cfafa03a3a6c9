// The organisation tree: list, create, rename, move, retire, and CSV import with a dry-run preview.
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app.js';
import { HttpError } from '../../errors.js';
import { planImport } from '../../org/import.js';
import { audit } from '../../store/audit.js';
import { addUnit, applyImport, childrenMap, getUnit, listUnits, setRetired, updateUnit, wouldCycle, type Unit } from '../../store/units.js';
import { staffOf } from '../staff/session.js';

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

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

interface UnitForm {
  id: string;
  name: string;
  parentId: string;
  headcount: string;
}

function readForm(body: Record<string, unknown> | undefined): UnitForm {
  return { id: str(body?.id), name: str(body?.name), parentId: str(body?.parentId), headcount: str(body?.headcount) };
}

function validate(deps: AppDeps, form: UnitForm, existingId?: string): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!existingId) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(form.id)) errors.id = 'unit.idInvalid';
    else if (getUnit(deps.db, form.id)) errors.id = 'unit.idTaken';
  }
  if (form.name === '' || form.name.length > 200) errors.name = 'unit.nameInvalid';
  if (form.parentId !== '') {
    if (!getUnit(deps.db, form.parentId)) errors.parentId = 'unit.parentUnknown';
    else if (existingId && wouldCycle(listUnits(deps.db), existingId, form.parentId)) errors.parentId = 'unit.parentCycle';
  }
  if (form.headcount !== '' && !/^\d{1,6}$/.test(form.headcount)) errors.headcount = 'unit.headcountInvalid';
  return errors;
}

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
  const load = (req: Request): Unit => {
    const unit = getUnit(deps.db, String(req.params.unitId));
    if (!unit) throw new HttpError(404, 'notFound');
    return unit;
  };
  const actor = (res: Response) => ({ accountId: staffOf(res).account.id, actor: staffOf(res).account.username });

  return {
    list(_req: Request, res: Response): void {
      renderList(res, 200, { id: '', name: '', parentId: '', headcount: '' }, {});
    },
    create(req: Request, res: Response): void {
      const form = readForm(req.body);
      const errors = validate(deps, form);
      if (Object.keys(errors).length > 0) return renderList(res, 422, form, errors);
      addUnit(deps.db, { id: form.id, name: form.name, parentId: form.parentId || null, headcount: form.headcount === '' ? null : Number(form.headcount) });
      audit(deps.db, { ...actor(res), action: 'unit.create', detail: form.id });
      res.redirect(303, '/admin/enheter');
    },
    edit(req: Request, res: Response): void {
      const unit = load(req);
      renderEdit(res, 200, unit, { id: unit.id, name: unit.name, parentId: unit.parentId ?? '', headcount: unit.headcount === null ? '' : String(unit.headcount) }, {});
    },
    update(req: Request, res: Response): void {
      const unit = load(req);
      const form = { ...readForm(req.body), id: unit.id };
      const errors = validate(deps, form, unit.id);
      if (Object.keys(errors).length > 0) return renderEdit(res, 422, unit, form, errors);
      updateUnit(deps.db, unit.id, { name: form.name, parentId: form.parentId || null, headcount: form.headcount === '' ? null : Number(form.headcount) });
      audit(deps.db, { ...actor(res), action: 'unit.update', detail: `${unit.id}: ${unit.name} -> ${form.name}, parent ${unit.parentId ?? '-'} -> ${form.parentId || '-'}` });
      res.redirect(303, '/admin/enheter');
    },
    retire(req: Request, res: Response): void {
      const unit = load(req);
      const retired = req.body?.retired === '1';
      setRetired(deps.db, unit.id, retired);
      audit(deps.db, { ...actor(res), action: retired ? 'unit.retire' : 'unit.restore', detail: unit.id });
      res.redirect(303, '/admin/enheter');
    },
    importForm(_req: Request, res: Response): void {
      res.render('admin/import', { plan: undefined, csv: '' });
    },
    importPreview(req: Request, res: Response): void {
      const csv = typeof req.body?.file === 'string' && req.body.file.trim() !== '' ? req.body.file : str(req.body?.csv);
      if (csv === '') return void res.status(422).render('admin/import', { plan: undefined, csv, missing: true });
      const plan = planImport(csv, listUnits(deps.db));
      res.status(plan.problems.length > 0 ? 422 : 200).render('admin/import', { plan, csv });
    },
    importApply(req: Request, res: Response): void {
      const csv = typeof req.body?.csv === 'string' ? req.body.csv : '';
      const plan = planImport(csv, listUnits(deps.db));
      if (plan.problems.length > 0 || plan.rows.length === 0) return void res.status(422).render('admin/import', { plan, csv });
      applyImport(deps.db, [...plan.create, ...plan.update.map((u) => u.row)]);
      audit(deps.db, { ...actor(res), action: 'unit.import', detail: `${plan.create.length} new, ${plan.update.length} changed` });
      res.redirect(303, '/admin/enheter?importert=1');
    },
  };
}
