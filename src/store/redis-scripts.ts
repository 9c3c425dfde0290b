// Lua scripts run atomically by Redis: each read-compare-write below is one step for the cluster.

/**
 * KEYS[1] credential; ARGV: json, fetchedAt, ttlMs, channel, key, value. 1 when stored: when it
 * is newer than the stored one by isNewerCredential (fetchedAt, then value).
 */
export const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and tonumber(decoded.fetchedAt) then
    local held, given = tonumber(decoded.fetchedAt), tonumber(ARGV[2])
    if held > given or (held == given and tostring(decoded.value) >= ARGV[6]) then
      return 0
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`;

/** KEYS[1] credential; ARGV[1] value. 1 when the stored credential had that value and is gone. */
export const DELETE_IF_VALUE = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, decoded = pcall(cjson.decode, current)
if ok and type(decoded) == 'table' and decoded.value == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`;

/** KEYS[1] lock; ARGV[1] lease id. Deletes the lock only if that lease still holds it. */
export const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** KEYS[1] lock; ARGV: lease id, lease ms. 1 when that lease still held the lock and now lasts. */
export const EXTEND_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** KEYS[1] counter; ARGV[1] ttl ms. The new count; the ttl starts with the first increment. */
export const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/**
 * KEYS[1] a probe key; ARGV[1] its value. A write that leaves nothing behind: Redis refuses the
 * SET (READONLY, OOM, …) exactly as it would refuse the store's own writes.
 */
export const PROBE_WRITE = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', 1000)
redis.call('DEL', KEYS[1])
return 1`;
