-- wrk script: dispatch pending tickets (POST /api/v1/tickets/{id}/actions/dispatch), each id once.
-- Env: KEFU_TICKET_MIN (first pending id), KEFU_TECH (technician user id), KEFU_SESSION, KEFU_CSRF.
-- Each wrk thread takes every Nth id (N = KEFU_THREADS, default 2), so no id is dispatched twice.
local first = tonumber(os.getenv("KEFU_TICKET_MIN") or "1")
local tech = os.getenv("KEFU_TECH") or "6"
local csrf = os.getenv("KEFU_CSRF") or ""
local cookie = "kefu_session=" .. (os.getenv("KEFU_SESSION") or "")
local step = tonumber(os.getenv("KEFU_THREADS") or "2")
local counter = 0
setup = function(thread)
  thread:set("offset", counter)
  counter = counter + 1
end
local k = 0
request = function()
  local id = first + offset + k * step
  k = k + 1
  return wrk.format("POST", "/api/v1/tickets/" .. id .. "/actions/dispatch",
    {["Content-Type"] = "application/json", ["X-CSRF-Token"] = csrf, ["Cookie"] = cookie},
    '{"technician_id":' .. tech .. ',"note":"bench"}')
end
