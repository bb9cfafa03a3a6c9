// The EJS view engine. EJS's own include copies every local of the page (app and response locals,
// the view model: a few dozen) into a fresh object and resolves the include's path again on each
// call; a 66-statement page makes about 400 includes, and that copying was a tenth of a
// respondent's CPU. Here each file is compiled once (EJS's client mode: the template takes its
// include function as an argument), an include's path is resolved once per including file, and an
// include's locals are the ones it is given layered over the includer's (a prototype link, not a
// copy). Templates see the same names as under EJS: the includer's locals, shadowed by the given ones.
import ejs from 'ejs';
import fs from 'node:fs';
import path from 'node:path';

type Include = (file: string, extra?: object) => string;
type Template = (locals: object, escape: (value: unknown) => string, include: Include) => string;

/** viewEngine returns an Express view engine for the EJS files under `root`: includes written from
 *  the root ('/partials/top') or relative to the including file; with `cache` each file is read and
 *  compiled once, without it on every render (development). */
export function viewEngine(root: string, cache: boolean): (file: string, data: object, done: (err: unknown, html?: string) => void) => void {
  const templates = new Map<string, Template>();
  const resolved = new Map<string, string>();

  const templateOf = (file: string): Template => {
    let template = cache ? templates.get(file) : undefined;
    if (!template) {
      template = ejs.compile(fs.readFileSync(file, 'utf8'), { filename: file, root, client: true, compileDebug: true }) as unknown as Template;
      if (cache) templates.set(file, template);
    }
    return template;
  };

  const resolve = (name: string, from: string): string => {
    const key = `${from}\0${name}`;
    let file = resolved.get(key);
    if (file === undefined) {
      const joined = name.startsWith('/') ? path.join(root, name) : path.resolve(path.dirname(from), name);
      file = path.extname(joined) ? joined : `${joined}.ejs`;
      resolved.set(key, file);
    }
    return file;
  };

  const run = (file: string, locals: object): string =>
    templateOf(file)(locals, ejs.escapeXML, (name, extra) => run(resolve(name, file), extra ? Object.assign(Object.create(locals) as object, extra) : locals));

  return (file, data, done) => {
    let html: string;
    try {
      html = run(file, data);
    } catch (err) {
      done(err);
      return;
    }
    done(null, html);
  };
}
