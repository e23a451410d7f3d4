-- outbox-resend: puts a failed delivery back in the queue under the same id (the office's 重新发送).
-- KEYS[1]: the delivery hash; KEYS[2]: the plan's due set; KEYS[3]: the plan's failed set
-- ARGV[1]: the delivery id; ARGV[2]: now
-- Only a failed delivery goes again: one sent is never sent twice, one queued is on its way.
-- Its attempts start again from 0; its last answer stays until the next try replaces it.
-- Returns: {'ok'} | {'refused', status} | {'missing'}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if status ~= 'failed' then return {'refused', status} end
redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', 0, 'notBefore', ARGV[2])
redis.call('HDEL', KEYS[1], 'failedAt')
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
return {'ok'}
