-- orgs.lua: organisations.  Those in the lexicon are found by the engine;
-- this rule adds companies by their shape (X科技, X集团, X银行, X资本,
-- X咨询…; in English, X Corporation, X Inc, X Holdings…) and reports each
-- organisation the article names once, with its canonical name.
--
-- Why it is shaped so: a suffix such as 集团 or 资本 is also an ordinary
-- word (集团层面, 资本市场, 收归集团统一管理, 信号来自资本市场).  So a name
-- by shape must
--   * start at a clear left edge (lib/names.lua): the start of the clause, or just after a
--     function word (的, 在, 和…) or a verb that introduces a name (宣布,
--     来自, 出任…) — and then what is left must still be 2–8 characters;
--   * not be a description (各业务集团, 这家银行, 传统软件公司);
--   * not be followed by a word that makes the suffix part of a longer
--     common noun (资本市场, 资本开支, 集团层面, 科技公司 is fine).
local lib = require "lib.common"
local names = require "lib.names"

local SUFFIXES = { "科技", "集团", "银行", "资本", "咨询", "证券", "控股", "基金", "保险",
                   "有限公司", "股份公司" }

-- What may not follow the suffix: then it is part of a common noun.
local NOT_AFTER = { "市场", "开支", "支出", "运作", "结构", "金", "化", "主义", "层面", "内部", "统一",
                    "总部", "层级", "管理", "公积", "回报", "效率", "项目", "成本", "实力", "体系",
                    "密集", "板块", "行业", "产业", "含量", "感" }

local SUFFIX_SET = {}
for i = 1, #SUFFIXES do SUFFIX_SET[SUFFIXES[i]] = true end

local GENERIC = { ["恒生科技"] = true, ["公司"] = true, ["该公司"] = true, ["集团"] = true, ["银行"] = true, ["本公司"] = true,
                  ["这家公司"] = true, ["母公司"] = true, ["子公司"] = true, ["上市公司"] = true,
                  ["科技公司"] = true, ["软件公司"] = true, ["AI公司"] = true }

-- The name by shape ending at the suffix kw, or nil: its full text and start.
-- (Asked in the order that is cheapest on news: most suffixes have no
-- name before them, a few have a word after them.)
local function shape(s, kw)
  local name = names.before(s, kw)
  if not name or SUFFIX_SET[name] or names.generic(name) then return nil end -- 银行保险 names no one
  if lib.starts_any(s:after(kw, 2), NOT_AFTER) then return nil end
  local full = name .. kw.text
  if GENERIC[full] then return nil end
  return full, kw.start - #name
end

-- English names by shape: up to five capitalised words right before
-- Corporation, Inc, Ltd… (Dauch Corporation, Harwick Systems Inc, Cracker
-- Barrel Old Country Store, Inc.).  Press releases name their company so,
-- and no lexicon knows every company.
local EN_SUFFIXES = { "Corporation", "Corp", "Inc", "Ltd", "Limited", "Holdings", "PLC" }
-- (Keyed by the keyword as written here, which is what a hit's keyword
-- is, whatever the case of its text: no lower-case copy to make per hit.)
local EN_SUFFIX = {}
for i = 1, #EN_SUFFIXES do EN_SUFFIX[EN_SUFFIXES[i]] = true end

-- Suffixes that may follow the name after a comma.
local COMMA_SUFFIX = { Inc = true, Ltd = true, Corp = true }

-- Capitalised words that start a sentence or a phrase, not a name.
local EN_NOT_NAME = { ["The"] = true, ["A"] = true, ["An"] = true, ["At"] = true, ["In"] = true,
                      ["On"] = true, ["For"] = true, ["By"] = true, ["With"] = true, ["From"] = true,
                      ["And"] = true, ["Of"] = true, ["To"] = true, ["As"] = true, ["Shares"] = true,
                      ["SOURCE"] = true, ["About"] = true } -- "SOURCE Dauch Corporation" ends a wire release

local function english_shape(s, kw)
  if not kw.text:match("^%u") then return nil end -- "the corporation"
  local before = s:before(kw, 40)
  -- What stands between the name and the suffix: a space, or a comma and
  -- a space before Inc, Ltd or Corp ("Altimmune, Inc.").
  local sep = before:sub(-2) == ", " and COMMA_SUFFIX[kw.text] and ", " or " "
  if sep == ", " then before = before:sub(1, -3) .. " " end
  local rest, n = before, 0
  while n < 5 do
    local word = rest:match("(%u[%w&'%-]*) $")
    if not word or EN_NOT_NAME[word] then break end
    rest = rest:sub(1, #rest - #word - 1)
    n = n + 1
  end
  if n == 0 then return nil end
  local name = before:sub(#rest + 1, -2) .. sep
  return name .. kw.text, kw.start - #name
end

-- Is the name by shape [start, stop) one a known mention already holds?
local function known_there(known, start, stop)
  for i = 1, #known do
    local m = known[i]
    if m.start <= start and m.stop >= stop then return true end
    if m.type ~= "title" and m.start >= start and m.stop <= stop then
      return true -- 商汤科技 is already 商汤
    end
    if m.type == "title" and m.start < stop and m.stop > start then
      return true -- a title is no part of a company name
    end
  end
  return false
end

-- Is the suffix the end of a name the lexicon knows (商汤科技, 小米集团),
-- or inside a title?  Then known_there would refuse any name by shape
-- ending with it, so its shape, the dearer question, is not asked.
local function suffix_taken(known, kw)
  for i = 1, #known do
    local m = known[i]
    if m.start <= kw.start and m.stop >= kw.stop and (m.stop == kw.stop or m.type == "title") then
      return true
    end
  end
  return false
end

return rule {
  name = "orgs",
  description = "organisations: lexicon names, names by shape, one entity fact each",
  keywords = lib.joined(SUFFIXES, EN_SUFFIXES),
  mentions = function(s)
    local known = s:mentions()
    for kw in s:hits() do
      if not suffix_taken(known, kw) then
        local full, start
        if EN_SUFFIX[kw.keyword] then full, start = english_shape(s, kw)
        else full, start = shape(s, kw) end
        if full and not known_there(known, start, kw.stop) then
          s:add_mention{ start = start, stop = kw.stop, canonical = full, type = "org" }
        end
      end
    end
  end,
  document = function(doc)
    local entities = doc:entities()
    for i = 1, #entities do
      local m = entities[i]
      local parent = m.type == "unit" and m.extra ~= "" and m.extra or nil
      doc:emit{ kind = "entity", name = "org", entity = m.canonical, type = m.type, parent = parent,
                evidence = { m } }
    end
  end,
}
