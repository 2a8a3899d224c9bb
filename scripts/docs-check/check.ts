import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { buildModules, type DocModule } from './modules.js';
import { scanMarkdown } from './scan.js';

/** One problem, at its markdown line and column (1-based). */
export interface DocError {
  file: string;
  line: number;
  column: number;
  /** `TS2339` and the like, or `docs-check` for a misused directive. */
  code: string;
  message: string;
}

/** A block left out with `<!-- docs-check: skip REASON -->`. */
export interface SkippedBlock {
  file: string;
  line: number;
  reason: string;
}

/** What {@link checkDocs} found. */
export interface DocsCheckResult {
  /** Blocks type-checked. */
  checked: number;
  skipped: SkippedBlock[];
  /** Generated modules (a continued block shares its module with the blocks before it). */
  modules: number;
  errors: DocError[];
}

/** Where to look and where to write. */
export interface DocsCheckOptions {
  /** The repository root: its `tsconfig.json` supplies the options and the `paths`. */
  root: string;
  /** Markdown pages, relative to `root`. */
  files: readonly string[];
  /**
   * The folder the modules are written to, emptied first. It must be inside `root`, so the root
   * tsconfig's `paths` and `node_modules` resolve the way they do for the repository's own code.
   */
  outDir: string;
}

/**
 * Type-checks every ```ts block of `files` in one TypeScript program (the root tsconfig's
 * options, strict, no emit): one program because the sources the blocks import are then parsed
 * and checked once, not once per block. Errors are reported at their markdown line.
 */
export function checkDocs(options: DocsCheckOptions): DocsCheckResult {
  const { root, files, outDir } = options;
  const errors: DocError[] = [];
  const skipped: SkippedBlock[] = [];
  const modules: DocModule[] = [];
  let checked = 0;

  for (const file of files) {
    const { blocks, problems } = scanMarkdown(readFileSync(join(root, file), 'utf8'));
    for (const problem of problems) {
      errors.push({ file, line: problem.line, column: 1, code: 'docs-check', message: problem.message });
    }
    for (const block of blocks) {
      if (block.skip !== undefined) skipped.push({ file, line: block.line - 1, reason: block.skip });
      else checked++;
    }
    modules.push(...buildModules(file, blocks));
  }

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const byPath = new Map<string, DocModule>();
  const counts = new Map<string, number>();
  for (const module of modules) {
    const n = (counts.get(module.file) ?? 0) + 1;
    counts.set(module.file, n);
    // `docs/telemetry.md` -> `<outDir>/docs/telemetry.md.3.ts`: the page's folder mirrored, so
    // with `rootDirs` a relative import (`./route`) resolves from the page's own folder.
    const path = join(outDir, `${module.file}.${n}.ts`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, module.code);
    byPath.set(ts.sys.resolvePath(path), module);
  }

  const compiler = { ...compilerOptions(root), rootDirs: [root, outDir] };
  const program = ts.createProgram({ rootNames: [...byPath.keys()], options: compiler });
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const source of program.getSourceFiles()) {
    if (!byPath.has(ts.sys.resolvePath(source.fileName))) continue;
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  for (const diagnostic of diagnostics) errors.push(toDocError(diagnostic, byPath, root));

  errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { checked, skipped, modules: modules.length, errors };
}

/** The root tsconfig's options, so a block is held to what the repository's own code is. */
function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    { noEmit: true, strict: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  return parsed.options;
}

/** A compiler diagnostic at its markdown position (or as is, when it is not in a block). */
function toDocError(diagnostic: ts.Diagnostic, byPath: Map<string, DocModule>, root: string): DocError {
  const code = `TS${diagnostic.code}`;
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const source = diagnostic.file;
  if (!source || diagnostic.start === undefined)
    return { file: '(tsconfig)', line: 0, column: 0, code, message };
  const at = source.getLineAndCharacterOfPosition(diagnostic.start);
  const module = byPath.get(ts.sys.resolvePath(source.fileName));
  const origin = module?.lines[at.line];
  if (!module || !origin) {
    const file = source.fileName.startsWith(root) ? source.fileName.slice(root.length + 1) : source.fileName;
    return { file, line: at.line + 1, column: at.character + 1, code, message };
  }
  return { file: module.file, line: origin.line, column: at.character + origin.column + 1, code, message };
}
