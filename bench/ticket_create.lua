-- wrk script: register repair tickets (POST /api/v1/tickets) for rotating units of project 1.
-- Env: KEFU_UNIT_MIN / KEFU_UNIT_MAX (unit ids of project 1), KEFU_SESSION and KEFU_CSRF (a login's
-- cookie value and CSRF token: wrk.format with headers drops wrk's -H headers).
local umin = tonumber(os.getenv("KEFU_UNIT_MIN") or "1")
local umax = tonumber(os.getenv("KEFU_UNIT_MAX") or "100")
local csrf = os.getenv("KEFU_CSRF") or ""
local cookie = "kefu_session=" .. (os.getenv("KEFU_SESSION") or "")
local n = 0
local cats = {"water", "electric", "door_window", "civil"}
request = function()
  n = n + 1
  local unit = umin + (n * 7919) % (umax - umin + 1)
  local body = string.format('{"kind":"home_repair","channel":"phone","unit_id":%d,"caller":"业主",' ..
    '"phone":"13800138000","content":"卫生间漏水，请尽快上门 %d","category":"%s"}', unit, n, cats[n % 4 + 1])
  return wrk.format("POST", "/api/v1/tickets",
    {["Content-Type"] = "application/json", ["X-CSRF-Token"] = csrf, ["Cookie"] = cookie}, body)
end
