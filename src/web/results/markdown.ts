// A small Markdown renderer for docs/METHODS.md, so the methods page a leader reads is the same text
// as the file in the repository. It knows what that page uses (headings, paragraphs, lists, tables,
// bold, code) and escapes everything else: the output never carries HTML from the source.

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function inline(text: string): string {
  // Code spans first, so nothing inside them is read as bold.
  return escape(text)
    .split(/(`[^`]+`)/)
    .map((part) => (part.startsWith('`') && part.endsWith('`') && part.length > 1 ? `<code>${part.slice(1, -1)}</code>` : part.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')))
    .join('');
}

const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

/** markdownToHtml renders the subset of Markdown the methods page uses; the first heading becomes h1. */
export function markdownToHtml(source: string): string {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) out.push(`<p>${inline(paragraph.join(' '))}</p>`);
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    if (heading) {
      flush();
      const level = (heading[1] as string).length;
      out.push(`<h${level}>${inline(heading[2] as string)}</h${level}>`);
    } else if (/^\s*[-*] /.test(line) || /^\s*\d+\. /.test(line)) {
      flush();
      const ordered = /^\s*\d+\. /.test(line);
      const items: string[] = [];
      // A list item runs on over indented continuation lines.
      while (i < lines.length && /^\s*([-*]|\d+\.) /.test(lines[i] as string)) {
        let item = (lines[i] as string).replace(/^\s*([-*]|\d+\.) /, '');
        while (i + 1 < lines.length && /^ {2,}\S/.test(lines[i + 1] as string)) item += ` ${(lines[++i] as string).trim()}`;
        items.push(`<li>${inline(item)}</li>`);
        i++;
      }
      i--;
      out.push(ordered ? `<ol>${items.join('')}</ol>` : `<ul>${items.join('')}</ul>`);
    } else if (line.trim().startsWith('|') && /^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1] ?? '')) {
      flush();
      const head = cells(line);
      i += 2;
      const body: string[][] = [];
      while (i < lines.length && (lines[i] as string).trim().startsWith('|')) body.push(cells(lines[i++] as string));
      i--;
      out.push(
        // public/js/staff.js gives wide tables their own scroll box, as on every staff page.
        `<table class="data"><thead><tr>${head.map((h) => `<th scope="col">${inline(h)}</th>`).join('')}</tr></thead>` +
          `<tbody>${body.map((r) => `<tr>${r.map((c, k) => (k === 0 ? `<th scope="row">${inline(c)}</th>` : `<td>${inline(c)}</td>`)).join('')}</tr>`).join('')}</tbody></table>`,
      );
    } else if (line.trim() === '') flush();
    else paragraph.push(line.trim());
  }
  flush();
  return out.join('\n');
}
