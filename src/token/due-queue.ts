interface Entry<T> {
  name: string;
  dueAt: number;
  value: T;
  /** Which put of `name` this is: an entry replaced or removed stays in the heap, stale. */
  version: number;
}

/**
 * Named values by due time: the earliest first, a name at most once (putting it again replaces
 * it). A binary heap with lazy deletion: put, remove and take cost O(log n) for n pending names.
 */
export class DueQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private readonly current = new Map<string, Entry<T>>();
  private versions = 0;

  put(name: string, dueAt: number, value: T): void {
    const entry = { name, dueAt, value, version: ++this.versions };
    this.current.set(name, entry);
    this.push(entry);
    // Replaced and removed entries pile up in the heap under churn: rebuild once they dominate.
    if (this.heap.length > 2 * this.current.size + 64) this.rebuild();
  }

  /** True when `name` was pending. */
  remove(name: string): boolean {
    return this.current.delete(name);
  }

  names(): string[] {
    return [...this.current.keys()];
  }

  get size(): number {
    return this.current.size;
  }

  /** When the earliest pending value is due, or undefined when none is pending. */
  earliest(): number | undefined {
    this.dropStale();
    return this.heap[0]?.dueAt;
  }

  /** The earliest value due at `now` or before, taken out of the queue; else undefined. */
  takeDue(now: number): { name: string; value: T } | undefined {
    this.dropStale();
    const top = this.heap[0];
    if (!top || top.dueAt > now) return undefined;
    this.pop();
    this.current.delete(top.name);
    return { name: top.name, value: top.value };
  }

  private dropStale(): void {
    while (this.heap.length > 0 && this.isStale(this.heap[0]!)) this.pop();
  }

  private isStale(entry: Entry<T>): boolean {
    return this.current.get(entry.name) !== entry;
  }

  private rebuild(): void {
    const live = this.heap.filter((entry) => !this.isStale(entry));
    this.heap.length = 0;
    for (const entry of live) this.push(entry);
  }

  // Earlier due first; of two due together, the one put first.
  private before(a: Entry<T>, b: Entry<T>): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.version < b.version);
  }

  private push(entry: Entry<T>): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}
