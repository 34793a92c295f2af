/** A binary min-heap: push and pop in O(log n), the least item (by `isBefore`) on top. */
export class MinHeap<T> {
  private items: T[] = [];

  /** @param isBefore true when `a` must come out before `b`. */
  constructor(private readonly isBefore: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let child = items.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const above = items[parent] as T;
      if (!this.isBefore(item, above)) break;
      items[child] = above;
      child = parent;
    }
    items[child] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let parent = 0;
    for (;;) {
      let child = 2 * parent + 1;
      if (child >= items.length) break;
      const right = items[child + 1];
      if (right !== undefined && this.isBefore(right, items[child] as T)) child += 1;
      const below = items[child] as T;
      if (!this.isBefore(below, last)) break;
      items[parent] = below;
      parent = child;
    }
    items[parent] = last;
    return top;
  }

  /** Keeps only the items `keep` accepts. */
  retain(keep: (item: T) => boolean): void {
    const kept = this.items.filter(keep);
    this.items = [];
    for (const item of kept) this.push(item);
  }

  clear(): void {
    this.items = [];
  }
}
