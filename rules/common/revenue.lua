-- revenue.lua: a company's revenue (营收 17.4亿元, 净销售额 7491亿日元,
-- revenue rose 21% to 1.74 billion yuan), with its year-on-year change
-- when the text gives it.
-- A segment's revenue (生成式AI收入) is segment_revenue's business.
--
-- Also: after 尚无营收 / 没有收入 ("no revenue yet": revenue_none.lua) the
-- amount that follows is not revenue; a forecast (预计…有望达到26亿元) is
-- marked estimate = true; 占总收入60.4% is a share, and 比营收还多出1.5亿元
-- a difference, not revenue.
local lib = require "lib.common"
local segments = require "lib.segments"

local NONE = lib.NO_REVENUE

-- Words that may stand between the company or period and a bare 收入.
local FILLER = { "公司", "集团", "实现", "录得", "取得", "共", "全年", "当季", "单季", "季度", "了", "的" }

-- Keywords that are revenue only when bare.
local BARE_ONLY = { ["收入"] = true, ["销售收入"] = true }

local function bare(s, kw)
  local stem = lib.stem_before(s, kw, 12)
  return words.only(stem, FILLER) and lib.trim(s:before(kw, 1)) ~= "" or false
end

return rule {
  name = "revenue",
  description = "company revenue with period and YoY change",
  keywords = lib.joined(lib.REVENUE_WORDS, { "销售收入", "净销售额", "revenue", "revenues", "total revenue",
                                             "sales" }),
  -- Every fact here is an amount (no revenue at all is revenue_none's).
  needs = { "money" },
  sentence = function(s)
    for kw in s:hits() do
      local before = s:before(kw, 3)
      -- 占总收入60.4%: a share of revenue, not revenue.
      local share = lib.has(before, "占") or lib.ends(before, "在")
      local none = lib.ends_any(lib.trim(before), NONE)
      local m, change
      if not share and not none then m, change = lib.amount_after(s, kw, 16) end
      -- A bare 收入 or 销售收入 is the company's revenue only when nothing
      -- but the company and the period stand before it (美团第三季度收入936
      -- 亿元, 华虹半导体第二季度销售收入4.785亿美元); 生成式AI收入 and 车辆
      -- 销售收入 are segments.  (Asked last: it is the dearest test.)
      -- 系列酒营收, 数据中心营收: a segment's (segment_revenue's), not the
      -- company's.
      if m and kw.keyword == "营收" and not segments.refused_before(s, kw) and segments.name(s, kw) then
        m = nil
      end
      if m and not (BARE_ONLY[kw.keyword] and not bare(s, kw)) then
        change = change or lib.change_after(s, m)
        local f = lib.money_fields("revenue", s, kw, m)
        f.change = lib.change_value(change)
        if change then f.evidence[#f.evidence + 1] = change end
        lib.emit_metric(s, f, m)
      end
    end
  end,
}
