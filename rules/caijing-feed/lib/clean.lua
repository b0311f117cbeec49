-- lib/clean.lua: finds the parts of a feed article that are furniture, not
-- text (pack.lua's clean).  Works on the normalised text: full-width ｜ and
-- ： arrive as | and :.
local M = {}

-- Lines that are only the app's: dropped wherever they stand.
local TRAILER = { ["展开"] = true, ["APP内打开"] = true, ["App内打开"] = true }

-- The text's lines: { start, stop, text, t (text trimmed) }, offsets 0-based.
local function lines(text)
  local list, pos = {}, 1
  while pos <= #text do
    local nl = text:find("\n", pos, true) or (#text + 1)
    local line = text:sub(pos, nl - 1)
    list[#list + 1] = { start = pos - 1, stop = nl - 1, text = line, t = words.trim(line) }
    pos = nl + 1
  end
  return list
end

local function is_trailer(t)
  return TRAILER[t] or t:find("阅读更多精彩资讯", 1, true) ~= nil
end

-- "1周前", "3小时前", "昨天 18:02", "2天前": when the app showed it, not text.
-- (Lua pattern classes work on bytes, so each unit is its own pattern.)
local AGES = { "^%d+%s*周前$", "^%d+%s*天前$", "^%d+%s*小时前$", "^%d+%s*分钟前$", "^昨天", "^前天" }
function M.is_age(t)
  for _, p in ipairs(AGES) do
    if t:find(p) then return true end
  end
  return false
end

function M.spans(text)
  local drop = {}
  local ls = lines(text)
  local byline
  for i, l in ipairs(ls) do
    local t = l.t
    -- (the age line stays: published.lua reads it)
    if is_trailer(t) then drop[#drop + 1] = { start = l.start, stop = l.stop } end
    if not byline and t:find("^作者|") then byline = i end
  end
  -- The account name: a short line just above the age line, in the header.
  for i = 2, math.min(#ls, 8) do
    if M.is_age(ls[i].t) then
      for k = i - 1, 1, -1 do
        local t = ls[k].t
        if t ~= "" then
          if k > 1 and utf8.len(t) and utf8.len(t) <= 12 then
            drop[#drop + 1] = { start = ls[k].start, stop = ls[k].stop }
          end
          break
        end
      end
    end
  end
  -- The body printed twice: everything after the first "原文标题" line that
  -- repeats the text before it.
  local footer = text:find("原文标题", 1, true)
  if footer then
    local eol = text:find("\n", footer, true) or #text
    local rest = text:sub(eol + 1)
    -- the first substantial paragraph after the header starts the copy
    for _, l in ipairs(ls) do
      local t = l.t
      if l.start < footer and #t >= 30 and not M.is_age(t) then
        local again = rest:find(t, 1, true)
        if again then
          local from = eol + again - 1
          -- up to the trailer (or the end)
          local to = #text
          for _, m in ipairs(ls) do
            if m.start > from and is_trailer(m.t) then to = m.start break end
          end
          drop[#drop + 1] = { start = from, stop = to }
        end
        break
      end
    end
  end
  return drop
end

return M
