import { type createClient } from 'redis';

type Redis = ReturnType<typeof createClient>;

/** What Redis sees of the connections from these local ports: how many, and their subscriptions. */
export async function redisClientsFrom(
  redis: Redis,
  localPorts: number[],
): Promise<{ connections: number; subscriptions: number }> {
  const ports = new Set(localPorts);
  const list = String(await redis.sendCommand(['CLIENT', 'LIST']));
  let connections = 0;
  let subscriptions = 0;
  for (const line of list.trim().split('\n')) {
    const fields = new Map(line.split(' ').map((pair) => pair.split('=', 2) as [string, string]));
    if (!ports.has(Number(fields.get('addr')?.split(':').at(-1)))) continue;
    connections += 1;
    for (const kind of ['sub', 'psub', 'ssub']) subscriptions += Number(fields.get(kind) ?? 0);
  }
  return { connections, subscriptions };
}

/** Subscribers of `channel` (PUBSUB NUMSUB), from every process. */
export async function subscribersOf(redis: Redis, channel: string): Promise<number> {
  const reply = (await redis.sendCommand(['PUBSUB', 'NUMSUB', channel])) as [string, number];
  return Number(reply[1]);
}

/** Deletes every key under `prefix` (which has no glob characters); resolves to how many. */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) deleted += await redis.unlink(keys);
  }
  return deleted;
}
