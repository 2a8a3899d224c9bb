/**
 * `pnpm check:require`: loads every entry point of every package from its built `dist/` twice,
 * with `require()` and with `import()`, through the package's own `exports` map (a package can
 * import itself by name), and checks both give the same names. It also checks the CommonJS build
 * shares one copy of core between entry points (an error made by `stopwise/adapter` is an
 * instance of the root's class), which a build without code splitting gets wrong.
 *
 * Plain Node on purpose: tsx would resolve `stopwise` through tsconfig paths to the sources and
 * prove nothing about the build. Run after `pnpm build`; CI does (.ci/run).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Every package folder with a package.json (a new package is checked without editing this file).
const packages = readdirSync(join(root, 'packages')).filter((folder) =>
  existsSync(join(root, 'packages', folder, 'package.json')),
);
let passed = 0;
let failed = 0;

function check(label, ok, detail = '') {
  if (ok) passed++;
  else {
    failed++;
    console.error(`FAIL ${label}${detail ? `: ${detail}` : ''}`);
  }
}

for (const folder of packages) {
  const manifestPath = join(root, 'packages', folder, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const require = createRequire(manifestPath);
  for (const subpath of Object.keys(manifest.exports)) {
    if (subpath === './package.json') continue;
    const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    const conditions = manifest.exports[subpath];
    if (!conditions?.import?.default || !conditions?.require?.default) {
      check(`'${specifier}' has import and require conditions, each with types and default`, false);
      continue;
    }
    let required;
    try {
      required = require(specifier);
    } catch (error) {
      check(`require('${specifier}')`, false, error.message.split('\n')[0]);
      continue;
    }
    // The file the exports map gives to `import` (an ESM `import()` from here cannot self-reference).
    const esmFile = join(root, 'packages', folder, conditions.import.default);
    const imported = await import(pathToFileURL(esmFile).href);
    const cjsNames = Object.keys(required).sort();
    const esmNames = Object.keys(imported).sort();
    check(`require('${specifier}') has exports`, cjsNames.length > 0);
    check(
      `require('${specifier}') and import('${specifier}') give the same names`,
      cjsNames.join() === esmNames.join(),
      `only in CJS: ${cjsNames.filter((n) => !esmNames.includes(n))}; only in ESM: ${esmNames.filter((n) => !cjsNames.includes(n))}`,
    );
    console.log(`ok ${specifier}: ${cjsNames.length} names from require() and import()`);
  }
}

const core = createRequire(join(root, 'packages/core/package.json'));
const { ProviderError } = core('stopwise');
const { connectionFailure } = core('stopwise/adapter');
check(
  'CommonJS entry points share one copy of core',
  connectionFailure({ provider: 'check', error: new TypeError('fetch failed') }) instanceof ProviderError,
);

// A single non-ASCII character in a module makes V8 keep that module's whole source as UTF-16,
// twice the memory at import: the build escapes them (charset 'ascii' in tsup.package.ts), but
// esbuild leaves regex literals as written, so a '\u03c0' in a source regex must stay escaped.
for (const folder of packages) {
  const dist = join(root, 'packages', folder, 'dist');
  if (!existsSync(dist)) continue;
  const code = readdirSync(dist, { recursive: true }).filter((file) => /\.c?js$/.test(String(file)));
  const wide = code.filter((file) => /[\u0080-\uffff]/.test(readFileSync(join(dist, String(file)), 'utf8')));
  check(`packages/${folder}/dist is ASCII`, wide.length === 0, `non-ASCII characters in ${wide.join(', ')}`);
}

// What a package's built files import is what its manifest declares: a module imported but not
// declared fails in the user's app; a dependency declared but never imported installs for
// nothing (@stopwise/replay once pulled 60 packages of charts and SDKs that only its repo-only
// benchmark used).
const importedPackage =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]((?:node:)?(?:@[\w.~-]+\/)?[\w~-][\w.~-]*(?:\/[\w.~-]+)*)['"]/g;
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
for (const folder of packages) {
  const dist = join(root, 'packages', folder, 'dist');
  if (!existsSync(dist)) continue;
  const manifest = JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8'));
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  const imported = new Set();
  for (const file of readdirSync(dist, { recursive: true })) {
    if (!/\.(c?js|d\.c?ts)$/.test(String(file))) continue;
    for (const [, specifier] of readFileSync(join(dist, String(file)), 'utf8').matchAll(importedPackage)) {
      const name = packageOf(specifier);
      if (name.startsWith('node:') || builtinModules.includes(name) || name === manifest.name) continue;
      imported.add(name);
    }
  }
  const undeclared = [...imported].filter((name) => !declared.has(name));
  check(
    `${manifest.name} declares every package its dist imports`,
    undeclared.length === 0,
    undeclared.join(', '),
  );
  const unused = Object.keys(manifest.dependencies ?? {}).filter((name) => !imported.has(name));
  check(
    `${manifest.name} depends on nothing its dist does not import`,
    unused.length === 0,
    unused.join(', '),
  );
}

// Worded apart from a test runner's 'N passed, N failed' summary: CI's closing count is vitest's.
console.log(
  `\ncheck:require: ${failed === 0 ? `all ${passed} checks hold` : `${failed} of ${passed + failed} checks broken`}`,
);
process.exit(failed === 0 ? 0 : 1);
