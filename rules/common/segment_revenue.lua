-- segment_revenue.lua: revenue of a business segment ("生成式AI收入增长256%
-- 至近10.51亿元", "智能汽车业务收入1.68亿元") and the segment's stated share
-- of total revenue ("占总收入60.4%", "在总收入中占60.4%", "占比9.7%",
-- "占总收入比重从2023年的5.9%升至9.7%" → the level reached, 9.7%).
--
-- The segment is the words before 收入 (or 营收) in the same clause
-- (lib/segments.lua).
local lib = require "lib.common"
local segments = require "lib.segments"

-- Words of a comparison chain: 从5.9%升至9.7%.
local CHAIN = { ["升至"] = true, ["降至"] = true, ["增至"] = true, ["至"] = true, ["提升至"] = true,
                ["上升至"] = true, ["下降至"] = true, ["提高至"] = true, ["回落至"] = true, ["to"] = true }

-- The segment's share of total revenue stated after its amount, before
-- stop (the next segment): the first plain percent with 占 before it.
local function share_after(s, from, stop)
  local percents = s:quantities("percent")
  for i = 1, #percents do
    local q = percents[i]
    if q.start >= from.stop and q.start < stop and not q.change then
      local between = s:between(from, q)
      local at = s:find("占", from.stop)
      if not at or at > q.start then
        local l = between:lower()
        if not l:find("accounting for") and not l:find("share of") then return nil end
        at = q.start
      end
      local last = q
      for j = i + 1, #percents do
        local r = percents[j]
        if r.start >= stop then break end
        local mid = lib.trim(s:between(last, r))
        if not CHAIN[mid] then break end
        last = r
      end
      return last, at
    end
  end
  return nil
end

return rule {
  name = "segment_revenue",
  description = "revenue of a business segment and its share of the total",
  keywords = { "收入", "收入板块", "营收" },
  needs = { "money" }, -- a segment is named only with its amount
  sentence = function(s)
    -- The segments of the sentence, in order: a keyword with a name before
    -- it and an amount after it.
    local found = {}
    for kw in s:hits() do
      -- 营业收入, 总收入, 净收入: what ends right before the keyword ends
      -- any name segments.name could give, which it would refuse.  Cheaper
      -- to see that first than to look for the amount and the name.
      if not segments.refused_before(s, kw) then
        local m, change = lib.amount_after(s, kw, 16)
        local seg, unit
        if m then seg, unit = segments.name(s, kw) end -- no amount, no segment to name
        if seg and m then
          found[#found + 1] = { kw = kw, seg = seg, unit = unit, m = m, change = change }
        end
      end
    end
    for i = 1, #found do
      local x = found[i]
      local kw, seg, unit, m, change = x.kw, x.seg, x.unit, x.m, x.change
      do
        change = change or lib.change_after(s, m)
        -- Segments belong to the company: a business unit named before
        -- them (绝影智能汽车) stands for its parent.
        local entity = lib.group_of(s, unit and unit.canonical or s:subject(kw))
        local period = lib.period(s, kw)
        local f = { kind = "metric", name = "segment_revenue", entity = entity, period = period,
                    segment = seg, value = m.value, unit = m.unit, qualifier = m.qualifier,
                    change = lib.change_value(change), evidence = { kw, m } }
        if lib.is_forecast(s, kw, m) then f.estimate = true end
        lib.emit_metric(s, f, m)
        local stop = found[i + 1] and found[i + 1].kw.start or s.stop
        local last, at = share_after(s, change and change.stop > m.stop and change or m, stop)
        if last then
          local stored = s:emit{ kind = "ratio", name = "segment_share", entity = entity, period = period,
                                 segment = seg, value = lib.round(last.value / 100), qualifier = last.qualifier,
                                 evidence = { { start = at, stop = last.stop } } }
          if stored then stored._qtext = last.text end
        end
      end
    end
  end,
}
