-- ipo_withdrawal.lua: a listing application withdrawn (撤回…上市申请) or a
-- listing plan halted (上市计划…叫停/终止/搁置).  The target is the unit that
-- was to be listed; the entity is the group it belongs to (the parent of a
-- business unit in the lexicon), else the company that withdrew it.
--
-- The date is the one the sentence states.  A sentence opening with 此前 /
-- 在此之前 tells of something earlier than the date just given, so it does
-- not take that date.
local lib = require "lib.common"

local HALTED = { "叫停", "终止", "搁置", "暂停", "撤回", "放弃", "中止", "取消" }

local function withdrawn(text)
  if lib.has(text, "撤回") and lib.has(text, "上市") then return true end
  if (lib.has(text, "上市计划") or lib.has(text, "上市申请") or lib.has(text, "IPO")) and lib.has_any(text, HALTED) then
    return true
  end
  local l = text:lower() -- (only the English needs it)
  return (l:find("withdr") and (l:find("listing") or l:find("ipo"))) ~= nil
end

return rule {
  name = "ipo_withdrawal",
  description = "listing applications withdrawn and listing plans halted",
  keywords = { "撤回", "上市计划", "上市申请", "withdrew", "withdraws", "withdrawn", "listing application" },
  sentence = function(s)
    if not withdrawn(s.text) then return end
    local kw = s:hits()()
    local orgs = lib.orgs(s)
    local units, company = {}, nil
    for i = 1, #orgs do
      local m = orgs[i]
      if m.type == "unit" then units[#units + 1] = m
      elseif not company then company = m end
    end
    local date, period = lib.when(s, kw)
    if #units == 0 then
      -- A company withdrawing its own listing.
      local entity = company and company.canonical or s:subject(kw)
      if entity then
        s:emit{ kind = "event", name = "ipo_withdrawal", entity = entity, target = entity,
                date = date, period = period, evidence = { company or kw, kw },
                key = "ipo|" .. entity .. "|" .. entity }
      end
      return
    end
    for i = 1, #units do
      local t = units[i]
      local group = lib.group_of(s, t.canonical)
      if group == t.canonical then group = company and company.canonical or s:subject(kw) end
      local first, last = t, kw
      if kw.start < t.start then first, last = kw, t end
      s:emit{ kind = "event", name = "ipo_withdrawal", entity = group, target = t.canonical,
              date = date, period = period, evidence = { first, last },
              key = "ipo|" .. (group or "?") .. "|" .. t.canonical }
    end
  end,
}
