-- One wrk run that mixes what residents and a reimbursement unit do on a working day.
--
-- Residents (signed in as one resident with a large wallet): the bill list, the list
-- filtered (year, type, status, search), a bill's detail, and authorizing a bill to the
-- unit (the real POST, fresh from face verification). The unit (signed in to its web
-- workspace): the inbox, a claim's page, locking a claim and reporting the reimbursement.
-- A claim is only reported once the response to its lock came back, so every lock and
-- feedback is a request the service should accept: any status >= 400 is an error, and so
-- is a redirect to a login page (a session the server dropped).
--
-- The data (cookies, CSRF tokens, bill and claim ids) comes from a file that
-- bench_load.py writes for the run: `wrk ... -s bench/load_mix.lua <url> -- <data file>`.

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

-- Twenty slots: list 5, detail 5, filters 4, authorize 1, inbox 1, claim page 1, lock 1, feedback 2.
local pattern = {
  "list", "detail", "filter", "lock", "list", "detail", "feedback", "filter", "authorize", "list",
  "detail", "inbox", "filter", "list", "claim", "detail", "feedback", "filter", "list", "detail",
}

local slot, fresh, claims, locked, locking = 0, {}, {}, {}, {}
local next_fresh, next_claim, serial = 1, 1, 0
-- Globals, so done() can read them from each thread.
sent, authorized, locks_ok, done_feedback, to_login = {}, 0, 0, 0, 0

function init(args)
  dofile(args[1])
  local n = DATA.threads
  for i, id in ipairs(DATA.fresh) do
    if i % n == tid then table.insert(fresh, id) end
  end
  for i, claim in ipairs(DATA.claims) do
    if i % n == tid then table.insert(claims, claim) end
  end
  math.randomseed(1000 + tid)
  for _, kind in ipairs(pattern) do sent[kind] = 0 end
end

local function get(path, who)
  local headers = {Cookie = DATA[who .. "_cookie"], ["User-Agent"] = DATA.agent}
  return wrk.format("GET", path, headers)
end

local function post(path, who, body)
  local token = DATA[who .. "_csrf"]
  local headers = {
    Cookie = DATA[who .. "_cookie"],
    ["User-Agent"] = DATA.agent,
    ["X-CSRFToken"] = token,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", path, headers, "csrf_token=" .. token .. "&" .. body)
end

local function lock_next()
  local claim = claims[next_claim]
  if claim == nil then return nil end
  next_claim = next_claim + 1
  locking[claim.id] = claim
  return post("/unit/claims/" .. claim.id .. "/lock", "unit", "")
end

local builders = {
  list = function() return get("/", "resident") end,
  detail = function() return get("/bills/" .. DATA.bills[math.random(#DATA.bills)], "resident") end,
  filter = function() return get(DATA.filters[math.random(#DATA.filters)], "resident") end,
  inbox = function() return get("/unit/", "unit") end,
  claim = function() return get("/unit/claims/" .. DATA.claims[math.random(#DATA.claims)].id, "unit") end,
  authorize = function()
    local bill = fresh[next_fresh]
    if bill == nil then return nil end
    next_fresh = next_fresh + 1
    serial = serial + 1
    local request_id = string.format("bench-load-%d-%08d", tid, serial)
    return post("/authorize/" .. DATA.unit_id .. "/confirm", "resident",
      "bill=" .. bill .. "&request_id=" .. request_id .. "&claim_ref=&note=")
  end,
  lock = lock_next,
  feedback = function()
    local claim = table.remove(locked, 1)
    if claim == nil then return lock_next() end
    return post("/unit/claims/" .. claim.id .. "/feedback", "unit",
      "amount=" .. claim.amount .. "&serial=LOAD-" .. claim.id .. "&voucher=V-" .. claim.id .. "&time=" .. DATA.time)
  end,
}

function request()
  for _ = 1, #pattern do
    slot = slot % #pattern + 1
    local kind = pattern[slot]
    local req = builders[kind]()
    if req ~= nil then
      sent[kind] = sent[kind] + 1
      return req
    end
  end
  return get("/", "resident")
end

function response(status, headers, body)
  if status ~= 303 and status ~= 302 then return end
  local location = headers["Location"] or headers["location"] or ""
  if status == 302 then
    -- A lost session answers every page with a redirect to a login: count it as an error.
    if string.match(location, "/login") then to_login = to_login + 1 end
    return
  end
  local id = tonumber(string.match(location, "/unit/claims/(%d+)$"))
  if id ~= nil and locking[id] ~= nil then
    table.insert(locked, locking[id])
    locking[id] = nil
    locks_ok = locks_ok + 1
  elseif id ~= nil then
    done_feedback = done_feedback + 1
  elseif string.match(location, "/authorizations/receipts/%d+") then
    authorized = authorized + 1
  end
end

function done(summary, latency, requests)
  local totals = {authorized = 0, locks_ok = 0, done_feedback = 0, to_login = 0}
  local kinds = {}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
    local counts = thread:get("sent")
    for kind, count in pairs(counts) do kinds[kind] = (kinds[kind] or 0) + count end
  end
  local errors = summary.errors
  io.write(string.format("mix errors_status %d\n", errors.status))
  io.write(string.format("mix errors_socket %d\n", errors.connect + errors.read + errors.write + errors.timeout))
  io.write(string.format("mix latency_p50_us %d\n", latency:percentile(50)))
  io.write(string.format("mix latency_p99_us %d\n", latency:percentile(99)))
  for kind, count in pairs(kinds) do io.write(string.format("mix sent_%s %d\n", kind, count)) end
  for name, count in pairs(totals) do io.write(string.format("mix ok_%s %d\n", name, count)) end
end
