/**
 * A value made once per pair of objects and kept as long as both live (nested `WeakMap`s).
 * Settings merges use it: policies cache what they compile by the identity of frozen settings,
 * so the same pair of frozen inputs must give the same merged object call after call.
 */
export class PairMemo<A extends object, B extends object, V> {
  private readonly byFirst = new WeakMap<A, WeakMap<B, V>>();

  /** The value for (`first`, `second`), made by `make` the first time. */
  get(first: A, second: B, make: () => V): V {
    let bySecond = this.byFirst.get(first);
    if (bySecond === undefined) {
      bySecond = new WeakMap();
      this.byFirst.set(first, bySecond);
    }
    if (bySecond.has(second)) return bySecond.get(second) as V;
    const value = make();
    bySecond.set(second, value);
    return value;
  }
}
