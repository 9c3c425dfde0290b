import { describe, expect, it } from '@jest/globals';
import { isTransientRefusal } from './redis-transient-refusals.js';
import { StoreRefusedError } from './store-refused.error.js';

const READONLY = "READONLY You can't write against a read only replica.";

describe('refusals by topology', () => {
  it('asks again only where a failover in progress explains the refusal', () => {
    for (const reply of ['READONLY', 'MOVED', 'CLUSTERDOWN', 'OOM', 'NOPERM']) {
      expect(isTransientRefusal('server', reply)).toBe(false);
    }
    expect(isTransientRefusal('sentinel', 'READONLY')).toBe(true);
    expect(isTransientRefusal('sentinel', 'MASTERDOWN')).toBe(true);
    for (const reply of ['MOVED', 'ASK', 'TRYAGAIN', 'CLUSTERDOWN', 'READONLY']) {
      expect(isTransientRefusal('cluster', reply)).toBe(true);
    }
    for (const kind of ['server', 'cluster', 'sentinel'] as const) {
      expect(isTransientRefusal(kind, 'OOM')).toBe(false);
      expect(isTransientRefusal(kind, 'NOPERM')).toBe(false);
      expect(isTransientRefusal(kind, 'CROSSSLOT')).toBe(false);
    }
  });

  it.each([
    ['server', READONLY, /point redis\.url at the master or use redis\.sentinel/],
    ['sentinel', READONLY, /a failover is in progress/],
    ['cluster', READONLY, /a failover is in progress/],
    [
      'server',
      'MOVED 3999 127.0.0.1:7001',
      /Redis Cluster node: .*list its nodes in redis\.cluster/,
    ],
    ['server', 'CLUSTERDOWN The cluster is down', /list its nodes in redis\.cluster/],
    ['cluster', 'CLUSTERDOWN The cluster is down', /a master is lost and its replica not yet/],
    ['cluster', 'TRYAGAIN Multiple keys request during rehashing', /resharding in progress/],
    ['cluster', 'CROSSSLOT Keys in request', /redis\.keyPrefix must not hold \{ or \}/],
    ['sentinel', 'MASTERDOWN Link with MASTER is down', /a failover is in progress/],
    ['cluster', 'NOPERM this user has no permissions', /CLUSTER SLOTS/],
    ['sentinel', 'NOPERM this user has no permissions', /SENTINEL on the sentinels/],
  ] as const)('explains %s: %s', (topology, reply, hint) => {
    const error = new StoreRefusedError('SET', reply, topology);
    expect(error.reply).toBe(reply.split(' ')[0]);
    expect(error.message).toMatch(new RegExp(`^Redis refused SET: ${reply.split(' ')[0]}`));
    expect(error.message).toMatch(hint);
  });

  it('reads as before for one server when no topology is given', () => {
    expect(new StoreRefusedError('EVAL', 'OOM command not allowed').message).toMatch(
      /^Redis refused EVAL: OOM command not allowed \(its maxmemory is reached/,
    );
    expect(new StoreRefusedError('GET', 'ERR unknown').message).toBe(
      'Redis refused GET: ERR unknown',
    );
  });
});
