-- spin_off.lua: spin-offs — 分拆, 拆分 of businesses, independent financing
-- or listing of units (独立融资, 独立上市).  One fact per company.
--
-- The entity is the group doing it: when the nearest name is one of its
-- business units (大文娱集团 … 独立融资), the unit's parent.  Talk about
-- spin-offs in general ("分拆并不是解药", "拆分之后…") gives no fact.
local lib = require "lib.common"

local GENERAL = { "并不", "不是", "并非", "之后", "以后", "当然", "能够", "可以", "未必", "意味" }

return rule {
  name = "spin_off",
  description = "spin-offs and independent financing or listing of units",
  keywords = { "分拆", "拆分", "独立融资", "独立上市", "spin-off", "spin off", "spinoff", "spun off" },
  sentence = function(s)
    for kw in s:hits() do
      local entity = lib.group_of(s, s:subject(kw))
      if entity and not lib.starts_any(lib.trim(s:after(kw, 4)), GENERAL) then
        lib.emit_once(s, "event", "spin_off", "spin_off|" .. entity, function()
          local date, period = lib.when(s, kw)
          return { entity = entity, date = date, period = period, evidence = { kw } }
        end)
        return
      end
    end
  end,
}
