-- commit: apply one batch of writes to a single plan's keys, only if every entity
-- is still at the version it was read at. All-or-nothing: checks run before any write.
--
-- KEYS: every key the batch touches (all share the plan's hash tag).
-- ARGV[1]: JSON { c = checks, o = ops }; ARGV[2..]: values the ops point to (v)
--   checks: { {k, ver}, ... }  HGET KEYS[k] 'ver' must equal ver (0: must not exist)
--   ops:    { {'hset', k, field, v, field, v, ...},
--             {'del', k}, {'sadd', k, member}, {'srem', k, member},
--             {'zadd', k, score, member}, {'zrem', k, member}, {'rpush', k, v},
--             {'notice', k, v, score, member, {inboxK...}, {openK...}} }
--   Large values (snapshots, history, notices) travel in ARGV so they are not
--   escaped inside the JSON and decoded again.
--   'notice' writes the notice hash only if it does not exist yet, and only then
--   files it in its recipients' inboxes: a notice is created at most once.
-- Returns: {'ok', createdNoticeMember...} | {'conflict', k}
local batch = cjson.decode(ARGV[1])
for _, check in ipairs(batch.c) do
  local current = tonumber(redis.call('HGET', KEYS[check[1]], 'ver') or '0')
  if current ~= check[2] then
    return {'conflict', tostring(check[1])}
  end
end
local result = {'ok'}
for _, op in ipairs(batch.o) do
  local name, key = op[1], KEYS[op[2]]
  if name == 'hset' then
    local args = {}
    for i = 3, #op, 2 do
      args[#args + 1] = op[i]
      args[#args + 1] = ARGV[op[i + 1]]
    end
    redis.call('HSET', key, unpack(args))
  elseif name == 'del' then
    redis.call('DEL', key)
  elseif name == 'sadd' then
    redis.call('SADD', key, op[3])
  elseif name == 'srem' then
    redis.call('SREM', key, op[3])
  elseif name == 'zadd' then
    redis.call('ZADD', key, op[3], op[4])
  elseif name == 'zrem' then
    redis.call('ZREM', key, op[3])
  elseif name == 'rpush' then
    redis.call('RPUSH', key, ARGV[op[3]])
  elseif name == 'notice' then
    if redis.call('HSETNX', key, 'doc', ARGV[op[3]]) == 1 then
      for _, k in ipairs(op[6]) do redis.call('ZADD', KEYS[k], op[4], op[5]) end
      for _, k in ipairs(op[7]) do redis.call('SADD', KEYS[k], op[5]) end
      result[#result + 1] = op[5]
    end
  else
    return redis.error_reply('commit: unknown op ' .. tostring(name))
  end
end
return result
