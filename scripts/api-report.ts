/**
 * `pnpm api:report` writes `api/<entry>.api.md`: every name each package entry point exports,
 * with its kind and declaration (a function's signatures, a class's public members, an
 * interface or type as written), read with the TypeScript compiler API from the sources.
 * `pnpm api:check` (CI) rebuilds the reports in memory and fails when one differs from the
 * committed file, so a change of the public surface is always a reviewed diff of `api/`. Both
 * also fail when the root of `stopwise` exports more than {@link maxRootValues} values.
 *
 * Why not api-extractor: it reads built declarations (the check would need a build first), takes
 * one config per entry point (nine here) and its own bundled TypeScript; this script reads the
 * sources the typecheck already reads, with the TypeScript the repo pins, in one program.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apiDir = join(root, 'api');

/** The most values `stopwise` may export at its root (issue 13: what an app needs, no more). */
export const maxRootValues = 45;

/**
 * Each published entry point and its source, read from every package's `exports` map, so a new
 * package or subpath is reported (and checked) without editing this file: `.` is
 * `src/index.ts`, `./name` is `src/name/index.ts`.
 */
function readEntries(): Record<string, string> {
  const found: Record<string, string> = {};
  for (const folder of readdirSync(join(root, 'packages')).sort()) {
    let manifest: { name: string; private?: boolean; exports?: Record<string, unknown> };
    try {
      manifest = JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (manifest.private) continue;
    for (const subpath of Object.keys(manifest.exports ?? {})) {
      if (subpath.endsWith('.json')) continue;
      const name = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      found[name] = `packages/${folder}/src/${subpath === '.' ? '' : `${subpath.slice(2)}/`}index.ts`;
    }
  }
  return found;
}

const entries = readEntries();

/** `@stopwise/openai` -> `stopwise-openai.api.md`, `stopwise/sse` -> `stopwise.sse.api.md`. */
export function reportFileName(entry: string): string {
  return `${entry.replace(/^@stopwise\//, 'stopwise-').replace('/', '.')}.api.md`;
}

interface ExportedName {
  name: string;
  kind: string;
  value: boolean;
  text: string;
}

const typeFlags =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope |
  ts.TypeFormatFlags.WriteArrowStyleSignature;
const printer = ts.createPrinter({ removeComments: true });

function program(): ts.Program {
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return ts.createProgram({
    rootNames: Object.values(entries).map((file) => join(root, file)),
    options: { ...parsed.options, noEmit: true },
  });
}

/** True when the export reaches its declaration through an `export type` somewhere on the way. */
function typeOnly(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  let current = symbol;
  for (let depth = 0; depth < 20 && current.flags & ts.SymbolFlags.Alias; depth++) {
    for (const declaration of current.declarations ?? []) {
      if (
        ts.isExportSpecifier(declaration) &&
        (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly)
      ) {
        return true;
      }
      if (
        ts.isImportSpecifier(declaration) &&
        (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly)
      ) {
        return true;
      }
    }
    const next = checker.getImmediateAliasedSymbol(current);
    if (!next) break;
    current = next;
  }
  return false;
}

function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Paths the checker may print for types it cannot name, made relative so reports match anywhere. */
function portable(text: string): string {
  return text.replace(/import\("([^"]+)"\)/g, (_, path: string) =>
    path.startsWith('/') ? `import("${relative(root, path)}")` : `import("${path}")`,
  );
}

function members(checker: ts.TypeChecker, type: ts.Type, at: ts.Node, skip: (name: string) => boolean) {
  const lines: string[] = [];
  for (const property of checker.getPropertiesOfType(type)) {
    const name = property.getName();
    if (skip(name) || name.startsWith('#') || name.startsWith('__')) continue;
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    // Members inherited from `Error` and Node's `ErrorConstructor` are not this API (and change
    // with @types/node): only members declared in the repo's own sources are listed.
    if (declaration && /[\\/]node_modules[\\/]/.test(declaration.getSourceFile().fileName)) continue;
    const modifiers = declaration ? ts.getCombinedModifierFlags(declaration) : ts.ModifierFlags.None;
    if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    const readonly = modifiers & ts.ModifierFlags.Readonly ? 'readonly ' : '';
    const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
    const propertyType = checker.getTypeOfSymbolAtLocation(property, at);
    lines.push(
      `  ${readonly}${name}${optional}: ${flat(checker.typeToString(propertyType, at, typeFlags))};`,
    );
  }
  return lines;
}

function describe(
  checker: ts.TypeChecker,
  name: string,
  symbol: ts.Symbol,
  at: ts.SourceFile,
): ExportedName[] {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const onlyType = typeOnly(checker, symbol);
  const out: ExportedName[] = [];
  const flags = target.flags;
  const declarations = target.declarations ?? [];
  const source = (node: ts.Node) =>
    flat(printer.printNode(ts.EmitHint.Unspecified, node, node.getSourceFile()));

  if (!onlyType && flags & ts.SymbolFlags.Class) {
    const declaration = declarations.find(ts.isClassDeclaration);
    const staticType = checker.getTypeOfSymbolAtLocation(target, at);
    const instanceType = checker.getDeclaredTypeOfSymbol(target);
    const heritage =
      declaration?.heritageClauses?.map((clause) => ` ${flat(clause.getText())}`).join('') ?? '';
    const lines = [`class ${name}${heritage} {`];
    for (const signature of staticType.getConstructSignatures()) {
      const params = signature.parameters.map((parameter) => {
        const optional =
          parameter.valueDeclaration &&
          checker.isOptionalParameter(parameter.valueDeclaration as ts.ParameterDeclaration);
        const type = checker.getTypeOfSymbolAtLocation(parameter, at);
        return `${parameter.getName()}${optional ? '?' : ''}: ${flat(checker.typeToString(type, at, typeFlags))}`;
      });
      lines.push(`  constructor(${params.join(', ')});`);
    }
    lines.push(
      ...members(checker, staticType, at, (member) => member === 'prototype').map(
        (line) => `  static${line.slice(1)}`,
      ),
    );
    lines.push(...members(checker, instanceType, at, () => false));
    lines.push('}');
    out.push({ name, kind: 'class', value: true, text: lines.join('\n') });
    return out;
  }
  if (onlyType && flags & ts.SymbolFlags.Class) {
    const instanceType = checker.getDeclaredTypeOfSymbol(target);
    const lines = [`type ${name} = {`, ...members(checker, instanceType, at, () => false), '}'];
    out.push({ name, kind: 'class (type only)', value: false, text: lines.join('\n') });
    return out;
  }
  if (!onlyType && flags & ts.SymbolFlags.Function) {
    const type = checker.getTypeOfSymbolAtLocation(target, at);
    const text = type
      .getCallSignatures()
      .map(
        (signature) =>
          `function ${name}${flat(checker.signatureToString(signature, at, typeFlags & ~ts.TypeFormatFlags.WriteArrowStyleSignature))};`,
      )
      .join('\n');
    out.push({ name, kind: 'function', value: true, text });
  } else if (!onlyType && flags & ts.SymbolFlags.Variable) {
    const type = checker.getTypeOfSymbolAtLocation(target, at);
    out.push({
      name,
      kind: 'const',
      value: true,
      text: `const ${name}: ${flat(checker.typeToString(type, at, typeFlags))};`,
    });
  } else if (!onlyType && flags & ts.SymbolFlags.Enum) {
    out.push({ name, kind: 'enum', value: true, text: declarations.map(source).join('\n') });
  }
  if (flags & ts.SymbolFlags.Interface) {
    const text = declarations.filter(ts.isInterfaceDeclaration).map(source).join('\n');
    out.push({ name, kind: 'interface', value: false, text: text.replace(/^export (declare )?/, '') });
  }
  if (flags & ts.SymbolFlags.TypeAlias) {
    const text = declarations.filter(ts.isTypeAliasDeclaration).map(source).join('\n');
    out.push({ name, kind: 'type', value: false, text: text.replace(/^export (declare )?/, '') });
  }
  if (out.length === 0)
    out.push({ name, kind: 'other', value: false, text: `/* ${ts.SymbolFlags[flags]} */ ${name}` });
  return out;
}

/** Names of the interfaces, type aliases and classes the packages' sources declare at top level. */
function declaredTypeNames(built: ts.Program): Set<string> {
  const names = new Set<string>();
  for (const file of built.getSourceFiles()) {
    if (!relative(root, file.fileName).startsWith('packages/') || file.fileName.includes('node_modules'))
      continue;
    for (const statement of file.statements) {
      if (
        (ts.isInterfaceDeclaration(statement) ||
          ts.isTypeAliasDeclaration(statement) ||
          ts.isClassDeclaration(statement)) &&
        statement.name
      ) {
        names.add(statement.name.text);
      }
    }
  }
  return names;
}

/** The exported names of each entry point, as the checker sees them. */
export function readSurface(): Map<string, ExportedName[]> {
  const built = program();
  declared = declaredTypeNames(built);
  const checker = built.getTypeChecker();
  const surface = new Map<string, ExportedName[]>();
  for (const [entry, file] of Object.entries(entries)) {
    const sourceFile = built.getSourceFile(join(root, file));
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (!sourceFile || !moduleSymbol) throw new Error(`api-report: cannot read ${file}`);
    const names = checker
      .getExportsOfModule(moduleSymbol)
      .flatMap((symbol) => describe(checker, symbol.getName(), symbol, sourceFile))
      .sort((a, b) => (a.name === b.name ? a.kind.localeCompare(b.kind) : a.name < b.name ? -1 : 1));
    surface.set(entry, names);
  }
  return surface;
}

let declared = new Set<string>();

/**
 * Types the entry's declarations mention that no entry point exports (api-extractor's
 * "forgotten export"): a user can see them in a signature but cannot name them. Listed in the
 * report so that adding one is as visible as exporting one.
 */
function unexportedReferences(names: readonly ExportedName[], everyExport: ReadonlySet<string>): string[] {
  const mentioned = new Set(names.flatMap((name) => name.text.match(/\b[A-Z][A-Za-z0-9]*\b/g) ?? []));
  return [...mentioned].filter((name) => declared.has(name) && !everyExport.has(name)).sort();
}

/** The markdown report of one entry point. */
export function formatReport(
  entry: string,
  names: readonly ExportedName[],
  everyExport: ReadonlySet<string> = new Set(names.map((name) => name.name)),
): string {
  const values = names.filter((name) => name.value);
  const types = names.filter((name) => !name.value);
  const hidden = unexportedReferences(names, everyExport);
  const block = (list: readonly ExportedName[]) =>
    list.length === 0
      ? '(none)\n'
      : `\`\`\`ts\n${list.map((name) => portable(name.text)).join('\n\n')}\n\`\`\`\n`;
  return [
    `# API report: \`${entry}\``,
    '',
    `<!-- Generated by \`pnpm api:report\` from ${entries[entry]}. Do not edit: CI runs \`pnpm api:check\`. -->`,
    '',
    `${values.length} values, ${types.length} types.`,
    '',
    `## Values (${values.length})`,
    '',
    values.length ? `${values.map((name) => `- \`${name.name}\` (${name.kind})`).join('\n')}\n` : '(none)\n',
    block(values),
    `## Types (${types.length})`,
    '',
    types.length ? `${types.map((name) => `- \`${name.name}\` (${name.kind})`).join('\n')}\n` : '(none)\n',
    block(types),
    `## Referenced but not exported (${hidden.length})`,
    '',
    hidden.length ? `${hidden.map((name) => `- \`${name}\``).join('\n')}\n` : '(none)\n',
  ].join('\n');
}

function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i])
      return `line ${i + 1}:\n  committed: ${a[i] ?? '(end)'}\n  source:    ${b[i] ?? '(end)'}`;
  }
  return '';
}

function main(): number {
  const check = process.argv.includes('--check');
  const surface = readSurface();
  let problems = 0;
  const rootValues = (surface.get('stopwise') ?? []).filter((name) => name.value).length;
  if (rootValues > maxRootValues) {
    console.error(
      `stopwise exports ${rootValues} values at its root; at most ${maxRootValues} (move helpers to a subpath)`,
    );
    problems++;
  }
  const everyExport = new Set([...surface.values()].flatMap((names) => names.map((name) => name.name)));
  const wanted = new Map(
    [...surface].map(([entry, names]) => [reportFileName(entry), formatReport(entry, names, everyExport)]),
  );
  if (check) {
    for (const [file, text] of wanted) {
      let committed: string | undefined;
      try {
        committed = readFileSync(join(apiDir, file), 'utf8');
      } catch {}
      if (committed === text) continue;
      problems++;
      console.error(
        committed === undefined
          ? `api/${file} is missing`
          : `api/${file} is out of date (${firstDifference(committed, text)})`,
      );
    }
    for (const file of readdirSync(apiDir)) {
      if (file.endsWith('.api.md') && !wanted.has(file)) {
        problems++;
        console.error(`api/${file} belongs to no entry point`);
      }
    }
    if (problems)
      console.error('The public API changed: run `pnpm api:report` and commit api/ if that was meant.');
    else
      console.log(
        `api:check: ${wanted.size} reports match the sources; stopwise has ${rootValues} root values`,
      );
  } else {
    rmSync(apiDir, { recursive: true, force: true });
    mkdirSync(apiDir, { recursive: true });
    for (const [file, text] of wanted) writeFileSync(join(apiDir, file), text);
    console.log(`api:report: wrote ${wanted.size} reports to api/; stopwise has ${rootValues} root values`);
  }
  return problems ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
