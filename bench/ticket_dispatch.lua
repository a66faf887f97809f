-- wrk script: dispatch pending tickets (POST /api/v1/tickets/{id}/actions/dispatch), each id once.
-- Env: KEFU_TICKET_MIN (first pending id), KEFU_TECH (technician user id), KEFU_SESSION, KEFU_CSRF.
-- Each wrk thread takes every Nth id (N = KEFU_THREADS, default 2), so no id is dispatched twice.
-- Like ticket_create.lua, the requests are formatted before the run (PRE of them a thread; more
-- are formatted as they are sent).
local first = tonumber(os.getenv("KEFU_TICKET_MIN") or "1")
local tech = os.getenv("KEFU_TECH") or "6"
local csrf = os.getenv("KEFU_CSRF") or ""
local cookie = "kefu_session=" .. (os.getenv("KEFU_SESSION") or "")
local step = tonumber(os.getenv("KEFU_THREADS") or "2")
local PRE, counter, reqs, k = 60000, 0, {}, 0
setup = function(thread)
  thread:set("offset", counter)
  counter = counter + 1
end
local function format(i)
  local id = first + offset + i * step
  return wrk.format("POST", "/api/v1/tickets/" .. id .. "/actions/dispatch",
    {["Content-Type"] = "application/json", ["X-CSRF-Token"] = csrf, ["Cookie"] = cookie},
    '{"technician_id":' .. tech .. ',"note":"bench"}')
end
init = function()
  for i = 0, PRE - 1 do reqs[i] = format(i) end
end
request = function()
  local r = reqs[k] or format(k)
  reqs[k] = nil
  k = k + 1
  return r
end
