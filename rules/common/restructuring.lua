-- restructuring.lua: organisational restructurings.
--
--   * named architectures such as "1+X" or "1+6+N" (a formula the scanner
--     found, within a few characters of 架构 / 组织变革 / structure…): one fact
--     per architecture, however often the article returns to it — the
--     first statement, which usually names the company and the date, wins;
--   * a company regrouping its units ("将原来的四个板块重组，划分为…",
--     "将…业务板块重组为…");
--   * 扁平化 (delayering).
-- Formulas starting with N (N+1) are severance terms, not architectures.
local lib = require "lib.common"

-- Restructuring words a formula must stand next to.
local NEAR = 10

local UNIT_WORDS = { "板块", "业务", "部门", "事业部", "事业群", "业务线", "组织" }
-- What follows 重组 when the units are regrouped into something.
local INTO = { "为", "成", ",", "划分" }

-- Characters between two spans, in either order.
local function distance(s, a, b)
  if a.stop <= b.start then return lib.chars(s:between(a, b)) end
  if b.stop <= a.start then return lib.chars(s:between(b, a)) end
  return 0
end

local function named(s, hits)
  local idents = s:quantities("ident")
  for i = 1, #idents do
    local q = idents[i]
    if q.ident == "formula" and not q.text:find("^N") then
      for j = 1, #hits do
        local kw = hits[j]
        if distance(s, kw, q) <= NEAR then
          lib.emit_once(s, "event", "restructuring", "structure|" .. q.text, function()
            local date, period = lib.when(s, q)
            local first, last = kw, q
            if q.start < kw.start then first, last = q, kw end
            return { entity = s:subject(q), structure = q.text, date = date, period = period,
                     evidence = { first, last } }
          end)
          break
        end
      end
    end
  end
end

return rule {
  name = "restructuring",
  description = "organisational restructurings and named architectures",
  keywords = { "架构调整", "组织架构调整", "组织变革", "组织调整", "重组", "扁平化", "架构",
               "restructuring", "reorganisation", "reorganization", "overhaul", "structure" },
  sentence = function(s)
    -- A named architecture is a formula (1+X, 1+6+N), which always holds a
    -- "+": most sentences that say 架构 or structure have none, and then
    -- neither the formulas nor a list of the hits is needed.
    if lib.has(s.text, "+") then
      local hits = {}
      for kw in s:hits() do hits[#hits + 1] = kw end
      named(s, hits)
    end
    for kw in s:hits() do
      if kw.keyword == "重组" then
        -- "将原来的四个板块重组，划分为…": the company regroups its own units.
        local before, after = s:before(kw, 20), s:after(kw, 3)
        local regroups = (lib.has(before, "将") or lib.has(before, "把")) and lib.has_any(before, UNIT_WORDS)
        local result = lib.starts_any(after, INTO)
        if regroups and result and not lib.has(before, "资产") and not lib.has(before, "债务") then
          lib.event(s, kw, "restructuring", nil, "regroup|" .. (lib.period(s, kw) or ""))
        end
      elseif kw.keyword == "扁平化" then
        lib.event(s, kw, "restructuring", { detail = "扁平化" }, "flat")
      end
    end
  end,
}
