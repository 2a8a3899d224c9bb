import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchJson } from './bench-json.js';
import { chartSpec, renderSvg } from './chart.js';
import { rowLabel, summaryHeader, summaryRow } from './format-table.js';
import type { BenchFileResult } from './run-bench.js';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

function tableHtml(file: BenchFileResult): string {
  const head = `<tr>${summaryHeader.map((title) => `<th>${escapeHtml(title)}</th>`).join('')}</tr>`;
  const body = file.rows
    .map((row) => {
      const label = rowLabel(row);
      const cells = summaryRow(label, row.summary);
      return `<tr class="${row.kind}">${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  dir: string;
  files: readonly BenchFileResult[];
  /** Lines about the run (traces, time, versions) shown at the top. */
  notes: readonly string[];
}

/**
 * Writes `index.html` (per file: the accuracy-against-reduction chart as inline SVG rendered
 * with vega-lite, and the table) and `results.json` (the `--json` document) into `dir`.
 * Returns the path of the page.
 */
export async function writeReport(options: WriteReportOptions): Promise<string> {
  mkdirSync(options.dir, { recursive: true });
  const sections: string[] = [];
  for (const file of options.files) {
    const spec = chartSpec(file);
    const chart = spec ? await renderSvg(spec) : '<p>No gold answers in this file: no accuracy to chart.</p>';
    sections.push(
      `<section>\n<h2>${escapeHtml(file.name)}</h2>\n<div class="chart">${chart}</div>\n${tableHtml(file)}\n</section>`,
    );
  }
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>stopwise benchmark</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 1rem 0 2.5rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child, td:last-child { text-align: left; }
tr.profile td:first-child { font-weight: bold; color: #d62728; }
tr.cap td { color: #555; }
.notes { color: #555; font-size: 0.9rem; }
</style>
</head>
<body>
<h1>stopwise benchmark: accuracy against tokens</h1>
<div class="notes">${options.notes.map((note) => `<p>${escapeHtml(note)}</p>`).join('\n')}
<p>Each chart: the accuracy of the text the caller kept against the share of output tokens cut.
Grey line: no policy and fixed caps (the frontier a naive cut reaches). Red points: presets.
A preset above the line keeps more accuracy than a fixed cap saving as much.</p></div>
${sections.join('\n')}
</body>
</html>
`;
  const page = join(options.dir, 'index.html');
  writeFileSync(page, html);
  writeFileSync(join(options.dir, 'results.json'), `${JSON.stringify(benchJson(options.files), null, 2)}\n`);
  return page;
}
