-- segment_revenue.lua: revenue of a business segment ("生成式AI收入增长256%
-- 至近10.51亿元", "智能汽车业务收入1.68亿元") and the segment's stated share
-- of total revenue ("占总收入60.4%", "占总营收比重约30%").
local lib = require "lib.common"

-- The segment is what stands before 收入 in the same clause, without the
-- words that introduce it.
local function segment_name(s, kw)
  local clause = lib.tail(s:before(kw, 16), lib.CLAUSE)
  clause = clause:gsub("^.*包括", ""):gsub("在内的", ""):gsub("^.*其中", "")
  clause = clause:gsub("^其", ""):gsub("业务$", ""):gsub("板块$", ""):gsub("的$", "")
  clause = lib.trim(clause)
  if clause == "" or clause:find("总$") or clause:find("营业") or clause:find("^公司") then return nil end
  return clause
end

-- Strip a company name in front of the segment (商汤生成式AI → 生成式AI).
local function without_subject(s, kw, seg)
  for _, m in ipairs(s:mentions()) do
    if m.stop <= kw.start and seg:sub(1, #m.text) == m.text and #seg > #m.text then
      return seg:sub(#m.text + 1)
    end
  end
  return seg
end

local function share(s, kw, seg, from)
  for hit in s:hits() do
    if hit.start >= from.stop and (hit.keyword == "占总收入" or hit.keyword == "占总营收") then
      -- 占总收入比重从2023年的5.9%升至9.7%: the level reached is the last one.
      local q, last = hit, nil
      repeat
        q = s:quantity_after(q, 14, "percent")
        if q then last = q end
      until not q or not s:after(q, 2):find("^升至") and not s:after(q, 2):find("^降至")
        and not s:after(q, 1):find("^至")
      if last then
        s:emit{ kind = "ratio", name = "segment_share", entity = s:subject(kw), period = s:period(kw),
                segment = seg, value = last.value / 100, qualifier = last.qualifier, evidence = { hit, last } }
      end
      return
    end
  end
end

return rule {
  name = "segment_revenue",
  description = "revenue of a business segment and its share of the total",
  keywords = { "收入", "业务收入", "收入板块", "占总收入", "占总营收" },
  sentence = function(s)
    for kw in s:hits() do
      if kw.keyword == "收入" or kw.keyword == "业务收入" or kw.keyword == "收入板块" then
        local seg = segment_name(s, kw)
        local m, change = lib.amount_after(s, kw, 16)
        if seg and m then
          seg = without_subject(s, kw, seg)
          change = change or lib.change_after(s, m)
          s:emit{ kind = "metric", name = "segment_revenue", entity = s:subject(kw), period = s:period(kw),
                  segment = seg, value = m.value, unit = m.unit, qualifier = m.qualifier,
                  change = lib.change_value(change), evidence = { kw, m } }
          share(s, kw, seg, m)
        end
      end
    end
  end,
}
