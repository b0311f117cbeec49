-- lib/clean.lua: finds the parts of a feed article that are furniture, not
-- text (pack.lua's clean).  Works on the normalised text: full-width ｜ and
-- ： arrive as | and :.
local M = {}

-- Lines that are only the app's, and lines that hold its call to read
-- more: dropped wherever they stand.
local TRAILER = { ["展开"] = true, ["APP内打开"] = true, ["App内打开"] = true }
local MORE = "阅读更多精彩资讯"
local TRAILER_WORDS = { "展开", "APP内打开", "App内打开", MORE }

local function is_trailer(t)
  return TRAILER[t] or t:find(MORE, 1, true) ~= nil
end

-- "1周前", "3小时前", "昨天 18:02", "2天前": when the app showed it, not text.
-- (Lua pattern classes work on bytes, so each unit is its own pattern.)
local AGES = { "^%d+%s*周前$", "^%d+%s*天前$", "^%d+%s*小时前$", "^%d+%s*分钟前$", "^昨天", "^前天" }
function M.is_age(t)
  for i = 1, #AGES do
    local p = AGES[i]
    if t:find(p) then return true end
  end
  return false
end

-- The text's first 8 lines: { start, stop, t (text trimmed) }.
local function header(text)
  local head = {}
  for start, stop, t in words.lines(text) do
    head[#head + 1] = { start = start, stop = stop, t = t }
    if #head == 8 then break end
  end
  return head
end

-- The account name: a short line just above the age line, in the header
-- (the age line stays: published.lua reads it).
local function account_name(head, drop)
  for i = 2, #head do
    if M.is_age(head[i].t) then
      for k = i - 1, 1, -1 do
        local t = head[k].t
        if t ~= "" then
          if k > 1 and utf8.len(t) and utf8.len(t) <= 12 then
            drop[#drop + 1] = { start = head[k].start, stop = head[k].stop }
          end
          break
        end
      end
    end
  end
end

-- The first substantial paragraph before the footer at byte `footer`.
local function first_paragraph(text, footer)
  for start, _, t in words.lines(text) do
    if start >= footer then return nil end
    if #t >= 30 and not M.is_age(t) then return t end
  end
end

-- Lines come from words.lines (offsets 0-based, text trimmed); with the
-- trailer words, it gives only the lines that hold one, so the article's
-- other lines are never walked in Lua.
function M.spans(text)
  local drop, trailers = {}, {}
  for start, stop, t in words.lines(text, TRAILER_WORDS) do
    if is_trailer(t) then
      drop[#drop + 1] = { start = start, stop = stop }
      trailers[#trailers + 1] = start
    end
  end
  account_name(header(text), drop)
  -- The body printed twice: everything after the "原文标题" line that
  -- repeats the text before it, from its first substantial paragraph up to
  -- the trailer (or the end).
  local footer = text:find("原文标题", 1, true)
  local first = footer and first_paragraph(text, footer)
  if first then
    local eol = text:find("\n", footer, true) or #text
    local again = text:find(first, eol + 1, true)
    if again then
      local from, to = again - 1, #text
      for i = 1, #trailers do
        local t = trailers[i]
        if t > from then to = t break end
      end
      drop[#drop + 1] = { start = from, stop = to }
    end
  end
  return drop
end

return M
