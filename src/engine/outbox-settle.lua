-- outbox-settle: records what the channel answered to one attempt.
-- KEYS[1]: the delivery hash; KEYS[2]: the plan's due set; KEYS[3]: the plan's failed set
-- ARGV[1]: the claimant's id; ARGV[2]: 'sent' | 'retry' | 'failed'; ARGV[3]: the delivery id;
-- ARGV[4]: now; ARGV[5]: notBefore of the next try (retry); ARGV[6]: the answer (JSON, '' none);
-- ARGV[7]: the reason (JSON Text, '' none); ARGV[8]: message id ('' none); ARGV[9]: note (JSON, '' none)
-- A 'sent' is always recorded unless the delivery is already sent: it is a fact, and it
-- stops every further try. A 'retry' or 'failed' is recorded only by the claimant that
-- still holds the delivery (another may have taken it over after the lease ran out).
-- Returns: {'ok', status} | {'lost', status}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'lost', 'missing'} end
local outcome = ARGV[2]
local function opt(field, v)
  if v ~= '' then redis.call('HSET', KEYS[1], field, v) else redis.call('HDEL', KEYS[1], field) end
end
if outcome == 'sent' then
  if status == 'sent' then return {'lost', status} end
  redis.call('HSET', KEYS[1], 'status', 'sent', 'sentAt', ARGV[4])
  opt('answer', ARGV[6]); opt('messageId', ARGV[8]); opt('note', ARGV[9])
  redis.call('HDEL', KEYS[1], 'lease', 'holder', 'reason')
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('SREM', KEYS[3], ARGV[3])
  return {'ok', 'sent'}
end
if status ~= 'sending' or redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return {'lost', status} end
opt('answer', ARGV[6]); opt('reason', ARGV[7])
redis.call('HDEL', KEYS[1], 'lease', 'holder')
if outcome == 'retry' then
  redis.call('HSET', KEYS[1], 'status', 'queued', 'notBefore', ARGV[5])
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[3])
  return {'ok', 'queued'}
end
redis.call('HSET', KEYS[1], 'status', 'failed', 'failedAt', ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[3])
return {'ok', 'failed'}
