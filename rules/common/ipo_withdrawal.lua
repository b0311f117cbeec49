-- ipo_withdrawal.lua: a listing application withdrawn (撤回…上市申请) or a
-- listing plan halted (上市计划…叫停/终止/搁置).  The target is the unit that
-- was to be listed; the entity is the group that withdrew it.
local lib = require "lib.common"

local function units_before(s, kw)
  local list = {}
  for _, m in ipairs(s:mentions()) do
    if m.stop <= kw.stop and (m.type == "unit" or m.type == "org") then list[#list + 1] = m end
  end
  return list
end

return rule {
  name = "ipo_withdrawal",
  description = "listing applications withdrawn and listing plans halted",
  keywords = { "撤回", "上市计划", "上市申请", "withdrew", "withdraws", "withdrawn", "listing application" },
  sentence = function(s)
    for kw in s:hits() do
      local text = s.text
      local withdrawn = (text:find("撤回") and text:find("上市")) or
                        (text:find("上市计划") and (text:find("叫停") or text:find("终止") or text:find("搁置"))) or
                        (text:lower():find("withdr") and text:lower():find("listing"))
      if withdrawn then
        local ms = units_before(s, { stop = s.stop })
        local group, targets = nil, {}
        for _, m in ipairs(ms) do
          if m.type == "org" and not group then group = m.canonical
          elseif m.type == "unit" or (group and m.canonical ~= group) then targets[#targets + 1] = m end
        end
        group = group or s:subject(kw)
        for _, t in ipairs(targets) do
          local date, period = lib.when(s, kw)
          s:emit{ kind = "event", name = "ipo_withdrawal", entity = group, target = t.canonical,
                  date = date, period = period, evidence = { t, kw },
                  key = "ipo|" .. (group or "?") .. "|" .. t.canonical }
        end
        return
      end
    end
  end,
}
