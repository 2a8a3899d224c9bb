/**
 * How many turns the event loop took (check phases, counted with `setImmediate`) while `work`
 * ran: 0 when `work` did everything in one synchronous stretch. Node only, for tests of work
 * that must not hold the streams of a process.
 */
export async function eventLoopTurnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let counting = true;
  const count = () => {
    turns += 1;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  try {
    await work();
  } finally {
    counting = false;
  }
  return turns;
}
