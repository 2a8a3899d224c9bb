/**
 * SSE framing against the reference: `eventsource-parser` fed the whole stream at once. Random
 * streams (event names, ids, multi-line data, comments, `retry` lines, LF / CRLF / CR line ends,
 * any Unicode) cut into random network reads, including inside a multi-byte character, must give
 * exactly the reference's events, in order.
 */

import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sseEvents } from './sse-events.js';

// Field values never hold a line break; anything else (emoji, CJK, combining marks) may appear.
const lineText = fc.string({ unit: 'grapheme', maxLength: 12 }).map((text) => text.replace(/[\r\n]/g, ' '));
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');

const sseEvent = fc.record({
  comment: fc.option(lineText, { nil: undefined }),
  event: fc.option(
    lineText.filter((name) => name.trim() !== '' && !name.startsWith(' ')),
    { nil: undefined },
  ),
  id: fc.option(fc.stringMatching(/^[a-z0-9]{1,8}$/), { nil: undefined }),
  retry: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
  data: fc.array(lineText, { minLength: 1, maxLength: 3 }),
});

/** One stream's text with a random line ending after every line. */
const sseStream = fc.array(sseEvent, { minLength: 1, maxLength: 8 }).chain((events) => {
  const lines: string[] = [];
  for (const event of events) {
    if (event.comment !== undefined) lines.push(`:${event.comment}`);
    if (event.event !== undefined) lines.push(`event: ${event.event}`);
    if (event.id !== undefined) lines.push(`id: ${event.id}`);
    if (event.retry !== undefined) lines.push(`retry: ${event.retry}`);
    for (const data of event.data) lines.push(`data: ${data}`);
    lines.push('');
  }
  return fc.array(lineEnd, { minLength: lines.length, maxLength: lines.length }).map((ends) => {
    return lines.map((line, index) => `${line}${ends[index]}`).join('');
  });
});

function reference(text: string): Array<Pick<EventSourceMessage, 'event' | 'data' | 'id'>> {
  const events: Array<Pick<EventSourceMessage, 'event' | 'data' | 'id'>> = [];
  const parser = createParser({ onEvent: ({ event, data, id }) => events.push({ event, data, id }) });
  parser.feed(`${text}\n\n`);
  return events;
}

function bodyOf(bytes: Uint8Array, cuts: readonly number[]): ReadableStream<Uint8Array> {
  const points = [
    0,
    ...[...new Set(cuts)].filter((cut) => cut > 0 && cut < bytes.length).sort((a, b) => a - b),
    bytes.length,
  ];
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (let index = 1; index < points.length; index += 1) {
        controller.enqueue(bytes.slice(points[index - 1], points[index]));
      }
      controller.close();
    },
  });
}

describe('SSE framing (property, against eventsource-parser)', () => {
  it('any stream cut into any reads gives the reference events', async () => {
    await fc.assert(
      fc.asyncProperty(sseStream, fc.array(fc.nat(), { maxLength: 16 }), async (text, rawCuts) => {
        const bytes = new TextEncoder().encode(text);
        const cuts = rawCuts.map((cut) => cut % (bytes.length + 1));
        const got: Array<Pick<EventSourceMessage, 'event' | 'data' | 'id'>> = [];
        for await (const { event, data, id } of sseEvents({
          provider: 'test',
          body: bodyOf(bytes, cuts),
          signal: new AbortController().signal,
          secrets: [],
        })) {
          got.push({ event, data, id });
        }
        expect(got).toEqual(reference(text));
      }),
      { numRuns: 300 },
    );
  });

  it('a multi-byte character cut at every byte decodes whole', async () => {
    const text = 'data: naïve 🎉 日本 café\n\n';
    const bytes = new TextEncoder().encode(text);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      const events: string[] = [];
      for await (const event of sseEvents({
        provider: 'test',
        body: bodyOf(bytes, [cut]),
        signal: new AbortController().signal,
        secrets: [],
      })) {
        events.push(event.data);
      }
      expect(events).toEqual(['naïve 🎉 日本 café']);
    }
  });
});
