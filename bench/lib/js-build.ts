import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from './child.ts';

/** Where {@link buildJs} writes (node_modules/.cache: ignored by git, Biome and tsc). */
export const JS_BUILD_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'tac-bench', 'js');

const SOURCES = [
  'packages/core/src',
  'bench/lib',
  'bench/servers',
  'bench/stubs',
  'bench/baselines',
  'bench/load',
];
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\2/g;

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== '__fixtures__') yield* tsFiles(path);
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) yield path;
  }
}

/**
 * A JavaScript copy of `@tac/core` and the bench's servers, as a published
 * build would run: Node's own type stripping done once, ahead of time, and
 * `.ts` specifiers rewritten to `.js` (what `tsc` with
 * `rewriteRelativeImportExtensions` emits), `@tac/core` pointed at the copy.
 * Cold start measures it next to the TypeScript sources, because stripping
 * types at load time is a cost only this repository's source mode pays.
 * Returns the output directory and how long the build took.
 */
export function buildJs(): { dir: string; files: number; ms: number } {
  const started = performance.now();
  // stripTypeScriptTypes warns that it is experimental on first use; that's noise in a benchmark log.
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('stripTypeScriptTypes')) return;
    (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return build(started);
  } finally {
    process.emitWarning = emitWarning;
  }
}

function build(started: number): { dir: string; files: number; ms: number } {
  rmSync(JS_BUILD_DIR, { recursive: true, force: true });
  const coreIndex = join(JS_BUILD_DIR, 'packages/core/src/index.js');
  let files = 0;
  for (const source of SOURCES) {
    for (const file of tsFiles(join(REPO_ROOT, source))) {
      const out = join(JS_BUILD_DIR, relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
      const code = stripTypeScriptTypes(readFileSync(file, 'utf8'), { mode: 'strip' }).replace(
        SPECIFIER,
        (match, lead: string, quote: string, spec: string) => {
          if (spec === '@tac/core') {
            let rel = relative(dirname(out), coreIndex);
            if (!rel.startsWith('.')) rel = `./${rel}`;
            return `${lead}${quote}${rel}${quote}`;
          }
          if (spec.startsWith('.') && spec.endsWith('.ts'))
            return `${lead}${quote}${spec.slice(0, -3)}.js${quote}`;
          return match;
        },
      );
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, code);
      files++;
    }
  }
  writeFileSync(join(JS_BUILD_DIR, 'package.json'), '{ "type": "module" }\n');
  return { dir: JS_BUILD_DIR, files, ms: performance.now() - started };
}
