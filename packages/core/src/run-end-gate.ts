/**
 * Holds the end of a run (its hooks and `result`) until both halves are there: the result is
 * built (it may wait for a tokenizer or price table) and the consumer has been handed every
 * part. Then it reports it, once. So an app logging from its loop and from its hooks sees the
 * parts first, then the hooks, then `result`.
 *
 * The consumer counts as done on its next read after the terminal part (the one that ends a
 * `for await`), on a `break`, when it asks for `result` after the terminal part, or one
 * macrotask after the terminal part was handed over, whichever comes first: a consumer that
 * holds the terminal part without reading on must not hold back the hooks, and a macrotask comes
 * after the promise jobs that deliver the part and run a synchronous loop body.
 */
export class RunEndGate<Result> {
  #result: Result | undefined;
  #consumerDone = false;
  #reported = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `report` runs once, with the built result, when both halves are there. */
  constructor(private readonly report: (result: Result) => void) {}

  /** The result is built. */
  built(result: Result): void {
    this.#result = result;
    this.#reportIfReady();
  }

  /** The terminal part is being handed over: the consumer is done one macrotask later at most. */
  terminalHandedOut(): void {
    if (!this.#consumerDone) this.#timer ??= setTimeout(() => this.consumerHasAll(), 0);
  }

  /** The consumer has every part: it read past the last, broke out, or asked for `result`. */
  consumerHasAll(): void {
    this.#consumerDone = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#reportIfReady();
  }

  #reportIfReady(): void {
    const result = this.#result;
    if (result === undefined || !this.#consumerDone || this.#reported) return;
    this.#reported = true;
    this.#result = undefined;
    this.report(result);
  }
}
