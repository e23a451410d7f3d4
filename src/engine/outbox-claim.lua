-- outbox-claim: takes one delivery for sending, compare-and-set, with a lease.
-- KEYS[1]: the delivery hash (dn:{plan}:d:<id>)
-- ARGV[1]: now (epoch ms); ARGV[2]: lease length (ms); ARGV[3]: the claimant's id
-- Returns: {'claimed', attempts}   status was queued or held (or sending with its lease
--                                  run out: the sender died) and notBefore has come;
--                                  now sending, attempts counted, leased to ARGV[3]
--        | {'done', status}        sent or failed: never sent again
--        | {'busy', leaseEnd}      another sender holds a live lease
--        | {'early', notBefore}    not yet (quiet hours, a backoff)
--        | {'missing'}             no such delivery
local h = redis.call('HMGET', KEYS[1], 'status', 'notBefore', 'lease')
local status, notBefore, lease = h[1], tonumber(h[2] or '0'), tonumber(h[3] or '0')
local now = tonumber(ARGV[1])
if not status then return {'missing'} end
if status == 'sent' or status == 'failed' then return {'done', status} end
if status == 'sending' and lease > now then return {'busy', tostring(lease)} end
if notBefore > now then return {'early', tostring(notBefore)} end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'status', 'sending', 'lease', now + tonumber(ARGV[2]), 'holder', ARGV[3])
return {'claimed', tostring(attempts)}
