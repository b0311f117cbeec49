-- rd_expense.lua: R&D spending.  Keeps which measure the text stated
-- (研发费用 is expensed R&D; 研发投入 may include capitalised spend) and the
-- scope (母公司, the parent company alone).
--
-- Also handles
--   * lists over years, however they are phrased ("2018年至2023年…研发
--     分别投入8.49亿元、19.16亿元…", "研发投入依次为…", "研发费用分别为…"):
--     one fact per year, when the interval in force has as many years as
--     the list has amounts;
--   * totals over an interval ("累计投入163亿元", "三年累计约19亿元",
--     "累计研发投入45.6亿元"): total = true and the interval period;
--   * the ratio as the text states it ("平均研发费率超过70%"): a ratio
--     with stated = true.
local lib = require "lib.common"

local MEASURE = {
  ["研发费用"] = "研发费用", ["研发开支"] = "研发支出", ["研发支出"] = "研发支出",
  ["研发投入"] = "研发投入", ["研发"] = "研发投入",
  ["r&d expenses"] = "研发费用", ["r&d expense"] = "研发费用", ["r&d spending"] = "研发投入",
  ["research and development expenses"] = "研发费用", ["research and development spending"] = "研发投入",
  ["r&d investment"] = "研发投入",
}

local RATIO = { ["研发费率"] = true, ["研发费用率"] = true, ["研发投入占比"] = true,
                ["研发投入占营收比例"] = true, ["研发投入占营业收入比例"] = true }

local function measure_of(kw)
  return MEASURE[kw.keyword] or MEASURE[kw.keyword:lower()]
end

local function scope(s, kw)
  if lib.has(s:before(kw, 8), "母公司") then return "parent" end
  return nil
end

local LIST_WORDS = { "分别", "依次", "respectively" }

-- "研发分别投入8.49亿元、19.16亿元…", "研发投入依次为…": one fact per year of
-- the interval in force.  Returns the list's measure when it was one.
local function yearly_list(s, kw)
  local after = s:after(kw, 8)
  if not lib.has_any(after:lower(), LIST_WORDS) then return nil end
  local years = lib.years(lib.interval(s, kw))
  local amounts = lib.money_list(s, kw)
  if not years or #amounts < 2 or #years ~= #amounts then return nil end
  local measure, entity, where = measure_of(kw), s:subject(kw), scope(s, kw)
  for i = 1, #amounts do
    local m = amounts[i]
    lib.emit_metric(s, { kind = "metric", name = "rd_expense", entity = entity, period = years[i],
                         value = m.value, unit = m.unit, qualifier = m.qualifier, measure = measure,
                         scope = where, evidence = { kw, m } }, m)
  end
  return measure
end

-- "累计投入达到163亿元", "三年累计约19亿元": the total over the interval in
-- force, in the measure of the R&D keyword before it.
local TOTAL_OF = { "研发投入", "研发费用", "研发支出", "投入", "支出", "研发" }
local function totals(s, measure)
  for kw in s:hits("累计") do
    local rest = s:after(kw, 8)
    local skip = lib.starts_any(rest, TOTAL_OF) or ""
    local m = lib.amount_after(s, { start = kw.start, stop = kw.stop + #skip }, 10)
    local period = lib.interval(s, kw)
    if m and period then
      local f = { kind = "metric", name = "rd_expense", entity = s:subject(kw), period = period,
                  value = m.value, unit = m.unit, qualifier = m.qualifier, measure = measure,
                  total = true, evidence = { kw, m } }
      lib.emit_metric(s, f, m)
    end
  end
end

-- "研发费用183.56亿元，占营业收入的4.59%", "研发投入占营收比例为15%": a
-- share of revenue stated right after the R&D figure or keyword.
local REVENUE_WORDS = { "营业收入", "营业总收入", "营收", "总收入", "收入" }
local SHARE_WORDS = { "比例", "比重", "的" }
local function stated_share(s, kw, from)
  local q = s:quantity_after(from, 16, "percent")
  if not q or q.change or q.unit ~= "%" then return end
  local between = s:between(from, q)
  local at = between:find("占", 1, true)
  if not at then return end
  local rest = between:sub(at + #"占")
  local rev = lib.starts_any(rest, REVENUE_WORDS)
  if not rev then return end
  rest = rest:sub(#rev + 1)
  rest = lib.after_last(rest, SHARE_WORDS)
  if not lib.only_joiners(rest) then return end
  s:emit{ kind = "ratio", name = "rd_to_revenue", entity = s:subject(kw), period = lib.period(s, kw),
          value = lib.round(q.value / 100), qualifier = q.qualifier, stated = true,
          measure = measure_of(kw), evidence = { kw, q } }
end

-- "平均研发费率超过70%": the ratio as the text states it.
local function stated_ratio(s, kw)
  local q = s:quantity_after(kw, 10, "percent")
  if q and q.unit == "%" and not q.change and lib.only_joiners((s:between(kw, q):gsub("都", ""))) then
    local before = s:before(kw, 4)
    s:emit{ kind = "ratio", name = "rd_to_revenue", entity = s:subject(kw), period = lib.period(s, kw),
            value = lib.round(q.value / 100), qualifier = q.qualifier, stated = true,
            average = lib.has(before, "平均") or nil, evidence = { kw, q } }
  end
end

return rule {
  name = "rd_expense",
  description = "R&D expense or investment, yearly lists and totals, stated R&D ratios",
  keywords = { "研发费用", "研发投入", "研发支出", "研发开支", "研发", "累计",
               "研发费率", "研发费用率", "研发投入占比", "研发投入占营收比例", "研发投入占营业收入比例",
               "R&D expenses", "R&D expense", "R&D spending", "R&D investment",
               "research and development expenses", "research and development spending" },
  -- Every fact here is an amount or a stated ratio.
  needs = { "money", "percent" },
  sentence = function(s)
    local list_measure, any_measure
    for kw in s:hits() do
      if RATIO[kw.keyword] then
        stated_ratio(s, kw)
      elseif measure_of(kw) then
        local measure = measure_of(kw)
        any_measure = any_measure or measure
        local listed = yearly_list(s, kw)
        list_measure = list_measure or listed
        if not listed and kw.keyword ~= "研发" then
          local m, change = lib.amount_after(s, kw, 12)
          if m then
            change = change or lib.change_after(s, m)
            local total = lib.has(s:before(kw, 3), "累计") or nil
            local where = scope(s, kw)
            local f = lib.money_fields("rd_expense", s, kw, m,
                                       { measure = measure, scope = where, total = total })
            f.change = lib.change_value(change)
            lib.emit_metric(s, f, m)
            if not total and not where then stated_share(s, kw, change or m) end
          elseif lib.starts(s:after(kw, 1), "占") then
            stated_share(s, kw, kw)
          end
        end
      end
    end
    -- A total needs R&D to be what the sentence is about.
    if any_measure then totals(s, list_measure or any_measure) end
  end,
}
