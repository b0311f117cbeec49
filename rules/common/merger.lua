-- merger.lua: mergers and consolidations: 合并 of companies or businesses,
-- 整合 of businesses into a new group, a new business group formed from
-- existing ones (成立电商事业群 → target 电商事业群).
--
-- Not a merger: 合并 in accounting language — 合并口径, 合并报表, 合并营业
-- 收入, 合并利润 mean "consolidated" figures.
local lib = require "lib.common"

-- What follows 合并 when it means "consolidated (accounts)", or "combined"
-- (微信及WeChat合并月活账户数, 合并上市交易).
local ACCOUNTING = { "口径", "报表", "财务", "营业", "营收", "收入", "利润", "净利", "范围", "资产",
                     "负债", "现金流", "计算", "数据", "后的数据", "层面", "基础", "月活", "日活",
                     "用户", "账户", "上市交易" }

-- Words before 合并 that make it a basis of computation (按合并, 以合并).
local BASIS = { "按", "以" }

-- Units a new group may be called.
local GROUPS = { "事业群", "事业部", "业务集团" }

-- "成立电商事业群": the name of the new group ending at kw.
local function new_group(s, kw)
  local before = s:before(kw, 12)
  local a = before:find("成立", 1, true) or before:find("组建", 1, true) or before:find("设立", 1, true)
  if not a then return nil end
  local name = lib.tail(before:sub(a + #"成立"), lib.CLAUSE)
  if lib.chars(name) > 8 then return nil end
  return name .. kw.text, kw.start - #name
end

-- Words that say units go into a new group (整合, 合并, 把…并入).
local INTO = { "整合", "合并", "并入", "纳入", "融合" }

return rule {
  name = "merger",
  description = "mergers, consolidations and new business groups formed from existing units",
  keywords = { "合并", "事业群", "事业部", "业务集团", "merger", "merge", "merged", "merging" },
  sentence = function(s)
    for kw in s:hits() do
      if lib.starts_any(kw.keyword, GROUPS) then
        local target, start = new_group(s, kw)
        -- A new group counts as a merger when the text says what goes into
        -- it (整合, 合并, 把…并入) — else it is only a new unit.
        if target and lib.has_any(s.text, INTO) then
          lib.event(s, { start = start, stop = kw.stop }, "merger", { target = target }, target)
          return
        end
      elseif kw.keyword == "合并" then
        local after = s:after(kw, 4)
        if not lib.starts_any(after, ACCOUNTING) and not lib.ends_any(s:before(kw, 2), BASIS) then
          if s:subject(kw) then
            lib.event(s, kw, "merger", nil, "")
            return
          end
        end
      elseif s:subject(kw) then
        -- English: "agreed to merge", "completed its merger with …".
        lib.event(s, kw, "merger", nil, "")
        return
      end
    end
  end,
}
