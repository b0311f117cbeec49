-- spin_off.lua: spin-offs — 分拆, 拆分 of businesses, independent financing
-- or listing of units (独立融资, 独立上市).
local lib = require "lib.common"

return rule {
  name = "spin_off",
  description = "spin-offs and independent financing or listing of units",
  keywords = { "分拆", "拆分", "独立融资", "独立上市", "spin-off", "spin off", "spinoff" },
  sentence = function(s)
    for kw in s:hits() do
      -- "拆分之后" and "分拆并不是解药" talk about spin-offs in general;
      -- a fact needs a company doing it.
      local entity = s:subject(kw)
      if entity then
        lib.event(s, kw, "spin_off", nil, "")
        return
      end
    end
  end,
}
