-- rd_expense.lua: R&D spending.  Keeps which measure the text stated
-- (研发费用 is expensed R&D; 研发投入 may include capitalised spend) and the
-- scope (母公司, the parent company alone).  Handles lists over years
-- ("2018年至2023年…研发分别投入8.49亿元、19.16亿元…") as one fact per year,
-- and totals ("累计投入163亿元") with the interval period.
local lib = require "lib.common"

local MEASURE = {
  ["研发费用"] = "研发费用", ["研发开支"] = "研发支出", ["研发支出"] = "研发支出",
  ["研发投入"] = "研发投入", ["研发"] = "研发投入",
  ["r&d expenses"] = "研发费用", ["r&d expense"] = "研发费用", ["r&d spending"] = "研发投入",
  ["research and development expenses"] = "研发费用",
}

local function scope(s, kw)
  if s:before(kw, 8):find("母公司") then return "parent" end
  return nil
end

-- "研发分别投入8.49亿元、19.16亿元…" with an interval period in force.
local function yearly_list(s, kw)
  local after = s:after(kw, 6)
  if not after:find("^分别") and not after:find("^投入分别") then return false end
  local period = s:period(kw)
  local years = lib.years(period)
  local amounts = lib.money_list(s, kw)
  if not years or #years ~= #amounts then return false end
  for i, m in ipairs(amounts) do
    s:emit{ kind = "metric", name = "rd_expense", entity = s:subject(kw), period = years[i],
            value = m.value, unit = m.unit, qualifier = m.qualifier, measure = "研发投入",
            evidence = { kw, m } }
  end
  return true
end

-- "累计投入达到163亿元": the total over the interval in force.
local function total(s)
  for kw in s:hits("累计投入") do
    local m = lib.amount_after(s, kw, 8)
    local period = s:period(kw)
    if m and lib.years(period) then
      s:emit{ kind = "metric", name = "rd_expense", entity = s:subject(kw), period = period,
              value = m.value, unit = m.unit, qualifier = m.qualifier, measure = "研发投入",
              total = true, evidence = { kw, m } }
    end
  end
end

-- "研发费率超过70%", "研发投入占营收比例为…": the ratio as the text states it.
local function stated_ratio(s)
  for kw in s:hits() do
    if kw.keyword == "研发费率" or kw.keyword == "研发费用率" or kw.keyword == "研发投入占比" then
      local q = s:quantity_after(kw, 10, "percent")
      if q and q.unit == "%" and not s:between(kw, q):find("营收的") then
        local before = s:before(kw, 4)
        s:emit{ kind = "ratio", name = "rd_to_revenue", entity = s:subject(kw), period = s:period(kw),
                value = q.value / 100, qualifier = q.qualifier, stated = true,
                average = before:find("平均") and true or nil, evidence = { kw, q } }
      end
    end
  end
end

return rule {
  name = "rd_expense",
  description = "R&D expense or investment, yearly lists and totals, stated R&D ratios",
  keywords = { "研发费用", "研发投入", "研发支出", "研发开支", "研发", "累计投入",
               "研发费率", "研发费用率", "研发投入占比",
               "R&D expenses", "R&D expense", "R&D spending", "research and development expenses" },
  sentence = function(s)
    stated_ratio(s)
    local listed = false
    for kw in s:hits() do
      if kw.keyword == "研发" then
        listed = yearly_list(s, kw) or listed
      end
    end
    if listed then total(s) return end
    total(s)
    for kw in s:hits() do
      local measure = MEASURE[kw.keyword] or MEASURE[kw.keyword:lower()]
      if measure and kw.keyword ~= "研发" then
        local m, change = lib.amount_after(s, kw, 12)
        if m then
          change = change or lib.change_after(s, m)
          local f = lib.money_fields("rd_expense", s, kw, m, { measure = measure, scope = scope(s, kw) })
          f.change = lib.change_value(change)
          s:emit(f)
        end
      end
    end
  end,
}
