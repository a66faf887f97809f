-- wrk script: register repair tickets (POST /api/v1/tickets) for rotating units of project 1.
-- Env: KEFU_UNIT_MIN / KEFU_UNIT_MAX (unit ids of project 1), KEFU_SESSION and KEFU_CSRF (a login's
-- cookie value and CSRF token: wrk.format with headers drops wrk's -H headers).
-- wrk runs on the server's two cores: each thread formats its 8,192 requests (every one a
-- different unit number and text) before the run, so that wrk spends its CPU sending them, not
-- in Lua (formatting each in request() took ~12% of the CPU away from the server).
local umin = tonumber(os.getenv("KEFU_UNIT_MIN") or "1")
local umax = tonumber(os.getenv("KEFU_UNIT_MAX") or "100")
local csrf = os.getenv("KEFU_CSRF") or ""
local cookie = "kefu_session=" .. (os.getenv("KEFU_SESSION") or "")
local cats = {"water", "electric", "door_window", "civil"}
local N, threads, reqs, n = 8192, 0, {}, 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
init = function()
  local tid = tonumber(wrk.thread:get("tid")) or 1
  for i = 1, N do
    local k = tid * 1000003 + i
    local unit = umin + (k * 7919) % (umax - umin + 1)
    local body = string.format('{"kind":"home_repair","channel":"phone","unit_id":%d,"caller":"业主",' ..
      '"phone":"13800138000","content":"卫生间漏水，请尽快上门 %d","category":"%s"}', unit, k, cats[k % 4 + 1])
    reqs[i] = wrk.format("POST", "/api/v1/tickets",
      {["Content-Type"] = "application/json", ["X-CSRF-Token"] = csrf, ["Cookie"] = cookie}, body)
  end
end
request = function()
  n = n % N + 1
  return reqs[n]
end
