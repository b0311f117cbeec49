-- revenue.lua: replaces the common pack's revenue rule for wire copy, where
-- the figure comes late in a long sentence: "revenue for the first half of
-- 2024 rose 21% to 1.74 billion yuan ($241 million)".  The period is the
-- one named after the keyword ("for the first half of 2024"), never the
-- dateline's day; an amount in brackets right after the figure is its
-- conversion into another currency, kept as `converted`.
local VERBS = { "rose", "fell", "grew", "increased", "decreased", "jumped", "dropped", "climbed",
                "slipped", "declined", "gained", "surged", "slumped", "was", "were", "of", "totalled",
                "totaled", "reached", "came in at" }

local function period_of(s, kw)
  local before
  local periods = s:quantities("period")
  for i = 1, #periods do
    local q = periods[i]
    if q.start >= kw.stop and q.period then return q.period end
    if q.stop <= kw.start and q.period then before = q.period end
  end
  return before
end

return rule {
  name = "revenue",
  description = "revenue in wire phrasing, with its period, change and converted amount",
  keywords = { "revenue", "revenues", "sales", "turnover" },
  sentence = function(s)
    for kw in s:hits() do
      local change = s:quantity_after(kw, 60, "percent")
      local from = change and change.change and change or kw
      local m = s:money_after(from, change and 8 or 40)
      local between = m and s:between(kw, m)
      if m and words.has_any(between, VERBS) and not between:find("[;.]") then
        local conv = s:money_after(m, 3)
        if conv and not s:between(m, conv):find("^%s*%(") then conv = nil end
        s:emit{ kind = "metric", name = "revenue", entity = s:subject(kw), period = period_of(s, kw),
                value = m.value, unit = m.unit, qualifier = m.qualifier,
                change = change and change.change and change.value or nil,
                converted = conv and conv.value or nil, converted_unit = conv and conv.unit or nil,
                evidence = { kw, m } }
        return
      end
    end
  end,
}
