-- doc-numbers: the 文号 of one series (机关代字〔年份〕序号), allocated in order, each
-- number once. All keys of a series share its hash tag, so one call is atomic.
--
-- KEYS[1] notices  hash  noticeId -> "year:n", every year of the series
-- KEYS[2] counter  string the last number issued in the year (INCR)
-- KEYS[3] numbers  hash  n -> noticeId, for the year: who holds each number
-- KEYS[4] voids    hash  n -> JSON {noticeId, reason, by, at}, for the year
-- ARGV[1] op
--   'allocate'  ARGV[2] noticeId, ARGV[3] year
--     Returns {year, n, 1} for a number issued now, or {year, n, 0} for the number the
--     notice already holds (possibly of another year: a notice is numbered once).
--     INCR and both hash writes happen in this one script, so no number is skipped
--     unless a void records why.
--   'void'      ARGV[2] n, ARGV[3] JSON {reason, by, at}
--     Records number n of the year as void (作废). The notice loses it, so issuing that
--     notice again takes a new number; n is never issued again.
--     Returns {'ok', noticeId} | {'unissued'} (n was never issued) | {'void'} (already void)
local op = ARGV[1]
if op == 'allocate' then
  local held = redis.call('HGET', KEYS[1], ARGV[2])
  if held then
    local colon = string.find(held, ':', 1, true)
    return { tonumber(string.sub(held, 1, colon - 1)), tonumber(string.sub(held, colon + 1)), 0 }
  end
  local n = redis.call('INCR', KEYS[2])
  redis.call('HSET', KEYS[3], n, ARGV[2])
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3] .. ':' .. n)
  return { tonumber(ARGV[3]), n, 1 }
elseif op == 'void' then
  local noticeId = redis.call('HGET', KEYS[3], ARGV[2])
  if not noticeId then return { 'unissued' } end
  if redis.call('HEXISTS', KEYS[4], ARGV[2]) == 1 then return { 'void' } end
  local record = cjson.decode(ARGV[3])
  record['noticeId'] = noticeId
  redis.call('HSET', KEYS[4], ARGV[2], cjson.encode(record))
  local held = redis.call('HGET', KEYS[1], noticeId)
  local year = string.match(KEYS[4], ':voids:(%d+)$')
  if held == (year .. ':' .. ARGV[2]) then redis.call('HDEL', KEYS[1], noticeId) end
  return { 'ok', noticeId }
end
return redis.error_reply('doc-numbers: unknown op ' .. tostring(op))
