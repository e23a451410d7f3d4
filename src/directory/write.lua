--[[
  One change to the directory, applied only if no other change landed since it was
  computed (optimistic concurrency: the caller re-reads and recomputes on -1).

  KEYS[1]   the directory's version counter
  KEYS[2…]  the keys the ops write (all under the same {dir} hash tag)
  ARGV[1]   the version the change was computed from ('0' when the counter is unset)
  ARGV[2…]  the ops, one after another, each as: name, key index (into KEYS), n, then n arguments;
            name is one of hset, hdel, sadd, srem, rpush

  Returns:  the new version (an integer >= 1) when written;
            -1 when the version moved (nothing written);
            an error when an op is malformed (nothing written: every op is checked first).
]]
local ALLOWED = { hset = true, hdel = true, sadd = true, srem = true, rpush = true }

local ops = {}
local i = 2
while i <= #ARGV do
  local name, key, n = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  if not ALLOWED[name] then return redis.error_reply('directory write: unknown op ' .. tostring(name)) end
  if not key or key < 2 or key > #KEYS then return redis.error_reply('directory write: bad key index for ' .. name) end
  if not n or n < 1 or i + 2 + n > #ARGV then return redis.error_reply('directory write: bad argument count for ' .. name) end
  local args = {}
  for j = 1, n do args[j] = ARGV[i + 2 + j] end
  ops[#ops + 1] = { name, KEYS[key], args }
  i = i + 3 + n
end

local current = redis.call('GET', KEYS[1]) or '0'
if current ~= ARGV[1] then return -1 end

for _, op in ipairs(ops) do
  redis.call(op[1], op[2], unpack(op[3]))
end
return redis.call('INCR', KEYS[1])
