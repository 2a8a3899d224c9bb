import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchFileResult } from './run-bench.js';

/** One point of the accuracy-against-reduction chart. */
interface ChartPoint {
  policy: string;
  group: 'preset' | 'fixed cap' | 'no policy';
  reduction: number;
  accuracy: number;
}

function chartPoints(file: BenchFileResult): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const row of file.rows) {
    const accuracy = row.summary.keptAccuracy;
    if (accuracy === null) continue;
    const group = row.kind === 'cap' ? 'fixed cap' : row.kind === 'none' ? 'no policy' : 'preset';
    points.push({ policy: row.policy, group, reduction: row.summary.tokenReduction, accuracy });
  }
  return points;
}

/**
 * The vega-lite spec of a file's chart: accuracy of what was kept against token reduction.
 * Fixed caps (with the no-policy point at zero reduction) form a line, the frontier a naive cut
 * reaches; presets are labelled points. A preset above the line keeps more accuracy than a
 * fixed cap saving as much.
 */
export function chartSpec(file: BenchFileResult): TopLevelSpec | undefined {
  const points = chartPoints(file);
  if (points.length === 0) return undefined;
  const frontier = points
    .filter((point) => point.group !== 'preset')
    .sort((a, b) => a.reduction - b.reduction);
  const presets = points.filter((point) => point.group === 'preset');
  const x = {
    field: 'reduction',
    type: 'quantitative',
    title: 'token reduction',
    axis: { format: '.0%' },
  } as const;
  const y = {
    field: 'accuracy',
    type: 'quantitative',
    title: 'accuracy of kept text',
    axis: { format: '.0%' },
    scale: { zero: false },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: file.name,
    width: 420,
    height: 280,
    layer: [
      {
        data: { values: frontier },
        mark: { type: 'line', point: true, color: '#888' },
        encoding: { x, y, tooltip: [{ field: 'policy' }] },
      },
      {
        data: { values: frontier },
        mark: { type: 'text', dy: 12, fontSize: 9, color: '#666' },
        encoding: { x, y, text: { field: 'policy' } },
      },
      {
        data: { values: presets },
        mark: { type: 'point', filled: true, size: 90, color: '#d62728' },
        encoding: { x, y, tooltip: [{ field: 'policy' }] },
      },
      {
        data: { values: presets },
        mark: { type: 'text', dy: -10, fontSize: 11, fontWeight: 'bold', color: '#d62728' },
        encoding: { x, y, text: { field: 'policy' } },
      },
    ],
  } as TopLevelSpec;
}

/** Renders a vega-lite spec to an SVG string, in Node, with no browser. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
