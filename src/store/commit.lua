-- commit: apply one batch of writes to a single plan's keys, only if every entity
-- is still the state it was read as. All-or-nothing: every check and every
-- argument is verified before the first write, so a bad batch writes nothing.
--
-- KEYS: every key the batch touches (all share the plan's hash tag).
-- ARGV[1]: JSON { c = checks, o = ops }; ARGV[2..]: values the ops point to (v)
--   checks: { {k, ver, cas}, ... }  HGET KEYS[k] 'ver' must equal ver (0: must not
--           exist) and HGET KEYS[k] 'cas' must equal cas ('' when the entity has no
--           stamp yet). The stamp is random per commit, so a state Redis lost and
--           rewrote under the same ver does not pass for the one read earlier.
--   ops:    { {'hset', k, field, v, field, v, ...},
--             {'del', k}, {'sadd', k, member}, {'srem', k, member},
--             {'zadd', k, score, member}, {'zrem', k, member}, {'rpush', k, v},
--             {'hist', k, v, firstK?, anchorK?},
--             {'notice', k, v, score, member, {inboxK...}, {openK...}, outbox?},
--             {'ack', noticeK, field, v(time), openK, member, histK, v(entry), firstK?, anchorK?},
--             {'wake', timersK, wakeK} }
--   Large values (snapshots, history, notices) travel in ARGV so they are not
--   escaped inside the JSON and decoded again.
--   'notice' writes the notice hash only if it does not exist yet, and only then
--   files it in its recipients' inboxes: a notice is created at most once.
--   Its optional outbox { dueK, allK, indexK, { {k, v(doc), notBefore, member, status}, ... } }
--   records the notice's deliveries in that same branch (the transactional outbox,
--   src/engine/outbox.ts): each delivery hash gets doc, status (queued|held),
--   attempts 0 and notBefore; its id joins the due set (score notBefore), the plan's
--   list of deliveries (score: the notice's) and the notice's index. A notice that
--   already existed records none: its deliveries were recorded when it was created.
--   'hist' appends a history entry (a JSON object) chained to the one before it:
--   the stored entry is the object with ,"prev":P,"hash":H added before its closing
--   brace, where P is the previous entry's hash ('' for the first) and
--   H = sha1(P .. '\n' .. entry as given). Editing any entry breaks the chain from
--   there on (duban audit verify). With firstK (a task's hash), the task's first
--   entry is stored in that hash's field h0 instead, and the list holds the rest.
--   firstK may be 0: none. The trail's length is counted in the field hn of anchorK
--   (by default firstK: a task's hash; the plan passes its own hash), so that removing
--   the newest entries, which leaves the chain intact, still shows (duban audit verify).
--   A trail stored before the count is counted once, whole, at its next entry; an
--   anchor hash that does not exist yet is not created for it.
--   'ack' records a recipient's acknowledgement of a notice once (HSETNX of the
--   field), takes it out of their open inbox and, only when it is new, appends the
--   given history entry to the trail.
--   'wake' (last, after the timer index changed): reads the lowest score of the timer
--   index; when it differs from the stored wake time, stores it and returns it, so the
--   caller arms the plan's wake-up job for it. An empty index deletes the wake time.
-- Returns: {'ok', wake, next, createdNoticeMember...}
--          wake: '' or the new wake time to arm; next: '' or the lowest score of the index
--        | {'conflict', k}            an entity changed since it was read
--        | {'invalid', i, reason}     op i (1-based) is malformed; nothing was written
local batch = cjson.decode(ARGV[1])

local function isKey(i)
  return type(i) == 'number' and KEYS[i] ~= nil
end
local function isValue(i)
  return type(i) == 'number' and ARGV[i] ~= nil and i >= 2
end
-- A finite number: not nil, not cjson.null, not NaN, not infinite.
local function isScore(x)
  local n = tonumber(x)
  return n ~= nil and n == n and n ~= math.huge and n ~= -math.huge
end
local function isMember(x)
  return type(x) == 'string' or type(x) == 'number'
end
local function isObject(i)
  return isValue(i) and string.sub(ARGV[i], 1, 1) == '{' and string.sub(ARGV[i], -1) == '}'
end
-- Appends entry (a JSON object string) to list key, chained to the last entry's hash.
local function chained(prev, entry)
  local hash = redis.sha1hex(prev .. '\n' .. entry)
  return string.sub(entry, 1, -2) .. ',"prev":"' .. prev .. '","hash":"' .. hash .. '"}'
end
local function hashOf(stored)
  return string.match(stored, '"hash":"(%x+)"}$') or ''
end
-- firstKey (a task's hash, optional): a task's first entry is kept in its hash's field
-- h0 rather than in a list of its own (one key less per task); its later entries go to
-- the list, the first of them chained to h0. A task whose list already has entries
-- (stored by an earlier build) goes on in its list.
local function appendTo(key, entry, firstKey)
  local last = redis.call('LINDEX', key, -1)
  if last then
    redis.call('RPUSH', key, chained(hashOf(last), entry))
    return
  end
  if firstKey and redis.call('EXISTS', firstKey) == 1 then
    local first = redis.call('HGET', firstKey, 'h0')
    if not first then
      redis.call('HSET', firstKey, 'h0', chained('', entry))
      return
    end
    redis.call('RPUSH', key, chained(hashOf(first), entry))
    return
  end
  redis.call('RPUSH', key, chained('', entry))
end
local function appendChained(key, entry, firstKey, anchorKey)
  appendTo(key, entry, firstKey)
  if not anchorKey then return end
  -- Counted already: one more (the usual case, two calls).
  if redis.call('HEXISTS', anchorKey, 'hn') == 1 then
    redis.call('HINCRBY', anchorKey, 'hn', 1)
    return
  end
  if redis.call('EXISTS', anchorKey) == 0 then return end
  local n = redis.call('LLEN', key)
  if firstKey and redis.call('HEXISTS', firstKey, 'h0') == 1 then n = n + 1 end
  redis.call('HSET', anchorKey, 'hn', n)
end
-- An optional key argument: nil or 0 is none.
local function optKey(i)
  if i == nil or i == 0 then return nil end
  return KEYS[i]
end
local function isOptKey(i)
  return i == nil or i == 0 or isKey(i)
end

-- Pass 1: validate everything, write nothing.
for i, op in ipairs(batch.o) do
  local name = op[1]
  local bad = nil
  if not isKey(op[2]) then
    bad = 'unknown key'
  elseif name == 'hset' then
    if #op < 4 or #op % 2 ~= 0 then bad = 'hset needs field/value pairs' end
    for j = 3, #op, 2 do
      if not isMember(op[j]) or not isValue(op[j + 1]) then bad = 'hset field or value missing' end
    end
  elseif name == 'del' then
    bad = nil
  elseif name == 'sadd' or name == 'srem' or name == 'zrem' then
    if not isMember(op[3]) then bad = name .. ' member missing' end
  elseif name == 'zadd' then
    if not isScore(op[3]) then
      bad = 'zadd score is not a finite number'
    elseif not isMember(op[4]) then
      bad = 'zadd member missing'
    end
  elseif name == 'rpush' then
    if not isValue(op[3]) then bad = 'rpush value missing' end
  elseif name == 'hist' then
    if not isObject(op[3]) then
      bad = 'hist entry is not a JSON object'
    elseif not isOptKey(op[4]) then
      bad = 'hist first-entry key unknown'
    elseif not isOptKey(op[5]) then
      bad = 'hist anchor key unknown'
    end
  elseif name == 'wake' then
    if not isKey(op[3]) then bad = 'wake key missing' end
  elseif name == 'ack' then
    if not isMember(op[3]) or not isValue(op[4]) or not isKey(op[5]) or not isMember(op[6]) or not isKey(op[7]) or not isObject(op[8]) then
      bad = 'ack arguments missing'
    elseif not isOptKey(op[9]) then
      bad = 'ack first-entry key unknown'
    elseif not isOptKey(op[10]) then
      bad = 'ack anchor key unknown'
    end
  elseif name == 'notice' then
    if not isValue(op[3]) then
      bad = 'notice document missing'
    elseif not isScore(op[4]) then
      bad = 'notice score is not a finite number'
    elseif not isMember(op[5]) or type(op[6]) ~= 'table' or type(op[7]) ~= 'table' then
      bad = 'notice member or inboxes missing'
    else
      for _, k in ipairs(op[6]) do if not isKey(k) then bad = 'notice inbox key unknown' end end
      for _, k in ipairs(op[7]) do if not isKey(k) then bad = 'notice inbox key unknown' end end
      local ob = op[8]
      if ob ~= nil then
        if type(ob) ~= 'table' or not isKey(ob[1]) or not isKey(ob[2]) or not isKey(ob[3]) or type(ob[4]) ~= 'table' then
          bad = 'notice outbox malformed'
        else
          for _, d in ipairs(ob[4]) do
            if type(d) ~= 'table' or not isKey(d[1]) or not isObject(d[2]) or not isScore(d[3]) or not isMember(d[4])
              or (d[5] ~= 'queued' and d[5] ~= 'held') then
              bad = 'notice outbox delivery malformed'
            end
          end
        end
      end
    end
  else
    bad = 'unknown op ' .. tostring(name)
  end
  if bad then
    return {'invalid', tostring(i), bad}
  end
end

-- Pass 2: compare-and-set.
for _, check in ipairs(batch.c) do
  local state = redis.call('HMGET', KEYS[check[1]], 'ver', 'cas')
  local ver = tonumber(state[1] or '0')
  local cas = state[2] or ''
  if ver ~= check[2] or cas ~= (check[3] or '') then
    return {'conflict', tostring(check[1])}
  end
end

-- Pass 3: write.
local result = {'ok', '', ''}
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
  elseif name == 'hist' then
    appendChained(key, ARGV[op[3]], optKey(op[4]), optKey(op[5]) or optKey(op[4]))
  elseif name == 'wake' then
    local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local wakeKey = KEYS[op[3]]
    if #first == 0 then
      redis.call('DEL', wakeKey)
    else
      local at = first[2]
      result[3] = at
      if redis.call('GET', wakeKey) ~= at then
        redis.call('SET', wakeKey, at)
        result[2] = at
      end
    end
  elseif name == 'ack' then
    if redis.call('HSETNX', key, op[3], ARGV[op[4]]) == 1 then
      redis.call('SREM', KEYS[op[5]], op[6])
      appendChained(KEYS[op[7]], ARGV[op[8]], optKey(op[9]), optKey(op[10]) or optKey(op[9]))
      result[#result + 1] = op[6]
    end
  elseif name == 'notice' then
    if redis.call('HSETNX', key, 'doc', ARGV[op[3]]) == 1 then
      for _, k in ipairs(op[6]) do redis.call('ZADD', KEYS[k], op[4], op[5]) end
      for _, k in ipairs(op[7]) do redis.call('SADD', KEYS[k], op[5]) end
      local ob = op[8]
      if ob ~= nil then
        for _, d in ipairs(ob[4]) do
          redis.call('HSET', KEYS[d[1]], 'doc', ARGV[d[2]], 'status', d[5], 'attempts', 0, 'notBefore', d[3])
          redis.call('ZADD', KEYS[ob[1]], d[3], d[4])
          redis.call('ZADD', KEYS[ob[2]], op[4], d[4])
          redis.call('SADD', KEYS[ob[3]], d[4])
        end
      end
      result[#result + 1] = op[5]
    end
  end
end
return result
