-- restructuring.lua: organisational restructurings — 架构调整, 组织变革,
-- 重组, 扁平化 and named architectures such as "1+X" or "1+6+N".  One fact
-- per company and architecture, however often the article returns to it.
local lib = require "lib.common"

local function structure(s)
  for _, q in ipairs(s:quantities("ident")) do
    if q.ident == "formula" and not q.text:find("^N") then return q end
  end
end

return rule {
  name = "restructuring",
  description = "organisational restructurings and named architectures",
  keywords = { "架构调整", "组织架构调整", "组织变革", "组织调整", "重组", "扁平化", "架构",
               "restructuring", "reorganisation", "reorganization", "overhaul" },
  sentence = function(s)
    local kw = s:hits()()
    local named = structure(s)
    if named then
      -- "1+X" architectures: one fact each, whoever repeats them.
      local entity = s:subject(named)
      s:emit{ kind = "event", name = "restructuring", entity = entity, structure = named.text,
              date = (lib.when(s, kw)), evidence = { kw, named },
              key = "restructuring|" .. (entity or "?") .. "|" .. named.text }
    elseif kw.keyword == "重组" and s:after(kw, 1) == "为" then
      -- "将四个业务板块重组为三大板块": a restructuring of its own.
      lib.event(s, kw, "restructuring", nil, "regroup|" .. (s:period(kw) or ""))
    elseif kw.keyword == "扁平化" then
      lib.event(s, kw, "restructuring", { detail = "扁平化" }, "flat")
    end
  end,
}
