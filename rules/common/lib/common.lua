-- lib/common.lua: helpers the common pack's rules share (require "lib.common").
-- Not a rule: it returns a table of functions.
--
-- Reminder for rule authors: the normalised text folds full-width ，；：（）
-- to ASCII , ; : ( ), and Lua pattern classes such as [，的] work on BYTES,
-- so a multi-byte character must never stand inside [...].  Use M.tail,
-- M.starts, M.ends, M.has (plain finds) instead.
local M = {}

-- The helpers that hold a text against a list of words (has_any,
-- starts_any, ends_any, after_last, tail, trim, only_joiners) are the
-- engine's `words` library, in C: rules call them thousands of times per
-- megabyte.  The lists given to them must not change once used (the
-- engine keeps a compiled copy of each; the rules' lists are constants).
local find, sub, byte = string.find, string.sub, string.byte

---------------------------------------------------------------------------
-- Plain text helpers
---------------------------------------------------------------------------

local trim = words.trim
M.trim = trim

-- Does text start / end with word?  Does it contain it?  (plain, no patterns)
local function starts(text, word) return sub(text, 1, #word) == word end
local function ends(text, word) return #word <= #text and sub(text, -#word) == word end
local function has(text, word) return find(text, word, 1, true) ~= nil end
M.starts, M.ends, M.has = starts, ends, has

-- The first word of the list (in list order) that text starts with / ends
-- with / contains.
M.starts_any, M.ends_any, M.has_any = words.starts_any, words.ends_any, words.has_any

-- A computed number without float noise (9.7 / 100 → 0.097, not
-- 0.09699999999999999).
function M.round(v)
  return tonumber(string.format("%.12g", v))
end

-- Number of characters (not bytes) of a UTF-8 string.
function M.chars(text) return utf8.len(text) or #text end

-- The end of text after the last character that is in stops (a set of
-- characters: { [","] = true, ["的"] = true }).  It walks characters, not
-- bytes: a Lua pattern class like [，的] would split multi-byte ones.
M.tail = words.tail

-- The text after the last occurrence of any of the words.
M.after_last = words.after_last

-- Characters that end a clause in normalised text (full-width ，；：（）
-- arrive folded to ASCII).
M.CLAUSE = { [","] = true, [";"] = true, [":"] = true, ["、"] = true, ["。"] = true, ["("] = true,
             [")"] = true, ["!"] = true, ["?"] = true, ["“"] = true, ["”"] = true, ["「"] = true,
             ["」"] = true, ["—"] = true, [" "] = true, ["\n"] = true, ["|"] = true, ["‘"] = true,
             ["’"] = true, ["\""] = true, ["《"] = true, ["》"] = true }

-- The same characters as one string, for s:clause_before.
local marks = {}
for c in pairs(M.CLAUSE) do marks[#marks + 1] = c end
M.CLAUSE_MARKS = table.concat(marks)

-- Is c (one character, or the first character of c; with i, the
-- character at byte i of c) a CJK ideograph (U+4E00..U+9FFF)?  Read from
-- its UTF-8 bytes: E4 B8..BF, then E5..E9.
function M.is_han(c, i)
  i = i or 1
  local b1, b2 = byte(c, i, i + 1)
  if not b1 or b1 < 0xE4 or b1 > 0xE9 then return false end
  return b1 > 0xE4 or (b2 or 0) >= 0xB8
end

-- Does a span of the list (mentions, hits, quantities) overlap [a, b)?
function M.overlaps(spans, a, b)
  for i = 1, #spans do
    local x = spans[i]
    if x.start < b and x.stop > a then return true end
  end
  return false
end

-- The characters of a string as a list.
function M.chars_of(text)
  local t = {}
  for _, c in utf8.codes(text) do t[#t + 1] = utf8.char(c) end
  return t
end

---------------------------------------------------------------------------
-- Amounts: the figure a keyword states
---------------------------------------------------------------------------

-- Words that make a figure a forecast or an estimate rather than an actual.
local FORECAST = { "预计", "预测", "有望", "预期", "估计", "料将", "目标", "指引", "或将", "将达",
                   "expected to", "expects", "forecast", "estimate", "guidance", "projected", "sees" }
M.FORECAST = FORECAST

-- Words that may stand between a metric's keyword and its amount
-- ("营收为17.4亿元", "营业收入达到…", "revenue of …", "expenses for the
-- quarter came to …").  Anything else between them — a comma, another
-- figure — means the amount belongs to something else.  Longer words first
-- where one starts another.
local JOINERS = { "分别为", "依次为", "则为", "则", "为", "达到了", "达到", "高达", "达", "约为", "约", "近",
                  "实现", "录得", "共计", "合计", "总计", "是", "超过", "超", "逾", "仅为", "仅",
                  "只有", "人民币", "有望达到", "有望", "预计", "将", "或", "可达", "同比", "了", "的",
                  "录", "升至", "增至", "增长至", "降至", "下降至", "上升至", "提升至",
                  "of about", "of", "was", "were", "is", "are", "totalled", "totaled", "totalling",
                  "totaling", "reached", "stood at", "came in at", "came to", "amounted to", "hit",
                  "at", "about", "around", "roughly", "to", "rose to", "grew to", "fell to",
                  "increased to", "decreased to", "jumped to", "climbed to", "dropped to",
                  "for the quarter", "for the period", "for the year", "for the half", "in the quarter",
                  "during the quarter", "in the period", "for the first half", "in the first half",
                  "year on year", "year-on-year", "from a year earlier", "from a year ago", "on year" }

-- Words that introduce the period a figure is stated for, between its
-- keyword and the period ("sales in the fourth quarter of 2025 were…").
local PERIOD_LEADS = { "in the", "for the", "during the", "in", "for", "during", "of", "在", "于" }

-- Is between nothing but joining words (and spaces)?  Each pass takes
-- words off the front in list order, each one later in the list than the
-- one before, until a pass takes off nothing (words.only).  A comma is
-- not a joiner: it ends the clause the amount must be in.
local function only_joiners(between)
  return words.only(between, JOINERS)
end
M.only_joiners = only_joiners

-- Was the text before this point (or between the keyword and its amount)
-- stating a forecast?
function M.is_forecast(s, pos, upto)
  local text = s:before(pos, 12)
  if upto then text = text .. s:between(pos, upto) end
  return M.has_any(text:lower(), FORECAST) ~= nil
end

-- Is a keyword's text English ("revenue", "R&D expenses")?  Worked out
-- once per text: hits only ever have the rules' keywords (in a few
-- spellings) as text, and amount_after asks for every hit.
local english_kw = setmetatable({}, { __index = function(known, text)
  local v = text:match("^[%w%s&]+$") ~= nil
  known[text] = v
  return v
end })

-- The amount a keyword states: the first money after it, when only joining
-- words (or a stated change, as in "增长256%至近10.51亿元" and "rose 21% to
-- 1.74 billion yuan") stand between them.  Returns the amount and the
-- change quantity if one was passed over.
function M.amount_after(s, kw, n)
  n = n or 16
  -- English words are longer than Chinese characters.
  if english_kw[kw.text or ""] then n = n * 3 end
  local from = kw
  local q = s:quantity_after(kw, n)
  -- "sales in the fourth quarter of 2025 were $1.38 billion": the period
  -- the keyword is stated for stands between; the amount follows it.
  if q and q.kind == "period" and words.only(s:between(kw, q), PERIOD_LEADS) then
    from = q
    q = s:quantity_after(q, n)
  end
  local change = nil
  if q and q.kind == "percent" and q.change then
    if not only_joiners(s:between(from, q)) then return nil end
    change = q
    q = s:quantity_after(q, 8)
  elseif q and q.kind == "money" and not only_joiners(s:between(from, q)) then
    return nil
  end
  -- (What stands between is read only for money: nothing else is an amount.)
  if not q or q.kind ~= "money" then return nil end
  if change and not only_joiners((s:between(change, q):gsub("至", ""):gsub("到", ""))) then return nil end
  return q, change
end

-- The Chinese words for a company's revenue, longest first.
M.REVENUE_WORDS = { "营业总收入", "营业收入", "收入总额", "总营收", "总收入", "营收", "收入" }

-- The words of the lists given, in order, as one new list (a rule's
-- keywords gathered from several).
function M.joined(...)
  local out = {}
  for _, list in ipairs({ ... }) do table.move(list, 1, #list, #out + 1, out) end
  return out
end

-- Words that say there is no revenue at all, right before the revenue
-- word (尚无营收, 没有收入).
M.NO_REVENUE = { "尚无", "暂无", "没有", "尚未产生", "未产生", "尚未实现", "零" }

-- The year-on-year change stated just after an amount ("，同比增长21%",
-- "up 100.4 percent"): a percent with a direction within a few characters.
function M.change_after(s, m)
  -- English puts more words between ("…33.6 billion yuan on Wednesday, down 3%").
  local english = (m.text or ""):match("^[%w%s%.,%$]+$") ~= nil
  local q = s:quantity_after(m, english and 24 or 10, "percent")
  if q and q.change and q.unit == "%" then
    local between = s:between(m, q)
    if not M.has(between, "占") and not between:find("share") and not M.has(between, "元") and
       not between:find("[%.;]%s") then
      return q
    end
  end
  return nil
end

-- The signed change of a percent quantity as a number (21, -50.6).
function M.change_value(q)
  if not q then return nil end
  return q.value
end

-- Money quantities listed one after another from pos on ("8.49亿元、19.16亿元
-- …和34.66亿元"): stops at the first money that is not separated by a
-- list mark.
local RESPECTIVELY = { "分别", "依次", "respectively" }
local LIST_MARKS = { ["、"] = true, [","] = true, ["和"] = true, ["及"] = true, ["以及"] = true,
                     ["与"] = true, ["and"] = true, [", and"] = true }
function M.money_list(s, pos)
  local list = {}
  local prev = pos
  local money = s:quantities("money")
  for i = 1, #money do
    local q = money[i]
    if q.start >= (prev.stop or prev) then
      local between = trim(s:between(prev, q))
      if #list == 0 then
        local rest = M.after_last(between, RESPECTIVELY)
        if not only_joiners((rest:gsub("投入", ""):gsub("是", ""))) then break end
      elseif not LIST_MARKS[between] then
        break
      end
      list[#list + 1] = q
      prev = q
    end
  end
  return list
end

---------------------------------------------------------------------------
-- Periods
---------------------------------------------------------------------------

-- Years of an interval period "2018/2023" → {2018, ..., 2023}, or nil.
function M.years(period)
  local a, b = (period or ""):match("^(%d%d%d%d)/(%d%d%d%d)$")
  if not a then return nil end
  local t = {}
  for y = tonumber(a), tonumber(b) do t[#t + 1] = tostring(y) end
  return t
end

-- The same period one year earlier (2024H1 → 2023H1, 2024Q3 → 2023Q3,
-- 2023 → 2022), or nil for intervals and days.
function M.prior_year(period)
  local y, rest = (period or ""):match("^(%d%d%d%d)(.*)$")
  if not y or rest:find("/") or rest:match("^%-%d%d%-") then return nil end
  return tostring(tonumber(y) - 1) .. rest
end

-- A period that names its year ("2023年", "2018年至2023年") rather than
-- counting from the document date ("今年", "近6年").
local function explicit(q) return q.text:find("%d%d%d%d") ~= nil end

-- A fiscal period ("2025财年第二季度", "fiscal 2025", "FY2025"): DESIGN.md
-- has no form for it, so it blocks a calendar period rather than giving one.
local function fiscal(q)
  local t = q.text
  if has(t, "财") and (has(t, "财年") or has(t, "财政年度")) then return true end
  if not find(t, "[Ff][IiYy]") then return false end -- most periods: no lower() copy
  t = t:lower()
  return has(t, "fiscal") or t:find("fy%d") ~= nil
end

-- Words that make the period after them a comparison base (较2023年,
-- 与去年同期相比, 从2023年的5.9%升至9.7%), not the period in force.
local BASE = { "较", "比", "相比", "相较", "对比", "与", "同比", "than", "from", "versus", "vs" }

-- "The same period a year earlier" (上年同期, 去年同期, 2023年同期): the
-- scanner reads them as periods it cannot resolve alone, for they depend
-- on the period under discussion.  M.period reads them as that period, a
-- year back (2024Q1 → 2023Q1), and only in their own clause (上年同期7041
-- 亿日元；净利润383亿日元 — the profit is the current period's again)
-- unless one opens the sentence (去年同期，公司研发费用…).
local SAME_LAST_YEAR = { ["上年同期"] = true, ["去年同期"] = true, ["上一年同期"] = true,
                         ["上年度同期"] = true }

local function is_same_last_year(text)
  return SAME_LAST_YEAR[text] or text:match("^%d%d%d%d年同期$") ~= nil
end

-- The period a same-period phrase stands for, given the current period,
-- or false when it cannot be told.
local function same_period_of(text, current)
  if not current then return false end
  local y = text:match("^(%d%d%d%d)年同期$")
  if not y then return M.prior_year(current) or false end
  local rest = current:match("^%d%d%d%d(.*)$")
  if not rest or rest:find("/") then return false end
  return y .. rest
end

-- Parts of a year the text names without one (上半年, 第三季度, first
-- quarter), as a period's suffix after the year: with no document date
-- the scanner cannot tell the year, but a year stated before them in the
-- sentence can (2011年半年报显示，公司上半年… → 2011H1).
local ZH_QUARTER = { ["一"] = 1, ["二"] = 2, ["三"] = 3, ["四"] = 4, ["1"] = 1, ["2"] = 2, ["3"] = 3, ["4"] = 4 }
local EN_QUARTER = { first = 1, second = 2, third = 3, fourth = 4 }

local function part_of_year(text)
  if find(text, "前三季度", 1, true) then return "Q1/", "Q3" end
  if find(text, "上半年", 1, true) then return "H1" end
  if find(text, "下半年", 1, true) then return "H2" end
  if sub(text, -6) == "季度" then -- (a numeral is 3 bytes, a digit 1)
    local n = ZH_QUARTER[sub(text, -9, -7)] or ZH_QUARTER[sub(text, -7, -7)]
    if n then return "Q" .. n end
  end
  local l = text:lower()
  local q = l:match("^(%a+) quarter$") or l:match("^the (%a+) quarter$")
  if q and EN_QUARTER[q] then return "Q" .. EN_QUARTER[q] end
  if l:match("first half$") then return "H1" end
  if l:match("second half$") then return "H2" end
  return nil
end

-- The year of the last period naming its year (2023年, not 今年) in an
-- earlier sentence of s's paragraph, up to six back, or nil.
local function year_before(s)
  local prev, steps = s:prev(), 0
  while prev and prev.paragraph == s.paragraph and steps < 6 do
    local plist = M.periods(prev)
    for i = #plist, 1, -1 do
      local p = plist[i].period
      if plist[i].explicit and p then return p:match("^%d%d%d%d") end
    end
    prev, steps = prev:prev(), steps + 1
  end
  return nil
end

-- The period the part of a year in text stands for, in the year of the
-- last period naming its year before it in the sentence (last_explicit),
-- else in an earlier sentence of the paragraph; nil when text names no
-- part of a year or no year can be told.
local function in_context_year(text, s, last_explicit)
  local part, last = part_of_year(text)
  if not part then return nil end
  local y
  if last_explicit then y = last_explicit.period:match("^%d%d%d%d") else y = year_before(s) end
  if not y then return nil end
  if last then return y .. part .. y .. last end -- 前三季度: 2011Q1/2011Q3
  return y .. part
end

-- "全年", "全年度" alone: the year the text is talking about, not the
-- document's year (2023年尚无营收,全年研发投入6.8亿元 → 2023).
local WHOLE_YEAR = { ["全年"] = true, ["全年度"] = true, ["年内"] = true, ["本年度"] = true }

-- The periods stated in a sentence that can be "in force", in order, each
-- {start, stop, period, text} (period false for a fiscal period):
-- comparison bases are left out, and so is a relative period that restates
-- the explicit one just before it ("从2018年至2023年,商汤近6年").
-- Memoised per sentence: period() asks for the same sentences again and
-- again as it looks back through a paragraph.
local periods_of = setmetatable({}, { __mode = "k" })

function M.periods(s)
  if periods_of[s] then return periods_of[s] end
  local list = {}
  local last_explicit, current
  local periods = s:quantities("period", "date")
  for i = 1, #periods do
    local q = periods[i]
    if not q.asof then
      local is_fiscal = fiscal(q)
      local in_year = not q.period and q.resolved == false and in_context_year(q.text, s, last_explicit)
      if not q.period and not is_fiscal and is_same_last_year(q.text) then
        -- 较上年同期, 与去年同期相比: a comparison base, in force nowhere
        local before = s:before(q, 2)
        if not M.ends_any(before, BASE) then
          list[#list + 1] = { start = q.start, stop = q.stop, text = q.text, same_last_year = true,
                              current = current, opens = trim(before) == "" }
        end
      elseif in_year then
        -- 上半年 with no document date, after 2011年: 2011H1
        list[#list + 1] = { start = q.start, stop = q.stop, text = q.text, explicit = false,
                            period = in_year }
        current = list[#list]
      elseif q.period or is_fiscal then
        local is_explicit = explicit(q)
        local before = s:before(q, 2)
        local base = M.ends_any(before, BASE) or (s:after(q, 1) == "的" and s:after(q, 2):match("的%d"))
        local restates = false
        if last_explicit and not is_explicit and q.period and last_explicit.period and
           M.chars(s:between(last_explicit, q)) <= 8 and
           (q.period:find("/") ~= nil) == (last_explicit.period:find("/") ~= nil) then
          restates = true
        end
        if not base and not restates then
          local p = q.period
          if is_fiscal then p = false end
          local whole = p and WHOLE_YEAR[q.text]
          if whole and last_explicit and last_explicit.period then
            p = last_explicit.period:match("^(%d%d%d%d)") or p
            whole = false
          end
          list[#list + 1] = { start = q.start, stop = q.stop, period = p, text = q.text, whole = whole,
                              explicit = is_explicit }
          current = list[#list]
        end
        if is_explicit and q.period then last_explicit = q end
      end
    end
  end
  periods_of[s] = list
  return list
end

-- Sentence openings that refer to a time other than the one just stated
-- (在此之前, 此前, 随后): the previous sentence's date does not carry over.
local SHIFT = { "在此之前", "此前", "之前", "此后", "随后", "其后", "后来", "早前", "稍早" }

-- Words that point back to the period of an earlier paragraph (同期研发
-- 费用为…, 报告期内).
local SAME_PERIOD = { "同期", "当期", "同一时期", "报告期内", "同季度", "同一季度", "same period",
                      "the quarter", "the period" }

-- Openings of a paragraph that break down what the paragraph before it
-- reported (分业务看，生成式AI业务收入…): it goes on in that period.
local BREAKDOWN = { "分业务看", "分业务来看", "分板块看", "分板块来看", "分产品看", "分产品来看",
                    "分地区看", "分地区来看", "分部门看", "具体来看", "具体而言", "细分来看",
                    "by segment", "by business" }

-- Does the sentence open with a word of BREAKDOWN?  Memoised per sentence.
local breakdown_of = setmetatable({}, { __mode = "k" })
local function breaks_down(s)
  local v = breakdown_of[s]
  if v == nil then
    v = M.starts_any(trim(s.text):lower(), BREAKDOWN) ~= nil
    breakdown_of[s] = v
  end
  return v
end

-- 全年 with no year in its sentence: the year of the last explicit period
-- earlier in the paragraph (2023年研发费用…。公司全年营业收入… → 2023).
local function whole_year(s, entry)
  return year_before(s) or entry.period
end

-- Does the sentence open with a word of SHIFT?  Memoised per sentence.
local shift_of = setmetatable({}, { __mode = "k" })
local function shifts(s)
  local v = shift_of[s]
  if v == nil then
    v = M.starts_any(trim(s.text), SHIFT) ~= nil
    shift_of[s] = v
  end
  return v
end

-- The walk back through earlier sentences for the period in force (the
-- last step of M.period): the last period of an earlier sentence of the
-- paragraph, or of an earlier paragraph when the text points back to it
-- (anaphor) or the paragraph opens with a breakdown.  Returns the period
-- (false for none or a fiscal one) and whether the walk stopped at an
-- earlier paragraph it would have crossed with an anaphor.
local function walk_back(s, anaphor)
  local prev, steps, first = s:prev(), 0, s -- first: the paragraph's first sentence seen
  while prev and steps < 12 do
    if prev.paragraph ~= s.paragraph and not anaphor and not breaks_down(first) then
      return false, true
    end
    if prev.paragraph == s.paragraph then first = prev end
    local plist = M.periods(prev)
    for i = #plist, 1, -1 do -- the current period, not a year-earlier one
      if not plist[i].same_last_year then return plist[i].period or false, false end
    end
    prev, steps = prev:prev(), steps + 1
  end
  return false, false
end

-- Is sentence h a paragraph of its own (a line)?
local function own_line(h)
  local p, n = h:prev(), h:next()
  return not ((p and p.paragraph == h.paragraph) or (n and n.paragraph == h.paragraph))
end

local FULL_STOPS = { "。", "！", "？" }

-- Is the line h a heading: short, not closed like a sentence, with no
-- amount or percentage in it ("Fourth Quarter 2025 Results", 2024年上半年
-- 业绩)?
local function is_heading(h)
  local text = trim(h.text)
  if M.chars(text) > 40 or text:find("[%.!?:]$") or M.ends_any(text, FULL_STOPS) then
    return false
  end
  return #h:quantities("money", "percent") == 0
end

-- The period of the heading over line h, or false: the nearest line
-- from h back that names a period must be a heading (lines of their own
-- that name none, such as the items of a list, may stand between; a
-- paragraph of prose may not), and its period a span, not a day (a
-- digest's dated title line is no period of the figures under it).
-- Memoised per line: the lines of a list ask about the same lines.
local headings_of = setmetatable({}, { __mode = "k" })
local function heading_from(h)
  if not h or not own_line(h) then return false end
  local v = headings_of[h]
  if v ~= nil then return v end
  local plist = M.periods(h)
  if #plist > 0 then
    local p = plist[#plist].period
    v = p and is_heading(h) and not p:match("%-%d%d%-%d%d$") and p or false
  else
    v = heading_from(h:prev())
  end
  headings_of[h] = v
  return v
end

-- The period of the heading the sentence stands under, or false.  Asked
-- when the walk back through its own paragraph found no period.
local function under_heading(s)
  local prev = s:prev()
  while prev and prev.paragraph == s.paragraph do prev = prev:prev() end
  return heading_from(prev)
end

-- walk_back's answers, memoised per sentence and value of anaphor: the
-- walk depends on nothing else, and a sentence with several figures asks
-- for it once per figure.
local walks_of = setmetatable({}, { __mode = "k" })
local function walked(s, anaphor)
  local w = walks_of[s]
  if not w then
    w = {}
    walks_of[s] = w
  end
  local r = w[anaphor]
  if not r then
    r = { walk_back(s, anaphor) }
    w[anaphor] = r
  end
  return r[1], r[2]
end

-- The period a same-period phrase (上年同期) stands for: the current one
-- before it in its sentence, else the one of the text before, a year back.
-- The phrase itself points back, across a paragraph if need be.
local function same_last_year(s, entry)
  local current = entry.current
  local p
  if current then
    p = current.whole and whole_year(s, current) or current.period
  else
    local stopped
    p, stopped = walked(s, false)
    if stopped then p = walked(s, true) end
  end
  return same_period_of(entry.text, p or nil) or nil
end

-- Words that turn what follows into a comparison base.
local COMPARED = { "compared to", "compared with", "versus", " vs. ", "as against" }

-- Does the text between x and pos turn the figure at pos into a base?
local function compared_between(s, x, pos)
  return M.has_any(s:between(x.stop, pos), COMPARED) ~= nil
end

-- Is there a clause mark between the end of x and pos?
local function clause_between(s, x, pos)
  local gap = s:between(x.stop, pos)
  return gap:find("[,;:]") ~= nil or M.has(gap, "。")
end

-- The period in force at pos: the nearest stated period before it in the
-- sentence; else one after it in the same clause ("revenue rose 21% in
-- the first half"); else the last one of an earlier sentence of the
-- paragraph; else, when the text says 同期 / 报告期内 or the paragraph
-- opens with a breakdown (分业务看), the last one of an earlier paragraph,
-- or that of a heading over it.  A fiscal period gives nil.  Like
-- s:period, but it skips comparison bases and relative restatements, and
-- reads 全年 and 上年同期 in context.
function M.period(s, pos)
  pos = type(pos) == "table" and pos.start or pos or s.stop
  local list = M.periods(s)
  local before, after
  for i = 1, #list do
    local p = list[i]
    if p.start < pos then
      -- a year-earlier period holds in its own clause only
      if not (p.same_last_year and not p.opens and clause_between(s, p, pos)) then before = p end
    elseif not after then after = p end
  end
  -- "net loss of $19.7 million …, as compared to net income of $35.0
  -- million … for full year 2024": the figure after "compared" is the
  -- base, stated for the period after it.
  if before and after and after.period and compared_between(s, before, pos) then
    return after.period
  end
  if before and before.same_last_year then return same_last_year(s, before) end
  if before and before.whole then return whole_year(s, before) end
  if before then return before.period or nil end
  local gap = after and s:between(pos, after)
  if after and not gap:find("[,;:]") and not M.has(gap, "。") then
    if after.same_last_year then return same_last_year(s, after) end
    if after.whole then return whole_year(s, after) end
    return after.period or nil
  end
  if shifts(s) then return nil end
  -- The text before pos is asked whether it points back (同期, 报告期内)
  -- only when the walk would cross into an earlier paragraph.
  local p, stopped = walked(s, false)
  if stopped and M.has_any(s:before(pos, 40):lower(), SAME_PERIOD) ~= nil then
    p = walked(s, true)
  elseif stopped then
    p = under_heading(s)
  end
  return p or nil
end

-- The interval period ("2018/2023") in force at pos, preferring one that
-- names its years; nil when none.
function M.interval(s, pos)
  local p = M.period(s, pos)
  if M.years(p) then return p end
  return nil
end

-- When an event happened: a day ("2024-03-26") goes to `date`, anything
-- coarser ("2023", "2024-12") to `period`.
function M.when(s, kw)
  local p = M.period(s, kw)
  if p and p:match("^%d%d%d%d%-%d%d%-%d%d$") then return p, nil end
  return nil, p
end

---------------------------------------------------------------------------
-- Organisations
---------------------------------------------------------------------------

-- canonical → parent for every business unit the document names (from the
-- lexicon's unit lines): 菜鸟 → 阿里巴巴.  Built once per document.
local parents_of = setmetatable({}, { __mode = "k" }) -- by document object
function M.parents(doc)
  if not parents_of[doc] then
    local map = {}
    local units = doc:mentions("unit")
    for i = 1, #units do
      local m = units[i]
      if m.extra and m.extra ~= "" then map[m.canonical] = m.extra end
    end
    parents_of[doc] = map
  end
  return parents_of[doc]
end

-- The group a name belongs to: the parent of a business unit, else the
-- name itself.
function M.group_of(s, canonical)
  if not canonical then return nil end
  return M.parents(s.doc)[canonical] or canonical
end

-- The organisation or unit mentions of a sentence, in order.  Memoised
-- per sentence (stem_before asks for every revenue keyword); the list is
-- shared, so callers must not change it.  (Only sentence rules ask, once
-- the mentions are final.)
local orgs_of = setmetatable({}, { __mode = "k" })
function M.orgs(s)
  local list = orgs_of[s]
  if list then return list end
  list = {}
  local mentions = s:mentions()
  for i = 1, #mentions do
    local m = mentions[i]
    if m.type == "org" or m.type == "unit" then list[#list + 1] = m end
  end
  orgs_of[s] = list
  return list
end

-- What stands before a keyword in its clause once the company and the
-- period are taken off: "第三季度腾讯增值服务收入" → "增值服务", "美团第三季度
-- 收入" → "".  Also returns the last organisation mention it took off.
function M.stem_before(s, kw, n)
  local clause = s:clause_before(kw, n or 20, M.CLAUSE_MARKS)
  local clause_start = kw.start - #clause
  local cut, org = clause_start, nil
  local periods = s:quantities("period", "date")
  for i = 1, #periods do
    local q = periods[i]
    if q.start >= clause_start and q.stop <= kw.start then
      cut = math.max(cut, q.stop)
    end
  end
  local orgs = M.orgs(s)
  for i = 1, #orgs do
    local m = orgs[i]
    if m.start >= clause_start and m.stop <= kw.start and m.stop > cut then
      cut, org = m.stop, m
    end
  end
  return s:between(cut, kw), org
end

---------------------------------------------------------------------------
-- Emitting
---------------------------------------------------------------------------

-- The emit fields every money metric shares.
function M.money_fields(name, s, kw, m, extra)
  local f = {
    kind = "metric", name = name, entity = s:subject(kw), period = M.period(s, kw),
    value = m.value, unit = m.unit, qualifier = m.qualifier, evidence = { kw, m },
  }
  if M.is_forecast(s, kw, m) then f.estimate = true end
  if extra then for k, v in pairs(extra) do f[k] = v end end
  return f
end

-- Emit a metric and remember, in a hidden field (not output), the text of
-- the quantity it came from, so that checks can tell the precision the
-- text stated (163亿 is stated to 1亿).
function M.emit_metric(s, f, q)
  local stored = s:emit(f)
  if stored and q then stored._qtext = q.text end
  return stored
end

-- The precision a figure was stated to, in the fact's own units: 163亿元
-- → 1e8, 27.98亿 → 1e6, 60.4% (as 0.604) → 0.001.  scale converts the
-- written number to the value (1e8 for 亿, 0.01 for a percent as fraction).
function M.precision(text, value)
  local num = (text or ""):match("%d[%d,]*%.?%d*")
  if not num or not value or value == 0 then return nil end
  -- (Plain finds: most figures have no thousands separator to take out,
  -- and the decimals are all that follows the point.)
  local plain = find(num, ",", 1, true) and num:gsub(",", "") or num
  local n = tonumber(plain)
  if not n or n == 0 then return nil end
  local point = find(plain, ".", 1, true)
  local step = 10 ^ -(point and #plain - point or 0)
  return math.abs(value / n) * step
end

-- The facts emitted through emit_once, per document: kind, name and key →
-- the fact as stored.
local keyed_of = setmetatable({}, { __mode = "k" }) -- by document object

-- Emit a fact of this kind, name and key once per document: fields()
-- makes it the first time only.  Another statement of the same key is a
-- repeat the engine would drop, so its date and fields need not be worked
-- out again.  Returns the fact as stored, as s:emit does.
function M.emit_once(s, kind, name, key, fields)
  local keyed = keyed_of[s.doc]
  if not keyed then
    keyed = {}
    keyed_of[s.doc] = keyed
  end
  local id = kind .. "|" .. name .. "|" .. key
  local stored = keyed[id]
  if not stored then
    local f = fields()
    f.kind, f.name, f.key = kind, name, key
    stored = s:emit(f)
    keyed[id] = stored
  end
  return stored
end

-- Emit an event once per document and key (the same layoff told in three
-- sentences is one layoff).
function M.event(s, kw, name, extra, key)
  local entity = s:subject(kw)
  return M.emit_once(s, "event", name, name .. "|" .. (entity or "?") .. "|" .. (key or ""), function()
    local date, period = M.when(s, kw)
    local f = { entity = entity, date = date, period = period, evidence = { kw } }
    for k, v in pairs(extra or {}) do f[k] = v end
    return f
  end)
end

return M
