/**
 * Works through `items` in at most `lanes` lanes at once, in order within each lane: lane n is the
 * same lane for every item it takes, so it can own a resource (a sandbox, a folder). Results come
 * back in the items' order.
 */
export async function inLanes<T, R>(items: readonly T[], lanes: number, work: (item: T, lane: number, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async (n: number) => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], n, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, (_, n) => lane(n)));
  return results;
}
