-- lib/common.lua: helpers the common pack's rules share (require "lib.common").
-- Not a rule: it returns a table of functions.
local M = {}

-- Words that make a figure a forecast or an estimate rather than an actual.
local FORECAST = { "预计", "预测", "有望", "预期", "估计", "料将", "目标", "指引",
                   "expected to", "expects", "forecast", "estimate", "guidance", "projected" }

-- Words that may stand between a metric's keyword and its amount
-- ("营收为17.4亿元", "营业收入达到…", "revenue of …").  Anything else
-- between them — a comma, another figure — means the amount belongs to
-- something else.
local JOINERS = { "为", "达到", "达", "高达", "约", "近", "实现", "录得", "共计", "合计", "总计",
                  "是", "超", "超过", "逾", "仅", "只有", "人民币", "of", "was", "were", "is",
                  "totalled", "totaled", "reached", "stood at", "came in at", "hit", "at", "about",
                  "of about", "to", "了", "则为", "分别为", "录", "的", "同比" }

-- The end of text after the last character that is in stops (a set of
-- characters: { [","] = true, ["的"] = true }).  Walks characters, not
-- bytes: a Lua pattern class like [，的] would split multi-byte ones.
function M.tail(text, stops)
  local cut = 1
  for p, c in utf8.codes(text) do
    if stops[utf8.char(c)] then cut = p + #utf8.char(c) end
  end
  return text:sub(cut)
end

-- Characters that end a clause in normalised text (full-width ，；：（）
-- arrive folded to ASCII).
M.CLAUSE = { [","] = true, [";"] = true, [":"] = true, ["、"] = true, ["。"] = true, ["("] = true,
             [")"] = true, ["!"] = true, ["?"] = true, ["“"] = true, ["”"] = true, ["「"] = true,
             ["」"] = true, ["—"] = true, [" "] = true, ["\n"] = true }

local function trim(t)
  return (t:gsub("^%s+", ""):gsub("%s+$", ""))
end
M.trim = trim

local function only_joiners(between)
  local rest = trim(between)
  if rest == "" then return true end
  -- strip joiners repeatedly from the front
  local changed = true
  while changed and rest ~= "" do
    changed = false
    for _, w in ipairs(JOINERS) do
      if rest:sub(1, #w) == w then
        rest = trim(rest:sub(#w + 1))
        changed = true
      end
    end
  end
  return rest == ""
end

-- Was the text before this point stating a forecast?
function M.is_forecast(s, pos)
  local before = s:before(pos, 12)
  for _, w in ipairs(FORECAST) do
    if before:find(w, 1, true) then return true end
  end
  return false
end

-- The amount a keyword states: the first money after it, when only joining
-- words (or a stated change, as in "增长256%至近10.51亿元" and "rose 21% to
-- 1.74 billion yuan") stand between them.  Returns the amount and the
-- change quantity if one was passed over.
function M.amount_after(s, kw, n)
  n = n or 16
  local q = s:quantity_after(kw, n)
  local change = nil
  if q and q.kind == "percent" and q.change then
    change = q
    q = s:quantity_after(q, 8)
    if q and not only_joiners((s:between(change, q):gsub("至", ""):gsub("到", ""))) then return nil end
  elseif q and not only_joiners(s:between(kw, q)) then
    return nil
  end
  if q and q.kind == "money" then return q, change end
  return nil
end

-- The year-on-year change stated just after an amount ("，同比增长21%",
-- "up 100.4 percent"): a percent with a direction within a few characters.
function M.change_after(s, m)
  local q = s:quantity_after(m, 8, "percent")
  if q and q.change and q.unit == "%" then
    local between = s:between(m, q)
    if not between:find("占") and not between:find("share") then return q end
  end
  return nil
end

-- The signed change of a percent quantity as a number (21, -50.6).
function M.change_value(q)
  if not q then return nil end
  return q.value
end

-- Years of an interval period "2018/2023" → {2018, ..., 2023}, or nil.
function M.years(period)
  local a, b = (period or ""):match("^(%d%d%d%d)/(%d%d%d%d)$")
  if not a then return nil end
  local t = {}
  for y = tonumber(a), tonumber(b) do t[#t + 1] = tostring(y) end
  return t
end

-- Money quantities listed one after another from pos on ("8.49亿元、19.16亿元
-- …和34.66亿元"): stops at the first money that is not separated by a
-- list mark.
function M.money_list(s, pos)
  local list = {}
  local prev = pos
  for _, q in ipairs(s:quantities("money")) do
    if q.start >= (prev.stop or prev) then
      local between = trim(s:between(prev, q))
      if #list == 0 then
        if not (between == "" or between:find("^[为达分别投入了約约共计]*$")) and #between > 18 then break end
      elseif not (between == "、" or between == "," or between == "，" or between == "和" or
                  between == "及" or between == "以及" or between == "and" or between == ", and") then
        break
      end
      list[#list + 1] = q
      prev = q
    end
  end
  return list
end

-- The emit fields every money metric shares.
function M.money_fields(name, s, kw, m, extra)
  local f = {
    kind = "metric", name = name, entity = s:subject(kw), period = s:period(kw),
    value = m.value, unit = m.unit, qualifier = m.qualifier, evidence = { kw, m },
  }
  if M.is_forecast(s, kw) then f.estimate = true end
  for k, v in pairs(extra or {}) do f[k] = v end
  return f
end

-- When an event happened: a day ("2024-03-26") goes to `date`, anything
-- coarser ("2023", "2024-12") to `period`.
function M.when(s, kw)
  local p = s:period(kw)
  if p and p:match("^%d%d%d%d%-%d%d%-%d%d$") then return p, nil end
  return nil, p
end

-- Emit an event once per document and key (the same layoff told in three
-- sentences is one layoff).
function M.event(s, kw, name, extra, key)
  local date, period = M.when(s, kw)
  local f = { kind = "event", name = name, entity = s:subject(kw), date = date, period = period,
              evidence = { kw } }
  for k, v in pairs(extra or {}) do f[k] = v end
  f.key = name .. "|" .. (f.entity or "?") .. "|" .. (key or "")
  return s:emit(f)
end

return M
