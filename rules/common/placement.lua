-- placement.lua: share placements (配售): the event, and its gross
-- proceeds, net proceeds and number of shares as metrics.  A sentence may
-- tell two placements ("6月27日…配售…；12月11日再度宣布配售…"): each 配售
-- takes the date before it and the figures after it, up to the next one.
local lib = require "lib.common"

local GROSS = { "配售金额", "集资额", "所得款项总额", "募资", "筹资", "筹集", "gross proceeds", "raised", "raising" }
local NET = { "净额", "净筹", "所得款项净额", "net proceeds" }

-- Which kind of figure a money amount is, from the words just before it.
local function role(s, m, from)
  local before = s:between(from, m)
  before = before:sub(math.max(1, #before - 30))
  for _, w in ipairs(NET) do if before:find(w, 1, true) then return "net" end end
  for _, w in ipairs(GROSS) do if before:find(w, 1, true) then return "gross" end end
  return nil
end

local NAMES = { gross = "placement_proceeds", net = "placement_proceeds_net" }

local function one(s, kw, stop, date)
  local entity = s:subject(kw)
  local found = false
  local from = kw
  for _, q in ipairs(s:quantities()) do
    if q.start >= kw.stop and q.start < stop then
      local name
      if q.kind == "quantity" and q.unit == "股" then name = "placement_shares"
      elseif q.kind == "money" then name = NAMES[role(s, q, from) or ""] end
      if name then
        s:emit{ kind = "metric", name = name, entity = entity, date = date, value = q.value,
                unit = q.unit, qualifier = q.qualifier, evidence = { kw, q },
                key = name .. "|" .. (entity or "?") .. "|" .. (date or "") .. "|" .. q.value }
        found = true
        from = q
      end
    end
  end
  return found
end

return rule {
  name = "share_placement",
  description = "share placements with proceeds, net proceeds, share count and date",
  keywords = { "配售", "配股", "placement", "placing" },
  sentence = function(s)
    local hits = {}
    for kw in s:hits() do hits[#hits + 1] = kw end
    for i, kw in ipairs(hits) do
      local stop = hits[i + 1] and hits[i + 1].start or s.stop
      local date = lib.when(s, kw)
      local figures = one(s, kw, stop, date)
      if date or figures then
        lib.event(s, kw, "share_placement", nil, date or s:period(kw) or "")
      end
    end
  end,
}
