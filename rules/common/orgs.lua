-- orgs.lua: organisations.  Those in the lexicon are found by the engine;
-- this rule adds companies by their shape (X科技, X集团, X银行, X资本,
-- X咨询…) and reports each organisation the article names once, with its
-- canonical name.
local lib = require "lib.common"
local SUFFIXES = { "科技", "集团", "银行", "资本", "咨询", "证券", "控股", "基金", "保险",
                   "有限公司" }

-- A name holding one of these is a description, not a name: 各业务集团,
-- 六大业务集团, 这家银行, 传统软件公司.
local GENERIC_PARTS = { "业务", "各", "这", "该", "此", "本", "其", "多家", "大", "子", "传统", "新", "旧",
                        "一家", "某", "国内", "海外", "全球", "中小" }

local GENERIC = { ["公司"] = true, ["该公司"] = true, ["集团"] = true, ["银行"] = true, ["本公司"] = true,
                  ["这家公司"] = true, ["母公司"] = true, ["子公司"] = true, ["上市公司"] = true,
                  ["科技公司"] = true, ["软件公司"] = true, ["AI公司"] = true }

-- What ends a name on its left: clause punctuation, and the characters
-- that start a phrase rather than a name.
local STOPS = {}
for k in pairs(lib.CLAUSE) do STOPS[k] = true end
for _, c in ipairs{ "的", "了", "在", "和", "与", "及", "对", "是", "为", "被", "将", "从", "由", "据", "向", "\"" } do
  STOPS[c] = true
end

local function shape(s, kw)
  local name = lib.tail(s:before(kw, 6), STOPS)
  if #name < 6 then return nil end -- at least two CJK characters
  for _, part in ipairs(GENERIC_PARTS) do
    if name:find(part, 1, true) then return nil end
  end
  local full = name .. kw.text
  if GENERIC[full] then return nil end
  return full, kw.start - #name
end

return rule {
  name = "orgs",
  description = "organisations: lexicon names, names by shape, one entity fact each",
  keywords = SUFFIXES,
  mentions = function(s)
    local known = s:mentions()
    for kw in s:hits() do
      local full, start = shape(s, kw)
      local inside = false
      for _, m in ipairs(known) do
        if m.start <= (start or 0) and m.stop >= kw.stop then inside = true end
        if start and m.start >= start and m.stop <= kw.stop and (m.type == "org" or m.type == "unit") then
          inside = true -- 商汤科技 is already 商汤
        end
      end
      if full and not inside then
        s:add_mention{ start = start, stop = kw.stop, canonical = full, type = "org" }
      end
    end
  end,
  document = function(doc)
    local seen = {}
    for s in doc:sentences() do
      for _, m in ipairs(s:mentions()) do
        if (m.type == "org" or m.type == "unit") and not seen[m.canonical] then
          seen[m.canonical] = true
          local parent = m.type == "unit" and m.extra ~= "" and m.extra or nil
          doc:emit{ kind = "entity", name = "org", entity = m.canonical, type = m.type, parent = parent,
                    evidence = { m } }
        end
      end
    end
  end,
}
