-- lib/segments.lua: the name of a business segment, read before the word
-- for its revenue (收入, 营收): the words before it in the same clause,
-- without what introduces them — a period (2023年储能系统), a company or
-- business-unit name (第三季度腾讯增值服务, 绝影智能汽车), 包括…在内的, 其,
-- 业务, 板块.  segment_revenue reports segments; revenue asks whether a
-- segment stands before 营收 (系列酒营收, 数据中心营收), when the amount is
-- the segment's, not the company's.
local lib = require "lib.common"

local M = {}

-- Words that end the introduction of a segment name.
local INTRO = { "在内的", "包括", "其中", "来自", "实现", "分业务看", "分业务来看", "具体来看" }

local FISCAL = { "财季", "财年", "财政年度" }

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

-- The segment name before kw, and the business unit it named, if any:
-- nil when the words there name no segment.
function M.name(s, kw)
  local seg, unit = lib.stem_before(s, kw, 20)
  seg = lib.after_last(seg, INTRO)
  -- A fiscal period, which the scanner leaves as words, introduces it too:
  -- 第二财季数据中心 → 数据中心; 预计第三财季 names no segment.
  seg = lib.after_last(seg, FISCAL)
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

-- What usually stands right before 营收 (小米集团营收, 第二季度营收, 公司
-- 全年营收, 实现营收) ends no segment's name either.
local NOT_BEFORE_YINGSHOU = { "集团", "季度", "年度", "年", "期", "实现", "录得", "取得", "的", "其", "了",
                              "为", "达" }

-- Does what ends right before kw end every name (营业收入, 总收入, 净收
-- 入)?  Cheaper to see than the name itself, and most hits are such.
function M.refused_before(s, kw)
  local before = s:before(kw, 2)
  return words.ends_any(before, NOT_SEGMENT) ~= nil or
         (kw.keyword == "营收" and words.ends_any(before, NOT_BEFORE_YINGSHOU) ~= nil)
end

return M
