-- net_profit.lua: net profit, or a net loss as a negative value, with the
-- year-on-year change when the text gives it.
local lib = require "lib.common"

local LOSS = { ["净亏损"] = true, ["亏损"] = true, ["经调整净亏损"] = true, ["net loss"] = true,
               ["adjusted net loss"] = true }

return rule {
  name = "net_profit",
  description = "net profit or loss (a loss is negative)",
  keywords = { "净利润", "归母净利润", "净利", "净亏损", "经调整净亏损", "net profit", "net income",
               "net loss", "adjusted net loss" },
  needs = { "money" },
  sentence = function(s)
    for kw in s:hits() do
      local m, change = lib.amount_after(s, kw, 12)
      if m then
        change = change or lib.change_after(s, m)
        local f = lib.money_fields("net_profit", s, kw, m)
        -- a loss is negative; one already written so (net loss of $(75.3)
        -- million, in accounting brackets) stays negative
        if (LOSS[kw.keyword] or LOSS[kw.keyword:lower()]) and f.value > 0 then f.value = -f.value end
        f.change = lib.change_value(change)
        lib.emit_metric(s, f, m)
      end
    end
  end,
}
