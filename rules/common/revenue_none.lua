-- revenue_none.lua: 尚无营收, 没有收入 — a company with no revenue yet has a
-- revenue of 0, so that no R&D ratio is formed for it (its R&D is often
-- stated in the same breath: "尚无营收，全年研发投入6.8亿元").  A rule of
-- its own because it needs no amount: revenue wakes only where there is
-- one.
local lib = require "lib.common"

local REVENUE = lib.REVENUE_WORDS

return rule {
  name = "revenue_none",
  description = "no revenue yet (尚无营收): a revenue of 0",
  keywords = lib.NO_REVENUE,
  sentence = function(s)
    for kw in s:hits() do
      local rev = lib.starts_any(s:after(kw, 5), REVENUE)
      if rev then
        local stop = kw.stop + #rev
        s:emit{ kind = "metric", name = "revenue", entity = s:subject(kw), period = lib.period(s, stop),
                value = 0, evidence = { { start = kw.start, stop = stop } } }
      end
    end
  end,
}
