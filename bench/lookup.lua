-- wrk script: the counter lookup with a mix of what people type at the front desk:
-- room numbers, 1–3 character Chinese names, 4-digit phone fragments and plate fragments.
local terms = {
  "1502", "3-1502", "3-2-1502", "801", "12-1-2301", "2002",
  "%E5%BC%A0", "%E7%8E%8B", "%E6%9D%8E", "%E5%BC%A0%E4%BC%9F", "%E7%8E%8B%E8%8A%B3",
  "%E6%9D%8E%E5%A8%9C", "%E5%88%98%E5%BB%BA%E5%9B%BD", "%E9%99%88%E7%A7%80%E8%8B%B1",
  "1381", "5678", "1390", "0012", "8808",
  "%E7%B2%A4A", "%E7%B2%A4AA", "A12", "B7",
}
local i = 0
request = function()
  i = i % #terms + 1
  return wrk.format("GET", "/api/v1/lookup?q=" .. terms[i])
end
