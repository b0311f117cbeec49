-- people.lua: people named with their job title — entity facts of name
-- "person" with `role` as written (董事长兼CEO, 集团CEO, 前任CEO, 合伙人,
-- Chairman and Chief Executive) and `org`, the canonical company.
--
-- Shapes it reads (the titles themselves come from lexicon/titles.tsv):
--   商汤科技董事长兼CEO徐立…      org, title, name
--   集团CEO吴泳铭接过帅印         title, name (org from the sentence or
--                                 the company the text is about)
--   吴泳铭出任集团CEO             name, 出任/担任, title
--   Chief Executive Lei Jun said  title, name
--   said Xu Li, chief executive   name, comma, title
-- A Chinese name is 2–3 characters starting with a common surname; its
-- length is decided by what follows (徐立向…, 王晟的…, 张勇任内, 吴泳铭接过…).
-- Names are not in any lexicon, so every candidate is checked against
-- words that are not names (高管, 方面…).  One fact per person: the first
-- statement, which usually carries the full title and company, wins.
local lib = require "lib.common"

local find, sub, byte = string.find, string.sub, string.byte

-- What ends a clause (brackets and quotes do not: 商汤科技（以下简称“商汤”）
-- 董事长兼CEO徐立).
local CLAUSE_ENDS = { ",", ";", ":", "。", "!", "?", "\n" }
local CLAUSE_END_CHARS = table.concat(CLAUSE_ENDS) -- the same, for s:clause_before

-- Common Chinese surnames.  Left out on purpose: characters that are far
-- more often ordinary words right after a title (向, 全, 和, 时, 商, 明, 包,
-- 关, 成, 尚, 常, 万, 管, 项, 解, 应, 单, 连, 边, 党, 师).
local SURNAME_LIST = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋" ..
  "蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺" ..
  "顾毛郝龚邵钱严覃武戴莫孔汤温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳" ..
  "甘祝宁符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝路游辛靳柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆农" ..
  "司卓古吉缪简车麦褚娄窦戚岑景宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁沙荣巫寇桑郎甄丛" ..
  "仲虞敖巩佘池查麻苑迟邝"
local SURNAMES = {}
for _, c in utf8.codes(SURNAME_LIST) do SURNAMES[utf8.char(c)] = true end
local COMPOUND = { ["欧阳"] = true, ["司马"] = true, ["诸葛"] = true, ["上官"] = true, ["东方"] = true,
                   ["皇甫"] = true, ["尉迟"] = true, ["公孙"] = true, ["慕容"] = true, ["令狐"] = true,
                   ["长孙"] = true, ["宇文"] = true, ["司徒"] = true, ["夏侯"] = true }

-- Characters that end a two-character name when they come third
-- (王晟的…, 徐立向…, 王晟这样…).
local ENDS = {}
for _, c in utf8.codes("的了在是和与及向对于为将也都就则曾已又还说称等但却并而被把让给从到以会能要来去" ..
                       "近今昨当正即随再仍便亦只才刚更最不没未均皆可后前时这那此所因先日月年本") do
  ENDS[utf8.char(c)] = true
end

-- Words that start right after a two-character name (徐立发布…, 张勇任内,
-- 王晟表示…): the third character belongs to them, not to the name.
local VERBS_AFTER = { "发布", "表示", "强调", "指出", "认为", "透露", "介绍", "坦言", "回应", "提到", "告诉",
                      "接过", "任内", "时期", "这样", "看来", "曾经", "已经", "正在", "接受", "出任", "担任",
                      "宣布", "称赞", "发表", "签署", "带领", "领导", "主持", "解释", "说明", "提出", "表态",
                      "直言", "回忆", "分享", "评价", "谈到", "谈及", "说道", "指示", "上任", "离任", "卸任",
                      "辞任", "辞去", "兼任", "亲自", "本人", "先生", "女士", "团队", "任期", "主导", "推动",
                      "访问", "出席", "参加", "会见", "抵达", "来华", "访华", "到访", "致信", "发文",
                      -- 梁柱负责…, 张军教授: a duty or a title after the name
                      "负责", "主管", "分管", "教授", "博士", "院士", "律师" }

-- Two-character words that look like surname + name but are words.
local NOT_NAMES = { "高管", "高层", "高度", "高达", "高于", "高位", "高速", "高效", "金额", "金融", "安全",
                    "安防", "方面", "方案", "方式", "方向", "方法", "于是", "华为", "王牌", "石油", "马上",
                    "黄金", "江湖", "林业", "任何", "任务", "任职", "文件", "文化", "程度", "周年", "周期",
                    "龙头", "毛利", "苏醒", "陆续", "余额", "易于", "齐全", "申请", "宁愿", "曾经", "史上",
                    "雷同", "秦朝", "贾跃", "孙公", "许多", "许可", "何时", "何况", "杜绝", "严格", "严重",
                    "戴着", "温和", "康复", "施工", "牛市", "华人", "童年", "路线", "游戏", "艾滋", "卫生",
                    "米饭", "费用", "宗旨", "冷静", "景气", "谷歌", "古老", "吉利", "查询", "池子" }

-- Verbs that put a name before the title: 吴泳铭出任集团CEO.
local TAKES = { "出任", "担任", "升任", "接任", "就任", "兼任", "改任", "调任", "任" }

-- Words that may stand before a title and belong to the role as written.
local PREFIXES = { "前任", "现任", "时任", "新任", "轮值", "代理", "原", "前", "集团", "公司", "联合", "former ", "Former ",
                   "then-", "acting ", "Acting ", "interim ", "Interim " }

-- Words that join two titles into one role: 董事长兼CEO, Chairman and CEO.
local JOINS = { ["兼"] = true, ["、"] = true, ["及"] = true, ["和"] = true, [" and "] = true, [", "] = true }

-- Capitalised words that are not names.
local NOT_ENGLISH = { The = true, A = true, An = true, Officer = true, Of = true, And = true, Group = true,
                      Inc = true, Corp = true, Co = true, Ltd = true, Limited = true, Holdings = true,
                      Said = true, Says = true, Has = true, Had = true, Will = true, Is = true, Was = true,
                      In = true, On = true, At = true, For = true, Mr = true, Ms = true, Mrs = true, Dr = true,
                      He = true, She = true, It = true, They = true, This = true, That = true }

-- Words of a department or a field, which follow a title as a name does
-- ("Vice President, Investor Relations"; "Head of Marketing").
local DEPARTMENTS = { Investor = true, Investors = true, Relations = true, Marketing = true,
                      Communications = true, Sales = true, Finance = true, Operations = true,
                      Engineering = true, Human = true, Resources = true, Corporate = true,
                      Development = true, Strategy = true, Public = true, Affairs = true, Media = true,
                      Research = true, Product = true, Products = true, Technology = true, Legal = true,
                      Global = true, Business = true, Supply = true, Chain = true, Accounting = true,
                      Treasury = true, Americas = true, Europe = true, Asia = true, Pacific = true,
                      North = true, South = true, America = true, International = true }

local NOT_NAME_SET = {}
for _, w in ipairs(NOT_NAMES) do NOT_NAME_SET[w] = true end

-- Most titles have no name next to them (about one in three has), so the
-- tests below first read a few bytes of the sentence's text (s.text),
-- which costs next to nothing, and fetch text (s:after, s:before: a new
-- string each) or take it apart only where a name can be.  Spans count
-- bytes of the document from 0, s.text from 1: the byte at offset p is
-- byte(s.text, p - s.start + 1), and the character that ends right
-- before offset p ends at byte p - s.start.

-- The character ending at byte i of text as one number (its bytes read
-- together: 0x20 for a space, 0xE4BBBB for 任), for the sets below.
-- Right for the one- and three-byte characters the word lists end with;
-- any other gives a number no set holds.  (These sets only let the full
-- test run or spare it: none of them decides anything.)
local function code_ending(text, i)
  local b = byte(text, i)
  if not b or b < 0x80 then return b end
  local b1, b2 = byte(text, i - 2, i - 1)
  return (b1 or 0) * 65536 + (b2 or 0) * 256 + b
end

-- The last characters of the words of a list, as code_ending reads them.
local function last_chars(list)
  local set = {}
  for _, w in ipairs(list) do set[code_ending(w, #w)] = true end
  return set
end

local PREFIX_ENDS = last_chars(PREFIXES) -- 任 (前任), 团 (集团), " " (former )…
local TAKE_ENDS = last_chars(TAKES)      -- 任

-- Surnames, and the first characters of compound ones, as numbers.
local SURNAME_CODES = {}
for c in pairs(SURNAMES) do SURNAME_CODES[code_ending(c, #c)] = true end
for c in pairs(COMPOUND) do SURNAME_CODES[code_ending(c, 3)] = true end

-- Can a Chinese name start at byte i?  What name_after asks first: a
-- Chinese character that is a surname or starts a compound one, or a ·
-- within the next four characters (蒂姆·库克: foreign_name).
local function may_start_name(text, i)
  if not lib.is_han(text, i) then return false end
  local b1, b2, b3 = byte(text, i, i + 2)
  if SURNAME_CODES[b1 * 65536 + b2 * 256 + b3] then return true end
  local dot = find(text, "·", i + 3, true)
  return dot ~= nil and dot - i <= 12
end

-- The longest word that joins two titles, in bytes: a longer gap joins none.
local JOIN_MAX = 0
for w in pairs(JOINS) do JOIN_MAX = math.max(JOIN_MAX, #w) end

-- The sentence's mentions, asked for once per sentence, and only by a
-- title that needs them (for a prefix or a name): most do not.
local listed_s, listed
local function mentions_of(s)
  if listed_s ~= s then listed_s, listed = s, s:mentions() end
  return listed
end

-- Is the span [a, b) covered by a lexicon or alias mention (other than
-- a title)?
local function in_mention(s, a, b)
  local mentions = mentions_of(s)
  for i = 1, #mentions do
    local x = mentions[i]
    if x.start < b and x.stop > a and x.type ~= "title" then return true end
  end
  return false
end

local function all_han(chars, n)
  for i = 1, n do
    if not chars[i] or not lib.is_han(chars[i]) then return false end
  end
  return true
end

-- A transliterated foreign name: 蒂姆·库克, 埃隆·马斯克.
local function foreign_name(c)
  local name, dot, part = "", false, 0
  for i = 1, math.min(#c, 12) do
    if c[i] == "·" and not dot and i > 1 then
      dot, part = true, 0
    elseif lib.is_han(c[i]) and not ENDS[c[i]] and part < 4 and
           not (dot and part >= 2 and lib.starts_any(table.concat(c, "", i, math.min(#c, i + 1)), VERBS_AFTER)) then
      part = part + 1
    else
      break
    end
    name = name .. c[i]
  end
  if dot and part >= 1 then return name end
  return nil
end

-- The Chinese name made of the characters c1, c2, c3, c4 (those at the
-- start of the text, nil past its end), or nil.  c1 is Chinese.
local function name_from(c1, c2, c3, c4)
  local two = c2 and c1 .. c2
  local sl = two and COMPOUND[two] and 2 or SURNAMES[c1] and 1 or 0 -- the surname's length
  if sl == 0 or not (c2 and lib.is_han(c2)) or sl == 2 and not (c3 and lib.is_han(c3)) then
    return nil
  end
  -- 曾表示, 于近日: the "surname" is an adverb or preposition here.
  if ENDS[c2] or NOT_NAME_SET[two] then return nil end
  local name
  if sl == 2 then
    name = two .. c3
    if c4 and lib.is_han(c4) and not ENDS[c4] then name = name .. c4 end
  elseif not c3 or not lib.is_han(c3) or ENDS[c3] or lib.starts_any(c3 .. (c4 or ""), VERBS_AFTER) then
    name = two
  else
    name = two .. c3
  end
  if NOT_NAME_SET[name] then return nil end
  if lib.starts_any(c2 .. (c3 or ""), VERBS_AFTER) or lib.starts_any(two, VERBS_AFTER) then
    return nil
  end
  return name
end

-- The Chinese name at the start of text, or nil.
local function name_after(text)
  if text == "" or not lib.is_han(text) then return nil end
  local c = lib.chars_of(text)
  local foreign = text:find("·", 1, true) and foreign_name(c)
  if foreign then return foreign end
  return name_from(c[1], c[2], c[3], c[4])
end

-- The character at byte i of text (nil past the end) and the byte after it.
local function char_at(text, i)
  local b = byte(text, i)
  if not b then return nil, i end
  local n = b < 0x80 and 1 or b < 0xE0 and 2 or b < 0xF0 and 3 or 4
  return sub(text, i, i + n - 1), i + n
end

-- The Chinese name at offset pos of sentence s: name_after(s:after(pos,
-- 8)).  Without a · near (a foreign name), the first four characters are
-- all a name can be made of: they are read from s.text, and the text is
-- not taken apart.
local function name_at(s, pos)
  local text, i = s.text, pos - s.start + 1
  local dot = find(text, "·", i, true)
  if dot and dot - i < 32 then return name_after(s:after(pos, 8)) end -- (8 characters: 32 bytes at most)
  local c1, c2, c3, c4, j
  c1, j = char_at(text, i)
  if not c1 or not lib.is_han(c1) then return nil end
  c2, j = char_at(text, j)
  c3, j = char_at(text, j)
  c4 = char_at(text, j)
  return name_from(c1, c2, c3, c4)
end

-- The Chinese name at the end of text (before 出任…), or nil.
local function name_before(text)
  local c = lib.chars_of(text)
  local n = #c
  if n < 2 then return nil end
  local two = c[n - 1] .. c[n]
  local three = n >= 3 and (c[n - 2] .. two) or nil
  if three and SURNAMES[c[n - 2]] and lib.is_han(c[n - 2]) and not SURNAMES[c[n - 1]] and all_han({ c[n - 1], c[n] }, 2) then
    return three
  end
  if SURNAMES[c[n - 1]] and all_han({ c[n - 1], c[n] }, 2) and not NOT_NAME_SET[two] then return two end
  if three and SURNAMES[c[n - 2]] and all_han({ c[n - 2], c[n - 1], c[n] }, 3) then return three end
  return nil
end

-- English name: one to three capitalised words, each after one space.
-- (Read by position: copying what is left of the text at every word cost
-- more than the rest of the rule.)
local function english_after(text)
  local _, lead = find(text, "^,?%s+")
  if not lead then return nil end
  local parts, pos = {}, lead + 1
  while #parts < 3 do
    local a, b = find(text, "^%u[%a%-']*", pos)
    if not a then break end
    -- a middle initial: David C. Dauch (not a name's last word)
    if b == a and byte(text, b + 1) == 46 and byte(text, b + 2) == 32 and #parts > 0 then b = b + 1 end
    local w = sub(text, a, b)
    if NOT_ENGLISH[w] then break end
    parts[#parts + 1] = w
    if byte(text, b + 1) ~= 32 then break end
    pos = b + 2
  end
  if #parts < 2 then return nil end
  for i = 1, #parts do
    if DEPARTMENTS[parts[i]] then return nil end
  end
  return table.concat(parts, " ")
end

local function english_before(text)
  -- "Rong Luo, the company's chief financial officer"
  if not find(text, ",", 1, true) then return nil end -- the comma is a must (below)
  text = text:gsub("the company's%s*$", ""):gsub("its%s*$", ""):gsub("the%s*$", "")
  local t = text:gsub(",%s*$", "")
  if t == text then return nil end -- the name must be followed by a comma
  local name = t:match("(%u[%a%-']+ %u[%a%-']+ %u[%a%-']+)$") or t:match("(%u[%a%-']+ %u[%a%-']+)$")
  if not name then return nil end
  for w in name:gmatch("%S+") do
    if NOT_ENGLISH[w] then return nil end
  end
  return name
end

-- Roles a news outlet named in the same clause employs (21世纪经济报道记者).
local MEDIA_ROLES = { "记者", "编辑", "主编", "主笔", "撰稿", "评论员", "主持人", "reporter", "editor",
                      "correspondent", "columnist", "anchor" }

-- Words that make a role the company's own: 集团CEO, 公司总裁.
local OWN = { "集团", "公司" }

-- Is nothing but words between spans a and b (no clause mark)?
local function same_clause(s, a, b)
  return b.start - a.stop < 60 and not lib.has_any(s:between(a, b), CLAUSE_ENDS)
end

-- Words that may stand between the start of a clause and a title that is
-- the company's (据CEO张三, 在CEO任上, 他称CEO…).
local BEFORE_OWN = { "在", "由", "据", "和", "与", "及", "对", "向", "是", "为", "称", "说", "表示", "认为",
                     "指出", "透露", "时", "后", "前" }

-- Does the title follow, in its clause, words naming something (an
-- institution, a country) other than a company the lexicon knows?  In
-- Chinese any words but a few (证监会副主席, 研究院院长); in English a
-- capitalised word (Russian President), not a lower-case one (where CEO
-- Elon Musk) or a possessive (Dauch's Chairman).
local function after_other_name(s, role)
  local lead = lib.trim(s:clause_before(role, 10, CLAUSE_END_CHARS))
  if lead == "" then return false end
  if lead:byte(-1) >= 0x80 then return not lib.ends_any(lead, BEFORE_OWN) end
  local word = lead:match("(%S+)$")
  return word:match("^%u") ~= nil and not word:match("'s$") and not word:match("’s$")
end

-- The org a role belongs to.
local function org_for(s, role, orgs)
  -- Right before the title: 商汤科技董事长, 索骥咨询合伙人, SenseTime's CEO.
  -- (The gaps are short: the byte count rules out most names before the
  -- text is fetched.)
  for i = 1, #orgs do
    local m = orgs[i]
    if m.stop <= role.start and role.start - m.stop <= #"’s " then
      local gap = s:between(m, role)
      if gap == "" or gap == "的" or gap == " " or gap == "'s " or gap == "’s " then return m.canonical end
    end
  end
  -- English: "chief executive of SenseTime".
  for i = 1, #orgs do
    local m = orgs[i]
    if m.start - role.stop == #" of " and s:between(role, m) == " of " then return m.canonical end
  end
  -- Elsewhere in the clause, nearest before the title, else the first
  -- after.  A company in another clause of a long sentence is seldom the
  -- person's (证监会副主席方星海…，中粮控股…), unless the role says it is
  -- the company's own (集团CEO, 公司总裁): then any in the sentence.
  local own = lib.starts_any(role.text, OWN) ~= nil
  local journalist = lib.has_any(role.text:lower(), MEDIA_ROLES) ~= nil
  local before, after
  for i = 1, #orgs do
    local m = orgs[i]
    if m.extra == "media" and not journalist then
      -- a news outlet in the clause reports or quotes the person (据路透社…
      -- CEO Elon Musk, 田利辉院长对证券日报表示): it employs a journalist only
    elseif m.stop <= role.start then
      if own or same_clause(s, m, role) then before = m end
    elseif not after and m.start >= role.stop and (own or same_clause(s, role, m)) then
      after = m
    end
  end
  local m = before or after
  if m then return lib.group_of(s, m.canonical) end
  -- A sentence naming no company: the one the text is about.  (One that
  -- names others, in other clauses, leaves it open; so does a title that
  -- follows the name of something else: 证监会副主席, 研究院院长,
  -- Russian President.)
  if own or #orgs == 0 and not after_other_name(s, role) then
    return lib.group_of(s, s:subject(role))
  end
  return nil
end

-- The text of sentence s from offset a to b (s:between(a, b) without a
-- call, where b is in the sentence).
local function text_of(s, a, b)
  if b > s.stop then return s:between(a, b) end
  return sub(s.text, a - s.start + 1, b - s.start)
end

-- The role around title i of the document's titles, in sentence s:
-- prefixes before it, titles joined after it.  Returns its start and stop
-- and the index of the next title.  (Offsets, not a span: its span and
-- text are made only for a role with a name by it.)
local function role_at(s, titles, i)
  local text, base = s.text, s.start
  local start, stop = titles[i].start, titles[i].stop
  local j = i
  local nxt = titles[j + 1]
  while nxt and nxt.start < s.stop and nxt.start - stop <= JOIN_MAX do
    local gap = nxt.start >= stop and sub(text, stop - base + 1, nxt.start - base) or ""
    if not JOINS[gap] then break end
    j = j + 1
    stop = nxt.stop
    nxt = titles[j + 1]
  end
  for _ = 1, 2 do
    -- (Its last character first: most titles have no prefix.)
    if start <= base or not PREFIX_ENDS[code_ending(text, start - base)] then break end
    local p = lib.ends_any(s:before(start, 8), PREFIXES)
    if not p or in_mention(s, start - #p, start) then break end
    start = start - #p
  end
  return start, stop, j + 1
end

-- An English name next to an English title: "Chief Executive Lei Jun",
-- "Xu Li, chief executive", "Tim Cook, Apple's chief executive".
-- Returns the name and its span.
local function english_name(s, start, stop)
  -- After the title: a space, or a comma and a space, before the name.
  local text, base = s.text, s.start
  local b = stop < s.stop and byte(text, stop - base + 1)
  if b == 44 or b == 32 or b and b >= 9 and b <= 13 then
    local after = s:after(stop, 40)
    local name = english_after(after)
    if name then
      local a = stop + after:find(name, 1, true) - 1
      return name, { start = a, stop = a + #name }
    end
  end
  -- Before it: the name and a comma, which must be in the sentence before
  -- the title.
  local comma = find(text, ",", 1, true)
  if not comma or base + comma - 1 >= start then return nil end
  local before_end = start
  local orgs = lib.orgs(s)
  for i = 1, #orgs do
    local m = orgs[i]
    if m.stop <= start and start - m.stop <= #"’s " then
      local gap = s:between(m, start)
      if gap == "'s " or gap == "’s " or gap == " " then before_end = m.start end
    end
  end
  local before = s:before(before_end, 40)
  local name = english_before(before)
  if name then
    local a = before_end - #before + before:find(name .. ",", 1, true) - 1
    return name, { start = a, stop = a + #name }
  end
end

-- A Chinese name next to a Chinese title: "董事长兼CEO徐立", "吴泳铭出任集团CEO".
local function chinese_name(s, start, stop)
  local text, base = s.text, s.start
  if stop < s.stop and may_start_name(text, stop - base + 1) then
    local name = name_at(s, stop)
    if name then return name, { start = stop, stop = stop + #name } end
  end
  -- (Every word of TAKES ends with the same character: read it first.)
  if start <= base or not TAKE_ENDS[code_ending(text, start - base)] then return nil end
  local before = s:before(start, 8)
  local take = lib.ends_any(before, TAKES)
  if not take then return nil end
  local name = name_before(before:sub(1, #before - #take))
  if name then
    local a = start - #take
    return name, { start = a - #name, stop = a }
  end
end

-- Is the role English (Chief Executive, CEO), and not followed by Chinese
-- text (CEO徐立 takes a Chinese name)?
local function is_english(s, start, stop)
  local text, base = s.text, s.start
  if byte(text, start - base + 1) >= 0x80 then return false end -- 董事长, 集团CEO
  if not text_of(s, start, stop):match("^[%w%s%-&,]+$") then return false end
  return not (stop < s.stop and lib.is_han(text, stop - base + 1))
end

-- The name by the role that starts at title i in sentence s, if any,
-- with its span and the role's start and stop.  Returns the index of the
-- next title first.
local function name_by(s, titles, i)
  local start, stop, next_i = role_at(s, titles, i)
  local name, span
  if is_english(s, start, stop) then name, span = english_name(s, start, stop)
  else name, span = chinese_name(s, start, stop) end
  return next_i, name, span, start, stop
end

-- Can title i (of the document's titles, in sentence s) have a name by
-- it?  Most cannot, and this tells from the bytes around it, before any
-- of the full tests run: a Chinese title with no prefix and no 出任/担任…
-- before it, no title it may be joined to after it, and no surname (nor
-- ·) after it has none.  (English titles go to the full tests.)
local function may_have_name(s, titles, i)
  local text, base = s.text, s.start
  local t, nxt = titles[i], titles[i + 1]
  local k = t.start - base -- the last byte before the title
  if k < 3 then return true end
  local b1, b2, b3, first = byte(text, k - 2, k + 1)
  if first < 0x80 then return true end
  local before = b3 < 0x80 and b3 or b1 * 65536 + b2 * 256 + b3 -- as code_ending reads it
  if PREFIX_ENDS[before] or TAKE_ENDS[before] then return true end
  if nxt and nxt.start < s.stop and nxt.start - t.stop <= JOIN_MAX then return true end
  return t.stop < s.stop and may_start_name(text, t.stop - base + 1)
end

-- Emits the person: the evidence is the role and the name, in the order
-- of the text.
local function emit_person(doc, s, name, span, start, stop)
  local role = { start = start, stop = stop, text = text_of(s, start, stop) }
  local first, last = role, span
  if span.start < start then first, last = span, role end
  doc:emit{ kind = "entity", name = "person", entity = name, role = role.text,
            org = org_for(s, role, lib.orgs(s)), evidence = { first, last }, key = "person|" .. name }
end

return rule {
  name = "people",
  description = "people with their job title and company",
  document = function(doc)
    -- Only sentences with a title can name a person with a title: each
    -- title in turn, with the sentence it is in (titles come in order, so
    -- the next one is most often in the same sentence).
    local titles = doc:mentions("title")
    local emitted -- the names emitted: the engine keeps a person's first statement only
    local s
    local i = 1
    while titles[i] do
      if not s or titles[i].start >= s.stop then s = doc:sentence_at(titles[i]) end
      if not may_have_name(s, titles, i) then
        i = i + 1
      else
        local name, span, start, stop
        i, name, span, start, stop = name_by(s, titles, i)
        if name and not (emitted and emitted[name]) and not in_mention(s, span.start, span.stop) then
          emit_person(doc, s, name, span, start, stop)
          emitted = emitted or {}
          emitted[name] = true
        end
      end
    end
  end,
}
