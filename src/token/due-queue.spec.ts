import { DueQueue } from './due-queue.js';

describe('DueQueue', () => {
  it('takes values in due order, ties in the order they were put', () => {
    const queue = new DueQueue<string>();
    queue.put('c', 30, 'C');
    queue.put('a', 10, 'A');
    queue.put('b', 10, 'B');
    queue.put('d', 20, 'D');
    const taken: string[] = [];
    for (let next = queue.takeDue(100); next; next = queue.takeDue(100)) taken.push(next.value);
    expect(taken).toEqual(['A', 'B', 'D', 'C']);
    expect(queue.size).toBe(0);
  });

  it('takes nothing before it is due', () => {
    const queue = new DueQueue<string>();
    queue.put('a', 50, 'A');
    expect(queue.takeDue(49)).toBeUndefined();
    expect(queue.earliest()).toBe(50);
    expect(queue.takeDue(50)).toEqual({ name: 'a', value: 'A' });
  });

  it('keeps one value per name: putting it again replaces it, removing it drops it', () => {
    const queue = new DueQueue<string>();
    queue.put('a', 10, 'old');
    queue.put('a', 40, 'new');
    queue.put('b', 20, 'B');
    expect(queue.remove('b')).toBe(true);
    expect(queue.remove('b')).toBe(false);
    expect(queue.names()).toEqual(['a']);
    expect(queue.earliest()).toBe(40);
    expect(queue.takeDue(100)).toEqual({ name: 'a', value: 'new' });
    expect(queue.takeDue(100)).toBeUndefined();
  });

  it('stays small under churn: replaced entries do not pile up', () => {
    const queue = new DueQueue<number>();
    for (let i = 0; i < 100_000; i++) queue.put(`n${i % 10}`, i, i);
    expect(queue.size).toBe(10);
    expect((queue as unknown as { heap: unknown[] }).heap.length).toBeLessThanOrEqual(2 * 10 + 64);
    expect(queue.takeDue(Infinity)?.value).toBe(99_990);
  });
});
