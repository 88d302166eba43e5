import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/** One module specifier found in a source file. */
export interface ImportRef {
  /** Repository-relative path of the importing file (forward slashes). */
  file: string;
  /** The specifier exactly as written, e.g. `@langchain/core/messages` or `./x.ts`. */
  specifier: string;
  /**
   * True for imports erased at runtime: `import type …`, `export type … from`,
   * and type positions `typeof import('x')`. `import { type A } from 'x'` is NOT
   * type-only (with `verbatimModuleSyntax` it still loads `x`).
   */
  typeOnly: boolean;
}

const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'];

/**
 * Every module specifier of a source text, read from the TypeScript syntax tree
 * (so imports shown in comments or strings, e.g. JSDoc examples, don't count):
 * static imports and re-exports, dynamic `import()`, `require()`,
 * `import x = require()`, and `import('x')` types.
 */
export function importsOf(file: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: ImportRef[] = [];
  const add = (node: ts.Node | undefined, typeOnly: boolean) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ file, specifier: node.text, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Source files under `dir` (recursive), skipping `node_modules` and `dist`; absolute paths. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') out.push(...sourceFiles(path));
    } else if (SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext)) && !entry.name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out.sort();
}

/** Every import of every source file under `dir`, with paths relative to `root`. */
export function importsUnder(root: string, dir: string): ImportRef[] {
  return sourceFiles(dir).flatMap((path) =>
    importsOf(relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8')),
  );
}

/** True for `./x`, `../x` and absolute paths. */
export function isRelative(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('/');
}

const BUILTINS = new Set(builtinModules);

/** True for `node:fs`, `fs`, `fs/promises`, … */
export function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier);
}

/** The npm package a bare specifier loads: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * True for code that only tests use and the build leaves out: `*.test.ts` and
 * anything under `__fixtures__` (as every package's tsconfig.build.json excludes).
 */
export function isTestOnly(file: string): boolean {
  return /\.test\.[cm]?[jt]sx?$/.test(file) || file.split('/').includes('__fixtures__');
}
