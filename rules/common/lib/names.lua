-- lib/names.lua: where a name by shape starts.  orgs finds a company by
-- its suffix (澜湾科技) and listed by the stock code after it (康希诺
-- (688185.SH)); both then ask what, before that point, is the name.
--
-- A name starts at a clear left edge: the start of the clause, or just
-- after a function word (的, 在, 和…) or a verb that introduces a name
-- (宣布, 来自, 出任…); what is left must still be 2–8 characters and hold
-- no figure.  A name found by its suffix must not be a description either
-- (各业务集团, 这家银行, 公募基金).
local lib = require "lib.common"

local M = {}

local find, byte, sub = string.find, string.byte, string.sub
local after_last, starts_any, chars = lib.after_last, lib.starts_any, lib.chars

-- A name holding one of these is a description, not a name: 各业务集团,
-- 六大业务集团, 这家银行, 传统软件公司.
local GENERIC_PARTS = { "业务", "各", "这", "该", "此", "本", "其", "多家", "大型", "子", "传统", "新",
                        "旧", "一家", "某", "国内", "海外", "全球", "中小", "六大", "四大", "三大",
                        "两大", "五大", "头部", "龙头", "上市", "互联网", "民营", "国有", "外资", "科技",
                        "我们", "他们", "公司", "国家队",
                        -- kinds of bank, fund, insurance or capital, not names: 商业银行,
                        -- 公募基金, 股票型基金, 权益类基金, 医疗保险, 注册资本, 耐心资本
                        "商业", "政策性", "全国", "有关", "公募", "私募", "机构", "部分", "型", "类",
                        "只", "金融", "信用", "医疗", "人身", "长期", "耐心", "注册", "社会", "美股",
                        "港股", "一级", "无" }

-- Left edges: characters after which a name starts (the clause marks and
-- these) …
local STOPS = lib.CLAUSE_MARKS .. "的了在和与及对是为被将从由据向把让给跟同于或即等"
-- … and verbs after which one does (公司宣布澜湾科技…, 信号来自资本市场).
local VERBS = { "宣布", "来自", "出任", "担任", "加入", "成立", "设立", "收归", "归属", "代表", "实行",
                "实施", "推出", "发布", "表示", "认为", "指出", "称", "包括", "旗下", "投资", "收购",
                "入股", "联合", "携手", "获得", "引入", "领投", "参投", "退出", "看好", "通过",
                "统一", "成为", "属于", "接任", "离开", "创办", "创立", "任职", "供职", "并入", "纳入",
                "划入", "归入", "注入", "进入", "回到", "返回", "重返", "加盟", "整合", "剥离", "拆分",
                "分拆", "上市", "回归", "管理",
                -- policy and market news: 推动保险…, 督促银行…, 增持美股科技, 认购华安证券
                "推动", "引导", "督促", "支持", "鼓励", "要求", "提高", "扩大", "加大", "优化",
                "健全", "发挥", "满足", "使用", "引进", "搭建", "举办", "研究", "走进", "增持",
                "减持", "认购", "发行", "变更", "比拼", "折射出", "考虑到", "预计", "随着", "比如",
                "例如", "其中", "以及", "尤其是", "特别是", "另有", "不含", "股东", "落地" }

-- Words that open a clause before a name but are no part of it (而中原证券,
-- 有位恒星科技, 原佳兆业集团: the former 佳兆业集团).
local LEADS = { "有位", "有家", "而", "原", "仅" }

-- The first two bytes of a text as one number (0 for a missing byte).
local function two_bytes(text)
  local b1, b2 = byte(text, 1, 2)
  return (b1 or 0) * 256 + (b2 or 0)
end

-- The first two bytes of each lead word (each is two bytes long or more):
-- nearly every name starts otherwise, and one look at its first bytes
-- spares it the list.
local LEAD_START = {}
for i = 1, #LEADS do LEAD_START[two_bytes(LEADS[i])] = true end

-- The name that ends at pos (a span, or a byte offset), or nil: what
-- follows the left edge, 2–8 characters, no figure.
-- (orgs asks this for every suffix it meets, so each question is put the
-- cheap way first: a byte count before a character count, one look at
-- the first bytes for both kinds of start.)
function M.before(s, pos)
  -- The words before pos back to a left edge, within 10 characters.
  local name = s:clause_before(pos, 10, STOPS)
  -- A left edge right before pos (的集团, 、银行): no name.  The commonest
  -- answer, so it is given before anything else is asked.
  if #name < 2 then return nil end
  -- No left edge within reach: the words before are not a name.  (Nor
  -- is one character: what follows only makes it shorter.)
  local n = chars(name)
  if n >= 10 or n < 2 then return nil end
  local rest = after_last(name, VERBS)
  local lead = LEAD_START[two_bytes(rest)] and starts_any(rest, LEADS)
  if lead then rest = sub(rest, #lead + 1) end
  -- (Counted again only when a verb or a lead word was taken off.)
  if rest ~= name then name, n = rest, chars(rest) end
  if n < 2 or n > 8 then return nil end
  -- A figure in it is a count (有9家证券, 仅14只私募证券).
  if find(name, "%d") then return nil end
  -- A name starts with a capital letter or a Chinese character.
  local b = byte(name)
  if not (b >= 65 and b <= 90) and not lib.is_han(name) then return nil end
  return name
end

-- Does the name hold a word that makes it a description (各业务集团,
-- 公募基金)?  Asked of names by suffix; a name with a stock code after it
-- is a company whatever words it holds (中红医疗).
function M.generic(name)
  return lib.has_any(name, GENERIC_PARTS) ~= nil
end

return M
