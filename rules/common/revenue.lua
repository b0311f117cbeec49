-- revenue.lua: a company's revenue (营收 17.4亿元, revenue rose 21% to
-- 1.74 billion yuan), with its year-on-year change when the text gives it.
-- A segment's revenue (生成式AI收入) is segment_revenue's business.
local lib = require "lib.common"

return rule {
  name = "revenue",
  description = "company revenue with period and YoY change",
  keywords = { "营收", "营业收入", "总收入", "总营收", "营业总收入", "收入总额",
               "revenue", "revenues", "total revenue", "sales" },
  sentence = function(s)
    for kw in s:hits() do
      local m, change = lib.amount_after(s, kw, 16)
      -- 占总收入60.4%: a share of revenue, not revenue.
      local share = s:before(kw, 2):find("占")
      if m and not share then
        change = change or lib.change_after(s, m)
        local f = lib.money_fields("revenue", s, kw, m)
        f.change = lib.change_value(change)
        if change then f.evidence[#f.evidence + 1] = change end
        s:emit(f)
      end
    end
  end,
}
