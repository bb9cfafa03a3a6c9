// The running header of a printed unit page (results and dialogue meeting): unit, wave and the
// day it was printed on every A4 page, with page numbers at the foot. CSS margin boxes can only
// take text from a stylesheet and the CSP allows no inline styles, so the text comes in a small
// per-unit stylesheet; nothing in it is more than the page itself shows.
import type { Request, Response } from 'express';
import { today } from '../../clock.js';
import { waveResults } from '../../report/wave-results.js';
import { getUnit } from '../../store/units.js';
import { formatDay } from '../dates.js';
import { nowOf, type AppDeps } from '../deps.js';
import type { Translate } from '../i18n/index.js';
import { waveOf } from '../staff/loaders.js';

/** cssString quotes text for a CSS string: every character outside printable ASCII (and the quote
 *  and backslash) as a hex escape, so no text can end the string or the rule. */
export function cssString(text: string): string {
  return `"${[...text].map((c) => (/^[ !#-[\]-~]$/.test(c) ? c : `\\${c.codePointAt(0)?.toString(16)} `)).join('')}"`;
}

/** printHeaderCss answers the unit's print stylesheet (the unit scope is checked by the route's
 *  unitScopeParam; a wave still computing answers 503 as its pages do). */
export function printHeaderCss(deps: AppDeps) {
  return (req: Request, res: Response): void => {
    const wave = waveOf(res);
    const unitId = String(req.params.unitId);
    // The name as the wave's release recorded it, as the results page shows it.
    const name = waveResults(deps.db, wave)?.units.find((u) => u.id === unitId)?.name ?? getUnit(deps.db, unitId)?.name ?? unitId;
    const t = res.locals.t as Translate;
    const printed = t('print.printedOn', { date: formatDay(today(deps.config.TIME_ZONE, new Date(nowOf(deps)))) });
    const [pageWord, ofWord] = [t('print.page'), t('print.of')];
    res.type('text/css; charset=utf-8').set('Cache-Control', 'no-store');
    res.send(
      `@media print {\n@page {\n  size: A4 portrait;\n  margin: 20mm 15mm 18mm;\n` +
        `  @top-left { content: ${cssString(`${name} · ${wave.name}`)}; font: 9pt system-ui, sans-serif; color: #333; }\n` +
        `  @top-right { content: ${cssString(printed)}; font: 9pt system-ui, sans-serif; color: #333; }\n` +
        `  @bottom-right { content: ${cssString(`${pageWord} `)} counter(page) ${cssString(` ${ofWord} `)} counter(pages); font: 9pt system-ui, sans-serif; color: #333; }\n}\n}\n`,
    );
  };
}
