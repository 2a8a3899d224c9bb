/**
 * Reads an async iterable to its end, or to its first error: what arrived, and the error if one
 * ended it. For tests that check nothing read before a failure is lost.
 */
export async function readAll<T>(source: AsyncIterable<T>): Promise<{ items: T[]; error?: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of source) items.push(item);
    return { items };
  } catch (error) {
    return { items, error };
  }
}
