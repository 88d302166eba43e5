import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type ImportRef,
  importsOf,
  importsUnder,
  isBuiltin,
  isRelative,
  isTestOnly,
  packageNameOf,
} from './scan-imports.ts';

/*
 * Architecture rules, checked on the sources' syntax trees (see scan-imports.ts):
 * core stays framework-free, the emulator stays independent of core, adapters
 * only translate, and every package declares what it imports.
 */

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PACKAGES = readdirSync(join(ROOT, 'packages')).filter((name) =>
  existsSync(join(ROOT, 'packages', name, 'package.json')),
);

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
const srcOf = (pkg: string) => join(ROOT, 'packages', pkg, 'src');
const scanned = new Map<string, ImportRef[]>();
/** Imports of a package's src, parsed once per run. */
function importsOfPackage(pkg: string): ImportRef[] {
  let refs = scanned.get(pkg);
  if (!refs) {
    refs = importsUnder(ROOT, srcOf(pkg));
    scanned.set(pkg, refs);
  }
  return refs;
}
const describeRef = (r: ImportRef) => `${r.file} imports '${r.specifier}'${r.typeOnly ? ' (type-only)' : ''}`;

/** Agent frameworks, by specifier: the packages themselves and their subpaths. */
const FRAMEWORKS = {
  'ai-sdk': [/^ai(\/|$)/, /^@ai-sdk\//],
  'openai-agents': [/^@openai\/agents(-[\w-]+)?(\/|$)/],
  langchain: [/^@langchain\//, /^langchain(\/|$)/],
} as const;
const ADAPTERS = Object.keys(FRAMEWORKS) as (keyof typeof FRAMEWORKS)[];
const isFramework = (specifier: string) =>
  Object.values(FRAMEWORKS).some((patterns) => patterns.some((p) => p.test(specifier)));

describe('the import scanner', () => {
  it('reads imports from the syntax tree, not from comments or strings, and tells type-only ones', () => {
    const text = [
      "import { a } from 'pkg-a';",
      "import type { B } from 'pkg-b';",
      "import { type C } from 'pkg-c';",
      "export { d } from './d.ts';",
      "export type { E } from 'pkg-e';",
      "const f = await import('pkg-f/sub');",
      "type G = typeof import('@scope/pkg-g');",
      "// import { h } from 'in-a-comment';",
      "/** @example import { i } from 'in-jsdoc'; */",
      'const message = \'import { j } from "in-a-string"\';',
    ].join('\n');
    expect(importsOf('x.ts', text).map((r) => [r.specifier, r.typeOnly])).toEqual([
      ['pkg-a', false],
      ['pkg-b', true],
      ['pkg-c', false],
      ['./d.ts', false],
      ['pkg-e', true],
      ['pkg-f/sub', false],
      ['@scope/pkg-g', true],
    ]);
  });

  it('maps specifiers to packages and recognises builtins', () => {
    expect(packageNameOf('@langchain/core/messages')).toBe('@langchain/core');
    expect(packageNameOf('twilio/lib/rest/Twilio.js')).toBe('twilio');
    expect(packageNameOf('zod')).toBe('zod');
    expect(['node:fs', 'fs', 'fs/promises'].every(isBuiltin)).toBe(true);
    expect(isBuiltin('fastify')).toBe(false);
  });

  it('finds the packages and their imports (so the rules below are not vacuous)', () => {
    expect(PACKAGES).toEqual(expect.arrayContaining(['core', 'testing', ...ADAPTERS]));
    const specifiers = (pkg: string) => new Set(importsOfPackage(pkg).map((r) => packageNameOf(r.specifier)));
    expect([...specifiers('core')]).toEqual(expect.arrayContaining(['zod', 'fastify', 'twilio']));
    expect([...specifiers('ai-sdk')]).toEqual(expect.arrayContaining(['ai', '@tac/core']));
    expect([...specifiers('openai-agents')]).toEqual(expect.arrayContaining(['@openai/agents', '@tac/core']));
    expect([...specifiers('langchain')]).toEqual(expect.arrayContaining(['@langchain/core', '@tac/core']));
  });
});

describe('package boundaries', () => {
  it('core never imports an agent framework (ai, @ai-sdk/*, @openai/agents*, @langchain/*, langchain)', () => {
    const offending = importsOfPackage('core').filter((r) => isFramework(r.specifier));
    expect(
      offending.map(describeRef),
      'packages/core must stay framework-neutral: move framework code to an adapter package',
    ).toEqual([]);
  });

  it('testing (the emulator) never imports @tac/core, by name or by relative path', () => {
    const coreDir = join(ROOT, 'packages', 'core');
    const offending = importsOfPackage('testing').filter((r) => {
      if (isRelative(r.specifier)) {
        const target = resolve(dirname(join(ROOT, r.file)), r.specifier);
        return target === coreDir || target.startsWith(`${coreDir}/`);
      }
      return packageNameOf(r.specifier) === '@tac/core';
    });
    expect(
      offending.map(describeRef),
      '@tac/testing emulates Twilio independently of @tac/core, so it can catch core bugs',
    ).toEqual([]);
  });

  it.each(ADAPTERS)(
    'the %s adapter imports only its framework, @tac/core, zod and node builtins (and vitest in tests)',
    (pkg) => {
      const own = FRAMEWORKS[pkg] as readonly RegExp[];
      const allowed = (r: ImportRef) =>
        isRelative(r.specifier) ||
        isBuiltin(r.specifier) ||
        own.some((p) => p.test(r.specifier)) ||
        r.specifier === '@tac/core' ||
        packageNameOf(r.specifier) === 'zod' ||
        (isTestOnly(r.file) && r.specifier === 'vitest');
      const offending = importsOfPackage(pkg).filter((r) => !allowed(r));
      expect(
        offending.map(describeRef),
        `adapters only translate between their framework and @tac/core; anything else belongs in core`,
      ).toEqual([]);
    },
  );

  it.each(PACKAGES)('relative imports of %s stay inside its own src', (pkg) => {
    const src = srcOf(pkg);
    const offending = importsOfPackage(pkg).filter((r) => {
      if (!isRelative(r.specifier)) return false;
      const target = resolve(dirname(join(ROOT, r.file)), r.specifier);
      return !target.startsWith(`${src}/`);
    });
    expect(
      offending.map(describeRef),
      'import other workspace packages by name (@tac/…), never by path, so published builds resolve',
    ).toEqual([]);
  });
});

describe('declared dependencies', () => {
  const root = readJson(join(ROOT, 'package.json'));

  /*
   * Exact rule: for each bare, non-builtin specifier (type-only ones included,
   * since the emitted .d.ts files keep them), its package must be declared:
   * - by shipped files (not *.test.ts, not under __fixtures__): in the package's
   *   dependencies or peerDependencies, because consumers install only those;
   * - by test-only files: additionally in its devDependencies or in the root
   *   package.json's devDependencies (the shared test toolchain, e.g. vitest).
   */
  it.each(PACKAGES)('%s declares every package its src imports', (pkg) => {
    const manifest = readJson(join(ROOT, 'packages', pkg, 'package.json'));
    const shipped = new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }));
    const forTests = new Set([
      ...shipped,
      ...Object.keys(manifest.devDependencies ?? {}),
      ...Object.keys(root.devDependencies ?? {}),
    ]);
    const missing = importsOfPackage(pkg).filter((r) => {
      if (isRelative(r.specifier) || isBuiltin(r.specifier)) return false;
      const name = packageNameOf(r.specifier);
      if (name === manifest.name) return false;
      return !(isTestOnly(r.file) ? forTests : shipped).has(name);
    });
    expect(
      missing.map(
        (r) =>
          `${describeRef(r)}: add '${packageNameOf(r.specifier)}' to packages/${pkg}/package.json ` +
          (isTestOnly(r.file) ? 'devDependencies' : 'dependencies or peerDependencies'),
      ),
      `packages/${pkg}/package.json must declare what its src imports`,
    ).toEqual([]);
  });
});
