-- layoff.lua: layoffs (裁员, 人员优化, job cuts), with the compensation when
-- the text states it (赔偿方案为N+1, N+1 severance).
--
-- An article often mentions layoffs in passing (裁员阴影, 裁员争议, 裁员的
-- 信号, 裁员往往是…).  A fact needs the layoff itself to be told: a date
-- or period, a size (约10%, 300人), the compensation, the units it hit
-- (裁员波及…), or a company announcing or carrying it out.  One fact per
-- company; a compensation stated in a later sentence is added to it.
local lib = require "lib.common"

-- Words after 裁员 that make it a topic, not an event.
local TOPIC = { "阴影", "争议", "信号", "潜台词", "可能性", "的可能", "传闻", "往往", "带来", "风波",
                "是", "并非", "不是" }
-- Words before it that tell the layoff happened.
local DONE = { "宣布", "启动", "开始", "进行", "实施", "开启", "被曝", "曝出", "传出", "大规模", "计划",
               "已经", "再度", "再次", "新一轮", "announced", "announces", "began", "started", "plans",
               "round of", "carried out", "follows", "after" }
-- Words after it that describe it.
local DETAIL = { "波及", "涉及", "约", "了", "规模", "人数", "比例", "名", "人", "will affect", "affecting",
                 "affected", "hit", "that hit", "of about", "of around", "in " }

local function compensation(s)
  -- A formula always holds a "+": most sentences have none to ask for.
  if not lib.has(s.text, "+") then return nil end
  local idents = s:quantities("ident")
  for i = 1, #idents do
    local q = idents[i]
    if q.ident == "formula" and q.text:find("^N") then return q end
  end
end

-- Words that make the subject many companies, not one (多家科技公司裁员).
local MANY = { "多家", "不少", "一些", "许多", "部分企业", "众多", "纷纷", "many companies", "several companies" }

-- Kinds of quantity that tell the size of a layoff (约10%, 300人).
local SIZES = { "percent", "quantity", "number" }

local function concrete(s, kw, comp)
  local after = lib.trim(s:after(kw, 14))
  if lib.has_any(s:before(kw, 12), MANY) then return false end
  if comp then return true end
  if lib.starts_any(after, TOPIC) then return false end
  if #lib.periods(s) > 0 then return true end
  for i = 1, #SIZES do
    local kind = SIZES[i]
    if s:quantity_after(kw, 12, kind) then return true end
  end
  if lib.has_any(s:before(kw, 6), DONE) then return true end
  if lib.starts_any(after, DETAIL) then return true end
  return false
end

return rule {
  name = "layoff",
  description = "layoffs and their compensation",
  keywords = { "裁员", "人员优化", "layoff", "layoffs", "job cuts", "cut jobs", "lay off", "laid off" },
  sentence = function(s)
    local comp = compensation(s)
    for kw in s:hits() do
      if s:subject(kw) and concrete(s, kw, comp) then
        local f = lib.event(s, kw, "layoff", { compensation = comp and comp.text or nil }, "")
        -- The compensation may come in a later sentence than the first
        -- statement of the layoff: add it there.
        if comp and f then
          for prev in s.doc:facts{ kind = "event", name = "layoff", entity = f.entity } do
            if not prev.compensation then prev.compensation = comp.text end
          end
        end
        return
      end
    end
  end,
}
