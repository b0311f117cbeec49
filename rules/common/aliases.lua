-- aliases.lua: names a text declares for itself — 商汤科技（以下简称“商汤”）,
-- 腾讯控股(00700.HK).  Every later use of the short name then refers to the
-- same company, whether or not the lexicon knows it.
--
-- The quoted short name is found with plain finds of the opening and
-- closing quote marks: the quotes are multi-byte characters, which a Lua
-- pattern class ([“"]) would split into bytes.
local lib = require "lib.common"

local OPEN = { "“", "\"", "「", "‘", "'" }
local CLOSE = { ["“"] = "”", ["\""] = "\"", ["「"] = "」", ["‘"] = "’", ["'"] = "'" }

-- The quoted text right after pos (within 6 characters): its text and span.
local function quoted_after(s, pos)
  local after = s:after(pos, 20)
  local best, open
  for i = 1, #OPEN do
    local q = OPEN[i]
    local a = after:find(q, 1, true)
    if a and (not best or a < best) then best, open = a, q end
  end
  if not best or lib.chars(after:sub(1, best - 1)) > 6 then return nil end
  local from = best + #open
  local b = after:find(CLOSE[open], from, true)
  if not b or b == from then return nil end
  local alias = after:sub(from, b - 1)
  local start = pos.stop + from - 1
  return alias, start, start + #alias
end

return rule {
  name = "aliases",
  description = "aliases declared in the text (以下简称“…”) link to their entity",
  keywords = { "以下简称", "下称", "简称", "hereinafter" },
  mentions = function(s)
    for kw in s:hits() do
      local alias = quoted_after(s, kw)
      if alias and lib.chars(alias) <= 12 then
        -- The name being abbreviated ends just before the bracket that
        -- holds 以下简称.
        local canonical, type = nil, "org"
        local mentions = s:mentions()
        for i = 1, #mentions do
          local m = mentions[i]
          if m.stop <= kw.start and (m.type == "org" or m.type == "unit") then
            canonical, type = m.canonical, m.type
          end
        end
        if not canonical then
          -- An unknown company: its short name becomes its canonical name,
          -- and its full name (the words before the bracket) a mention.
          canonical = alias
          local window = s:before(kw, 30)
          local before = window:gsub("%(%s*$", "")
          local full = lib.tail(before, lib.CLAUSE)
          if full ~= "" and #full > #alias then
            local fa = kw.start - #window + #before - #full
            s:add_mention{ start = fa, stop = fa + #full, canonical = canonical, type = "org" }
          end
        end
        local spans = s.doc:occurrences(alias)
        for i = 1, #spans do
          local span = spans[i]
          s:add_mention{ start = span.start, stop = span.stop, canonical = canonical, type = type }
        end
      end
    end
  end,
}
