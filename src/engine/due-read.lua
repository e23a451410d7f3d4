-- due-read: the first read of a plan's wake-up in one round trip. Reads only; what it
-- returns is checked again by the commit (compare-and-set), like any read.
--
-- KEYS[1]: the plan's timer index; KEYS[2]: the plan's hash.
-- ARGV[1]: now (ms); ARGV[2]: index entries to read at most;
-- ARGV[3]: the key of task T is ARGV[3] .. T (the plan's hash tag: the same slot);
-- ARGV[4]: read the hashes only when the due entries name at most this many tasks
--          (a small wake-up; a burst reads its tasks in batches, as before);
-- ARGV[5]: the plan revision whose definition the caller holds ('' none);
-- ARGV[6]: the plan entity's name (its timers are not tasks);
-- ARGV[7..]: the task hash fields to read.
-- Returns { due, ids, hashes, rev, def }:
--   due: the index entries due by now, flat (member, score, ...), as ZRANGEBYSCORE gives;
--   ids, hashes: the tasks the entries name and each one's fields in ARGV order (empty
--   when there are more than ARGV[4] of them);
--   rev: the plan's revision (false when the plan is gone);
--   def: the plan's definition when rev differs from ARGV[5], else false.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local ids = {}
local seen = {}
for i = 1, #due, 2 do
  local entity = string.match(due[i], '^(.-)|')
  if entity and entity ~= ARGV[6] and not seen[entity] then
    seen[entity] = true
    ids[#ids + 1] = entity
  end
end
local hashes = {}
if #ids <= tonumber(ARGV[4]) then
  local fields = {}
  for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
  for i = 1, #ids do hashes[i] = redis.call('HMGET', ARGV[3] .. ids[i], unpack(fields)) end
else
  ids = {}
end
local rev = redis.call('HGET', KEYS[2], 'rev')
local def = false
if rev and rev ~= ARGV[5] then def = redis.call('HGET', KEYS[2], 'def') end
return { due, ids, hashes, rev, def }
