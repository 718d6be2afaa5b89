// The configuration file: `guestlist.config.yaml` (or .yml, or .json) in the working
// directory, or the file GUESTLIST_CONFIG_FILE names. It declares the app catalogue; the
// environment keeps everything else. Read once, by loadConfig (config.ts), and checked
// whole: every problem is reported with the line at fault,
//   guestlist.config.yaml:14: apps[1].slug: must be lower-case letters, digits and hyphens
// The yaml package parses JSON too (JSON is YAML 1.2), with the same line numbers.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { AppDefinition } from './domain/apps.ts';
import { readAppDefinition } from './domain/catalogue/app-definition.ts';
import { formatPath, type Path, Reader } from './domain/catalogue/reader.ts';

export const CONFIG_FILE_NAMES = ['guestlist.config.yaml', 'guestlist.config.yml', 'guestlist.config.json'];
const TOP_LEVEL = ['apps'];

export interface ConfigFile {
  /** The file read (as given, or found in the working directory); null when there is none. */
  file: string | null;
  apps: AppDefinition[];
}

export interface FileProblem {
  /** `guestlist.config.yaml:14` */
  where: string;
  /** `apps[1].slug: must be …` */
  problem: string;
}

/** Finds and reads the file; `explicit` is GUESTLIST_CONFIG_FILE (a missing file is then a problem). */
export function loadConfigFile(
  explicit: string | undefined,
  cwd: string,
  options: { httpsOnly: boolean },
): { config: ConfigFile; problems: FileProblem[] } {
  const found = explicit
    ? path.resolve(cwd, explicit)
    : CONFIG_FILE_NAMES.map((name) => path.resolve(cwd, name)).find((candidate) => existsSync(candidate));
  if (!found) return { config: { file: null, apps: [] }, problems: [] };
  const shown = explicit ?? path.basename(found);
  let text: string;
  try {
    text = readFileSync(found, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return {
      config: { file: found, apps: [] },
      problems: [{ where: 'GUESTLIST_CONFIG_FILE', problem: `cannot read ${shown}: ${reason}` }],
    };
  }
  return parseConfigFile(text, shown, options, found);
}

/** Parses and checks the file's text; `name` is how messages name the file. */
export function parseConfigFile(
  text: string,
  name: string,
  options: { httpsOnly: boolean },
  file: string = name,
): { config: ConfigFile; problems: FileProblem[] } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => `${name}:${lines.linePos(offset).line}`;
  if (document.errors.length > 0) {
    return {
      config: { file, apps: [] },
      problems: document.errors.map((error) => ({
        where: at(error.pos[0]),
        problem: `not valid YAML: ${error.message.split('\n')[0]}`,
      })),
    };
  }
  const root: unknown = document.toJS({ maxAliasCount: 100 });
  const read = new Reader();
  const apps: AppDefinition[] = [];
  if (root !== null && root !== undefined) {
    const fields = read.object(root, [], TOP_LEVEL);
    if (fields) {
      const declared = read.list(fields, 'apps', [], (value, where) => readAppDefinition(read, value, where, options), {
        fallback: [],
        max: 200,
      });
      const slugs = new Map<string, number>();
      declared.forEach((app, i) => {
        const first = slugs.get(app.slug);
        if (first !== undefined) read.fail(['apps', i, 'slug'], `"${app.slug}" is already the slug of apps[${first}]`);
        else slugs.set(app.slug, i);
      });
      apps.push(...declared);
    }
  }
  const problems = read.problems.map((problem) => ({
    where: at(offsetOf(document, problem.path)),
    problem: `${formatPath(problem.path) || '(the file)'}: ${problem.message}`,
  }));
  return { config: { file, apps: problems.length === 0 ? apps : [] }, problems };
}

/** Where the value at `path` starts; for a missing one, where its nearest parent does. */
function offsetOf(document: ReturnType<typeof parseDocument>, path: Path): number {
  for (let length = path.length; length >= 0; length--) {
    const node = document.getIn(path.slice(0, length), true);
    if (isNode(node) && node.range) {
      // A missing key: point at the parent mapping's first line, not its end.
      return node.range[0];
    }
    // A key whose value is null or absent: the pair's key node carries the position.
    if (length > 0) {
      const parent = document.getIn(path.slice(0, length - 1), true);
      const key = path[length - 1];
      if (isNode(parent) && 'items' in parent && typeof key === 'string') {
        const pair = (parent.items as Array<{ key?: unknown }>).find(
          (item) => isNode(item.key) && (item.key as { value?: unknown }).value === key,
        );
        if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
      }
    }
  }
  return 0;
}
