/**
 * The markdown side of `pnpm docs:check`: finds the TypeScript code blocks of one page and the
 * page's `docs-check` directives (HTML comments, invisible on the rendered page).
 *
 * A hand-written fence scanner rather than remark: the check needs only fenced blocks, their
 * lines and the HTML comments around them, and a scanner of sixty lines has no dependency to
 * keep up to date and maps every line exactly (mdast positions would work too, at the cost of
 * three packages for a loop over lines).
 */

/** Info strings (first word, lowercased) whose blocks are type-checked. */
export const checkedLanguages: ReadonlySet<string> = new Set(['ts', 'typescript']);

/** One ```ts block of a page, its code with the fence's indentation removed. */
export interface DocBlock {
  /** 1-based markdown line of the block's first code line (the line after the opening fence). */
  line: number;
  /** The fence's indentation, removed from every code line; added back to reported columns. */
  indent: number;
  /** The code lines, without the fences. */
  lines: string[];
  /** `<!-- docs-check: skip REASON -->` right before the block: not checked, for this reason. */
  skip?: string;
  /** `<!-- docs-check: continue -->` right before the block: checked with the previous blocks. */
  continues: boolean;
  /** The preludes declared on the page above this block, in page order. */
  preludes: Prelude[];
}

/** Code from `<!-- docs-check prelude: CODE -->`, checked before each block below it. */
export interface Prelude {
  /** 1-based markdown line where the code starts (the comment's first line). */
  line: number;
  lines: string[];
}

/** A misuse of a directive, reported like a type error (so a typo never silently passes). */
export interface ScanProblem {
  line: number;
  message: string;
}

/** What {@link scanMarkdown} found on one page. */
export interface ScanResult {
  blocks: DocBlock[];
  problems: ScanProblem[];
}

const fenceOpen = /^( *)(`{3,}|~{3,})\s*([^\s`]*)/;
const directive = /^\s*<!--\s*docs-check(:|\s+prelude:)([\s\S]*?)-->\s*$/;

/**
 * Scans one markdown page. Fences follow CommonMark closely enough for docs: ``` or ~~~, three or
 * more, any indentation (blocks inside list items); a fence closes on the same character at least
 * as long, so a ```ts inside a ````md example is not a block. A directive applies to the next
 * block only when nothing but blank lines stands between them.
 */
export function scanMarkdown(markdown: string): ScanResult {
  const lines = markdown.split(/\r?\n/);
  const blocks: DocBlock[] = [];
  const problems: ScanProblem[] = [];
  const preludes: Prelude[] = [];
  let pending: { line: number; kind: 'skip' | 'continue'; reason: string } | undefined;

  const dropPending = () => {
    if (pending)
      problems.push({
        line: pending.line,
        message: `docs-check: ${pending.kind} is not followed by a ts block`,
      });
    pending = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const open = fenceOpen.exec(text);
    if (open) {
      const indent = open[1]?.length ?? 0;
      const fence = open[2] ?? '```';
      const language = (open[3] ?? '').toLowerCase();
      const close = new RegExp(`^ *${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !close.test(lines[j] ?? '')) {
        body.push(stripIndent(lines[j] ?? '', indent));
        j++;
      }
      if (checkedLanguages.has(language)) {
        const block: DocBlock = {
          line: i + 2,
          indent,
          lines: body,
          continues: pending?.kind === 'continue',
          preludes: [...preludes],
        };
        if (pending?.kind === 'skip') block.skip = pending.reason;
        if (block.continues && !blocks.some((b) => !b.skip)) {
          problems.push({
            line: pending?.line ?? i + 1,
            message: 'docs-check: continue has no earlier block to continue',
          });
        }
        blocks.push(block);
        pending = undefined;
      } else {
        dropPending();
      }
      i = j;
      continue;
    }
    // A directive may span lines (a prelude often does): gather up to the closing -->.
    if (/^\s*<!--\s*docs-check/.test(text)) {
      let end = i;
      while (end < lines.length - 1 && !(lines[end] ?? '').includes('-->')) end++;
      const comment = lines.slice(i, end + 1).join('\n');
      const found = directive.exec(comment);
      dropPending();
      if (!found) {
        problems.push({ line: i + 1, message: 'docs-check: unclosed or malformed directive' });
      } else if (found[1] !== ':') {
        preludes.push({ line: i + 1, lines: preludeLines(comment) });
      } else {
        const [word = '', ...rest] = (found[2] ?? '').trim().split(/\s+/);
        const reason = rest.join(' ');
        if (word === 'skip' && reason) pending = { line: i + 1, kind: 'skip', reason };
        else if (word === 'skip') problems.push({ line: i + 1, message: 'docs-check: skip needs a reason' });
        else if (word === 'continue') pending = { line: i + 1, kind: 'continue', reason: '' };
        else problems.push({ line: i + 1, message: `docs-check: unknown directive "${word}"` });
      }
      i = end;
      continue;
    }
    if (text.trim() !== '') dropPending();
  }
  dropPending();
  return { blocks, problems };
}

/**
 * The prelude's code, one entry per markdown line of the comment, so line `k` of the prelude is
 * markdown line `prelude.line + k`: the opening `<!-- docs-check prelude:` and the `-->` are
 * blanked, not removed.
 */
function preludeLines(comment: string): string[] {
  return comment
    .replace(/^\s*<!--\s*docs-check\s+prelude:/, (m) => ' '.repeat(m.length))
    .replace(/-->\s*$/, '')
    .split('\n');
}

/** Removes up to `indent` leading spaces (a code line inside a list item's fence). */
function stripIndent(line: string, indent: number): string {
  let n = 0;
  while (n < indent && line[n] === ' ') n++;
  return line.slice(n);
}
