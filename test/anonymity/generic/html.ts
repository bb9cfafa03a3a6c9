// A small reader of the product's own HTML for the page check (Node has no DOM, and the shared
// install gets no new packages): it walks the markup of <main> and returns its text in "blocks",
// the innermost of the elements that hold one figure or one label in the templates (table cells,
// list items, paragraphs, captions, ...), each with the table context a reader uses: the row's
// header, the column's header and the caption. Attribute text a person can read (title) and the
// chart data (data-chart) are returned too, so no number on a page escapes the check.
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const BLOCKS = new Set(['td', 'th', 'li', 'dd', 'dt', 'p', 'caption', 'h1', 'h2', 'h3', 'h4', 'label', 'legend', 'summary', 'button', 'option', 'a', 'textarea']);

export interface El {
  tag: string;
  attrs: Record<string, string>;
}

interface TableState {
  caption: string;
  headers: string[];
  id: string;
  cls: string;
}

interface Open extends El {
  block?: Block;
  table?: TableState;
  /** For a row: its cell count so far and its row header's text. */
  row?: { cells: number; label: string; head: boolean; link?: string };
}

/** One piece of readable text with where it sits. */
export interface Block {
  tag: string;
  attrs: Record<string, string>;
  text: string;
  /** Enclosing elements, outermost first (tag and attributes only). */
  path: El[];
  /** The text of the enclosing block before this one began (the label beside a score). */
  before: string;
  /** The row's header and the column's header, where the block is a cell of a table body. */
  rowLabel?: string;
  column?: string;
  columnIndex?: number;
  caption?: string;
  tableId?: string;
  tableClass?: string;
  /** The first link in the row (the unit or group the row is about). */
  rowLink?: string;
  /** Links inside the block. */
  links: string[];
  /** Where the text came from: the element's content, its title, or its chart data. */
  source: 'text' | 'title' | 'chart';
}

const decode = (s: string): string =>
  s
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');

function attributes(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) out[(m[1] as string).toLowerCase()] = decode(m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** readBlocks returns every readable block of the page's <main> (the whole body if it has none). */
export function readBlocks(html: string): Block[] {
  const start = html.search(/<main[\s>]/);
  const end = html.lastIndexOf('</main>');
  const body = start >= 0 ? html.slice(start, end >= 0 ? end : undefined) : html;
  const stack: Open[] = [];
  const out: Block[] = [];
  const nearest = <K extends keyof Open>(key: K): Open | undefined => [...stack].reverse().find((e) => e[key] !== undefined);
  const context = (b: Omit<Block, 'path' | 'before' | 'links'>, parent?: Block): Block => {
    const table = nearest('table')?.table;
    const row = nearest('row')?.row;
    // The cell being opened, or the one the block sits in.
    const cell = b.tag === 'td' || b.tag === 'th' ? b : [...stack].reverse().find((e) => e.tag === 'td' || e.tag === 'th');
    const block: Block = { ...b, links: [], path: stack.map((e) => ({ tag: e.tag, attrs: e.attrs })), before: squash(parent?.text ?? '') };
    if (table) Object.assign(block, { caption: squash(table.caption), tableId: table.id, tableClass: table.cls });
    if (row && !row.head && cell) {
      const index = Number(cell.attrs['data-index']);
      Object.assign(block, { rowLabel: squash(row.label), columnIndex: index, column: squash(table?.headers[index] ?? ''), ...(row.link === undefined ? {} : { rowLink: row.link }) });
    }
    return block;
  };
  for (const m of body.matchAll(/<!--[\s\S]*?-->|<(script|style)\b[^>]*>[\s\S]*?<\/\1>|<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|([^<]+)/g)) {
    const [, , closing, rawTag, rawAttrs, text] = m;
    if (text !== undefined) {
      const block = nearest('block')?.block;
      if (block) block.text += decode(text);
      else if (text.trim() !== '') out.push(context({ tag: '#text', attrs: {}, text: decode(text), source: 'text' }));
      // A row header's and a column header's text label the cells that follow.
      const th = [...stack].reverse().find((e) => e.tag === 'th' || e.tag === 'caption');
      const table = nearest('table')?.table;
      const row = nearest('row')?.row;
      if (th?.tag === 'caption' && table) table.caption += decode(text);
      else if (th && row?.head && table) table.headers[Number(th.attrs['data-index'])] = (table.headers[Number(th.attrs['data-index'])] ?? '') + decode(text);
      else if (th && row && th.attrs.scope === 'row') row.label += decode(text);
      continue;
    }
    if (rawTag === undefined) continue;
    const tag = rawTag.toLowerCase();
    if (closing) {
      const at = stack.map((e) => e.tag).lastIndexOf(tag);
      if (at < 0) continue;
      for (const e of stack.splice(at)) if (e.block) e.block.text = squash(e.block.text);
      continue;
    }
    const attrs = attributes(rawAttrs ?? '');
    const el: Open = { tag, attrs };
    if (tag === 'table') el.table = { caption: '', headers: [], id: attrs.id ?? '', cls: attrs.class ?? '' };
    if (tag === 'tr') el.row = { cells: 0, label: '', head: [...stack].some((e) => e.tag === 'thead') };
    if (tag === 'td' || tag === 'th') {
      const row = nearest('row')?.row;
      if (row) {
        attrs['data-index'] = String(row.cells);
        row.cells += Number(attrs.colspan ?? 1);
      }
    }
    const parent = nearest('block')?.block;
    if (tag === 'a' && attrs.href !== undefined) {
      parent?.links.push(attrs.href);
      const row = nearest('row')?.row;
      if (row && row.link === undefined) row.link = attrs.href;
    }
    const readable = context({ tag, attrs, text: '', source: 'text' }, parent);
    if (attrs.title !== undefined) out.push({ ...readable, text: squash(attrs.title), source: 'title' });
    if (attrs['data-chart'] !== undefined) out.push({ ...readable, text: attrs['data-chart'], source: 'chart' });
    if (BLOCKS.has(tag) || (tag === 'span' && /\bscore\b/.test(attrs.class ?? ''))) {
      el.block = readable;
      out.push(readable);
    }
    if (!VOID.has(tag) && !rawAttrs?.endsWith('/')) stack.push(el);
  }
  for (const b of out) b.text = b.source === 'chart' ? b.text : squash(b.text);
  return out;
}
