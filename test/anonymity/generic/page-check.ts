// The page check (issue 11: "every figure every role can see"): for a release, each role fetches
// the pages it may open through the HTTP routes (results list, organisation overview with its heat
// map, each unit's results page with its chart data, follow-up and dialogue pages, the comparison
// overview, each comparison page with its chart data, and the project leader's list of clear
// changes), every readable block of each page is read (generic/html.ts), and every number in it
// must be one the model holds: the same group, the same figure, equal after the display's
// rounding (generic/page-reader.ts), or a function of model figures computed here (a mapped
// group's pooled figures, a change, its interval, the change it could have detected, a share).
// Anything else with a digit in it fails, naming the page, the group and the text, so a template
// that prints a new figure cannot escape the attacker. Each role's facts must also be among the
// project leader's.
import type { Db } from '../../../src/store/db.js';
import type { WaveModel } from './expected.js';
import { readBlocks, type Block } from './html.js';
import { parseCsv } from '../helpers.js';
import { PageLog, type Fact } from './page-reader.js';
import { Context, type Comparison, type PageReport, type Viewer } from './page-context.js';
import { heatMap, listPage, unitPage, followupPage, followupOverview } from './results-pages.js';
import { changesPage, compareGroups, compareIndex, compareUnit, mappedCsv } from './compare-pages.js';

export type { Comparison, PageAgent, PageReport, Viewer } from './page-context.js';

async function fetchPage(cx: Context, viewer: Viewer, url: string): Promise<string | undefined> {
  const res = await viewer.agent.get(url);
  cx.pages++;
  if (res.status === 200) return res.text;
  cx.problems.push(`${viewer.name} ${url}: answered ${res.status}`);
  return undefined;
}

/** checkPages reads every page each viewer may open for the case's wave in this release. */
export async function checkPages(db: Db, wave: WaveModel, viewers: readonly Viewer[], comparison?: Comparison, projectName?: string, earlierThresholds: readonly number[] = []): Promise<PageReport> {
  const cx = new Context(db, wave, comparison, projectName, earlierThresholds);
  const r = wave.results;
  const id = r.wave.id;
  for (const v of viewers) {
    const facts = new Set<Fact>();
    cx.facts.set(v.name, facts);
    const visible = r.units.filter((u) => v.canSee(u.id));
    const read = async (url: string, group: string, handle: (log: PageLog, blocks: Block[], seen: Set<Block>) => void): Promise<void> => {
      const html = await fetchPage(cx, v, url);
      if (html === undefined) return;
      const log = new PageLog(`${v.name} ${url}`);
      const blocks = readBlocks(html);
      const seen = new Set<Block>();
      handle(log, blocks, seen);
      cx.finish(log, blocks, seen, group);
      for (const f of log.facts) facts.add(f);
    };
    await read(`/resultater/${id}`, '-', (log, blocks, seen) => listPage(cx, log, blocks, seen));
    await read(`/resultater/${id}/organisasjon`, '-', (log, blocks, seen) => heatMap(cx, log, blocks, seen));
    for (const u of visible) {
      await read(`/resultater/${id}/enhet/${u.id}`, u.id, (log, blocks, seen) => unitPage(cx, u, log, blocks, seen));
      await read(`/oppfolging/${id}/enhet/${u.id}`, u.id, (log, blocks, seen) => followupPage(cx, u, log, blocks, seen));
      await read(`/oppfolging/${id}/enhet/${u.id}/dialog`, u.id, (log, blocks, seen) => followupPage(cx, u, log, blocks, seen));
    }
    await read(`/oppfolging/${id}`, '-', (log, blocks, seen) => followupOverview(cx, log, blocks, seen));
    if (comparison) {
      const p = comparison.projectId;
      const groups = compareGroups(cx).filter((g) => [...g.before, ...g.after].every((u) => v.canSee(u)));
      // Without a group of its own a role is refused the comparison (403), and sees nothing there.
      if (v.admin || groups.length > 0) await read(`/sammenligning/${p}`, '-', (log, blocks, seen) => compareIndex(cx, log, blocks, seen));
      for (const g of groups) await read(`/sammenligning/${p}/enhet/${encodeURIComponent(g.key)}`, g.key, (log, blocks, seen) => compareUnit(cx, g, log, blocks, seen));
      if (v.admin) await read(`/sammenligning/${p}/endringer`, '-', (log, blocks, seen) => changesPage(cx, log, blocks, seen));
      // The mapped groups' comparison CSV (the units' own are checked against their results CSV by csv-check.ts).
      for (const g of v.admin ? comparison.groups : []) {
        const url = `/sammenligning/${p}/enhet/${encodeURIComponent(g.key)}/csv`;
        const res = await v.agent.get(url);
        cx.pages++;
        const log = new PageLog(`${v.name} ${url}`);
        if (res.status === 200) mappedCsv(cx, g, log, parseCsv(res.text));
        else log.problem(g.key, url, `answered ${res.status}`);
        cx.finish(log, [], new Set(), g.key);
        for (const f of log.facts) facts.add(f);
      }
    }
  }
  const admin = cx.facts.get(viewers.find((v) => v.admin)?.name ?? '');
  for (const [name, facts] of cx.facts) {
    if (!admin || facts === admin) continue;
    for (const f of facts) if (!admin.has(f)) cx.problems.push(`${name} sees ${f}, which the project leader does not`);
  }
  return { problems: cx.problems, pages: cx.pages, figures: cx.figures, mapped: cx.mapped };
}
