-- segment_revenue.lua: revenue of a business segment ("生成式AI收入增长256%
-- 至近10.51亿元", "智能汽车业务收入1.68亿元") and the segment's stated share
-- of total revenue ("占总收入60.4%", "在总收入中占60.4%", "占比9.7%",
-- "占总收入比重从2023年的5.9%升至9.7%" → the level reached, 9.7%).
--
-- The segment is the words before 收入 in the same clause, without what
-- introduces it: a period (2023年储能系统), a company or business-unit
-- name (第三季度腾讯增值服务, 绝影智能汽车 → the unit's parent is the
-- entity), 包括…在内的, 其, 业务, 板块.
local lib = require "lib.common"

-- Words that end the introduction of a segment name.
local INTRO = { "在内的", "包括", "其中", "来自", "实现", "分业务看", "分业务来看", "具体来看" }

-- Segment names that are not segments: 总收入, 营业收入, 主营业务收入…
local NOT_SEGMENT = { "总", "营业", "主营", "公司", "收入", "整体", "全年", "同期", "合计", "合并", "营",
                      "净", "税", "毛" }

-- A name that points back (此项收入, 相关收入) or tells a change (此项提高
-- 收入6.9亿元: this raised revenue by 0.69 billion) names no segment, and
-- 销售收入 alone is sales: the company's revenue, not a part of it.
local POINTING = { "此", "该", "这", "相关", "上述", "以上" }
local CHANGE_VERBS = { "提高", "增加", "减少", "带来", "贡献", "拉动", "增长", "下降" }

-- Words that end a segment's name without being part of it: 智能汽车业务
-- → 智能汽车 (in this order: the longest first).
local SUFFIXES = { "业务分部", "分部", "业务板块", "板块", "业务" }

-- The segment name before kw, and the business unit it named, if any.
local function segment_name(s, kw)
  local seg, unit = lib.stem_before(s, kw, 20)
  seg = lib.after_last(seg, INTRO)
  if lib.starts(seg, "其") or lib.starts(seg, "的") then seg = seg:sub(4) end
  seg = lib.trim((seg:gsub("的$", "")))
  -- 智能汽车业务 → 智能汽车, but 新业务 stays 新业务.  (Most names end
  -- with none of them, which one call to words tells.)
  if words.ends_any(seg, SUFFIXES) then
    for i = 1, #SUFFIXES do
      local suffix = SUFFIXES[i]
      local short = seg:sub(1, #seg - #suffix)
      if lib.ends(seg, suffix) and lib.chars(short) >= 2 then seg = short break end
    end
  end
  local n = lib.chars(seg)
  if n < 2 or n > 12 then return nil end
  if words.ends_any(seg, NOT_SEGMENT) or seg == "销售" then return nil end
  if words.starts_any(seg, POINTING) or words.has_any(seg, CHANGE_VERBS) then return nil end
  if lib.has(seg, "营业") or lib.has(seg, "总") then return nil end
  return seg, unit
end

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
  keywords = { "收入", "收入板块" },
  needs = { "money" }, -- a segment is named only with its amount
  sentence = function(s)
    -- The segments of the sentence, in order: a keyword with a name before
    -- it and an amount after it.
    local found = {}
    for kw in s:hits() do
      -- 营业收入, 总收入, 净收入: what ends right before the keyword ends
      -- any name segment_name could give, which it would refuse.  Cheaper
      -- to see that first than to look for the amount and the name.
      if not words.ends_any(s:before(kw, 2), NOT_SEGMENT) then
        local m, change = lib.amount_after(s, kw, 16)
        local seg, unit
        if m then seg, unit = segment_name(s, kw) end -- no amount, no segment to name
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
