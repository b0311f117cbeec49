-- checks.lua: parts against a stated whole, so that an analyst sees at once
-- whether the figures an article gives add up.  Four checks, each a fact of
-- kind "check" with value (what the parts give), expected (what the text
-- states), agree (true/false), diff (value − expected) and from (the facts
-- used):
--
--   sum_vs_total             yearly items against their stated total
--                            (8.49+19.16+…+34.66 = 163.13 against 累计163亿元)
--   segment_shares           the segments' stated shares against 100%
--   segment_share_vs_amount  a segment's amount ÷ total revenue against its
--                            stated share (10.51 ÷ 17.4 = 60.4%)
--   growth_vs_values         a stated growth rate against the current and
--                            prior-year values (80.5 ÷ 69.9 − 1 = 15.2%)
--
-- Tolerance follows the precision the text stated: 163亿 is stated to 1亿,
-- so anything from 162.5亿 to 163.5亿 agrees (and 约 doubles that); each
-- part brings its own rounding too.  A check is only made when every part
-- is there: a list with a missing year gives no sum check.
local lib = require "lib.common"

-- Half a unit of the last digit the figure was stated to (a whole unit for
-- an approximate figure such as 约19亿元).
local function rounding_of(f)
  local p = lib.precision(f._qtext, f.value)
  if not p then return math.abs(f.value or 0) * 0.005 end
  if f.qualifier == "approx" then return p end
  return p / 2
end

-- The same, worked out once per fact: the checks ask it again for the same
-- facts (each share in two checks, the revenue for every share), and
-- reading the precision off the text is the dear part.  (The facts do not
-- change once the document rules run.)
local rounding_memo = setmetatable({}, { __mode = "k" })
local function rounding(f)
  local r = rounding_memo[f]
  if not r then
    r = rounding_of(f)
    rounding_memo[f] = r
  end
  return r
end

-- The same for a bare number such as a change of 15.2 (percent).
local function rounding_of_number(v)
  local text = string.format("%.10g", v)
  local decimals = text:match("%.(%d+)$")
  return 0.5 * 10 ^ -(decimals and #decimals or 0)
end

-- Fields most facts do not have (estimate, stated, total, scope, measure,
-- segment) are read with rawget.  A stored fact answers a field its table
-- lacks through the engine (for rule, pack, text, start, end), a C call
-- that is dear next to a table read, and the checks ask these questions
-- of every fact many times over.  rawget gives the same answer here: the
-- fields are the rules' own, which the fact's table holds, never the
-- engine's.
local function total_of(f) return rawget(f, "total") end

-- Do two facts describe the same kind of figure (same measure, scope,
-- segment, unit)?
local function same_kind(a, b)
  return a.unit == b.unit and rawget(a, "measure") == rawget(b, "measure") and
         rawget(a, "scope") == rawget(b, "scope") and rawget(a, "segment") == rawget(b, "segment")
end

local function actual(f)
  return not rawget(f, "estimate") and not rawget(f, "stated") and type(f.value) == "number"
end

-- The checks ask the facts dozens of questions, and each doc:facts call
-- copies a list out of the engine: they read the facts once and ask Lua
-- lists instead.  Returns the metrics and the ratios by name, and the
-- metrics stated as totals, each list in the order the facts were
-- emitted.  (No check asks for a check, so the checks' own facts need
-- not be in them.)
local function read_facts(doc)
  local by_kind, totals = { metric = {}, ratio = {} }, {}
  for f in doc:facts() do
    local names = by_kind[f.kind]
    if names then
      local list = names[f.name]
      if not list then list = {} names[f.name] = list end
      list[#list + 1] = f
      if f.kind == "metric" and total_of(f) == true then totals[#totals + 1] = f end
    end
  end
  return by_kind.metric, by_kind.ratio, totals
end

local NONE = {}

-- Does a fact's field hold what a question asks for?  As with doc:facts{},
-- a question that leaves the field nil does not compare it.
local function is(value, wanted)
  return wanted == nil or value == wanted
end

local function sum_vs_total(doc, metrics, totals)
  for i = 1, #totals do
    local total = totals[i]
    local years = lib.years(total.period)
    if years and actual(total) then
      local items, sum, tol = {}, 0, rounding(total)
      local listed = metrics[total.name]
      for j = 1, #years do
        local y = years[j]
        local item
        for k = 1, #listed do
          local f = listed[k]
          if f.period == y and is(f.entity, total.entity) and actual(f) and not total_of(f) and
             same_kind(f, total) then
            item = f
            break
          end
        end
        if not item then items = nil break end
        items[#items + 1] = item
        sum = sum + item.value
        tol = tol + rounding(item)
      end
      if items then
        items[#items + 1] = total
        local diff = sum - total.value
        doc:emit{ kind = "check", name = "sum_vs_total", entity = total.entity, period = total.period,
                  value = lib.round(sum), expected = total.value, unit = total.unit, measure = total.measure,
                  agree = math.abs(diff) <= tol, diff = lib.round(diff), from = items }
      end
    end
  end
end

-- Shares only make sense against 100% when the article lists them all:
-- a sum well under 100% is an incomplete list, not a disagreement.
local COMPLETE = 0.95

local function segment_shares(doc, ratios)
  local groups, order = {}, {}
  local shares = ratios.segment_share or NONE
  for i = 1, #shares do
    local f = shares[i]
    local key = (f.entity or "?") .. "|" .. (f.period or "?")
    if not groups[key] then groups[key] = { list = {}, seen = {} } order[#order + 1] = key end
    local g = groups[key]
    if not g.seen[f.segment or "?"] then
      g.seen[f.segment or "?"] = true
      g.list[#g.list + 1] = f
    end
  end
  for i = 1, #order do
    local key = order[i]
    local list = groups[key].list
    if #list >= 2 then
      local sum, tol = 0, 0
      for j = 1, #list do
        local f = list[j]
        sum = sum + f.value
        tol = tol + rounding(f)
      end
      if sum >= COMPLETE or sum > 1 + tol then
        doc:emit{ kind = "check", name = "segment_shares", entity = list[1].entity, period = list[1].period,
                  value = lib.round(sum), expected = 1, agree = math.abs(sum - 1) <= tol,
                  diff = lib.round(sum - 1), from = list }
      end
    end
  end
end

-- The company's actual, positive revenue for a period, in a unit.
local function revenue_for(metrics, entity, period, unit)
  local revenues = metrics.revenue or NONE
  for i = 1, #revenues do
    local rev = revenues[i]
    if is(rev.entity, entity) and is(rev.period, period) and actual(rev) and rev.value > 0 and
       rev.unit == unit and rawget(rev, "scope") == nil then
      return rev
    end
  end
end

-- The revenue of the segment a share is stated for.
local function segment_for(metrics, share)
  local segments = metrics.segment_revenue or NONE
  for i = 1, #segments do
    local f = segments[i]
    if is(f.entity, share.entity) and is(f.period, share.period) and is(f.segment, share.segment) then
      return f
    end
  end
end

local function segment_share_vs_amount(doc, metrics, ratios)
  local shares = ratios.segment_share or NONE
  for i = 1, #shares do
    local share = shares[i]
    local seg = segment_for(metrics, share)
    local rev = seg and actual(seg) and revenue_for(metrics, share.entity, share.period, seg.unit)
    if rev then
      local value = seg.value / rev.value
      local tol = rounding(share) + value * (rounding(seg) / seg.value + rounding(rev) / rev.value)
      doc:emit{ kind = "check", name = "segment_share_vs_amount", entity = share.entity, period = share.period,
                segment = share.segment, value = lib.round(value), expected = share.value,
                agree = math.abs(value - share.value) <= tol, diff = lib.round(value - share.value),
                from = { seg, rev, share } }
    end
  end
end

local GROWTH_METRICS = { "revenue", "net_profit", "rd_expense", "segment_revenue" }

local function growth_vs_values(doc, metrics)
  for i = 1, #GROWTH_METRICS do
    local name = GROWTH_METRICS[i]
    local list = metrics[name] or NONE
    for j = 1, #list do
      local cur = list[j]
      local prior_period = type(cur.change) == "number" and lib.prior_year(cur.period)
      if prior_period and actual(cur) and not total_of(cur) and cur.value > 0 then
        for k = 1, #list do
          local prior = list[k]
          if prior.period == prior_period and is(prior.entity, cur.entity) and actual(prior) and
             not total_of(prior) and prior.value > 0 and same_kind(cur, prior) then
            local ratio = cur.value / prior.value
            local value = (ratio - 1) * 100
            local tol = rounding_of_number(cur.change) +
                        ratio * (rounding(cur) / cur.value + rounding(prior) / prior.value) * 100
            doc:emit{ kind = "check", name = "growth_vs_values", entity = cur.entity, period = cur.period,
                      metric = name, segment = cur.segment, value = lib.round(value), expected = cur.change,
                      agree = math.abs(value - cur.change) <= tol, diff = lib.round(value - cur.change),
                      from = { cur, prior } }
            break
          end
        end
      end
    end
  end
end

return rule {
  name = "checks",
  description = "parts against stated wholes: sums, segment shares, growth rates",
  document = function(doc)
    local metrics, ratios, totals = read_facts(doc)
    sum_vs_total(doc, metrics, totals)
    segment_shares(doc, ratios)
    segment_share_vs_amount(doc, metrics, ratios)
    growth_vs_values(doc, metrics)
  end,
}
