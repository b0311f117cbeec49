-- placement.lua: share placements (配售, placing): the event, and its
-- gross proceeds, net proceeds and number of shares as metrics.
--
-- Each 配售 / placement hit takes the figures of its stretch of the
-- sentence: from the previous hit (or the sentence start) to the next hit
-- (or the sentence end).  Chinese puts the figures after the word
-- ("配售了16.73亿股…，募集资金超过20亿港元"), English wire copy often before it
-- ("raised HK$2.798 billion, or HK$2.787 billion after expenses, through a
-- placement of 1.6 billion shares").  Which figure is which comes from the
-- words around it: 总额 / 集资额 / raised → gross; 净额 / after expenses →
-- net; a count of 股 / shares → shares.  An amount in brackets (a currency
-- conversion) or a price per share is none of these.
local lib = require "lib.common"

local GROSS = { "配售金额", "集资额", "所得款项总额", "募集资金", "募资", "募集", "筹资", "筹集", "融资",
                "总额", "gross proceeds", "raised", "raising", "raise" }
local NET = { "净额", "净筹", "所得款项净额", "净募", "net proceeds", "net of" }
local NET_AFTER = { "after expenses", "after costs", "after fees", "net of", "净额" }
-- After an amount: a price per share, not proceeds.
local PER_SHARE = { "apiece", "per share", "each", "/股", "每股" }
-- Before it: a price, or an amount in brackets (a conversion).
local PRICE_BEFORE = { "(", "每股", "at", "price of" }

-- The position just past the last occurrence of any of the words, or 0.
local function last_of(text, list)
  return #text - #words.after_last(text, list)
end

-- Which kind of figure a money amount is.
local function role(s, q, from)
  local after = lib.trim(s:after(q, 16):gsub("^%)", ""):gsub("^,", "")):lower()
  if lib.starts_any(after, NET_AFTER) then return "net" end
  if lib.starts_any(after, PER_SHARE) then return nil end
  local before = s:between(from, q):lower()
  if lib.ends_any(lib.trim(before), PRICE_BEFORE) then return nil end
  local net, gross = last_of(before, NET), last_of(before, GROSS)
  if net > 0 and net >= gross then return "net" end
  if gross > 0 then return "gross" end
  return nil
end

-- A share count: a quantity of 股, or a number followed by "shares"
-- (the scanner leaves "1.6 billion new Class B shares" a plain number).
local function is_shares(s, q)
  if q.kind == "quantity" and q.unit == "股" then return true end
  if q.kind == "number" and q.value and q.value >= 1000 then
    local after = s:after(q, 30):lower()
    local between = after:match("^(.-)shares")
    return between ~= nil and #between <= 20 and not between:find("[%d%.,;]")
  end
  return false
end

local NAMES = { gross = "placement_proceeds", net = "placement_proceeds_net" }

-- The figures among the sentence's quantities between from and stop; true
-- when there were any.
local function figures(s, quantities, kw, from, stop, date)
  local entity = s:subject(kw)
  local found = false
  local last = from
  for i = 1, #quantities do
    local q = quantities[i]
    if q.start >= from and q.stop <= stop then
      local name, unit = nil, q.unit
      if is_shares(s, q) then
        name, unit = "placement_shares", "股"
      elseif q.kind == "money" and not lib.ends(lib.trim(s:before(q, 2)), "(") then
        name = NAMES[role(s, q, last) or ""]
      end
      if name then
        local first, final = kw, q
        if q.start < kw.start then first, final = q, kw end
        lib.emit_metric(s, { kind = "metric", name = name, entity = entity, date = date, value = q.value,
                             unit = unit, qualifier = q.qualifier, evidence = { first, final },
                             key = name .. "|" .. (entity or "?") .. "|" .. (date or "") .. "|" .. q.value }, q)
        found = true
      end
      if q.kind == "money" or name then last = q end
    end
  end
  return found
end

return rule {
  name = "share_placement",
  description = "share placements with proceeds, net proceeds, share count and date",
  keywords = { "配售", "配股", "placement", "placing" },
  sentence = function(s)
    local hits = {}
    for kw in s:hits() do hits[#hits + 1] = kw end
    local quantities = s:quantities() -- one list for every hit's stretch
    for i = 1, #hits do
      local kw = hits[i]
      local from = hits[i - 1] and hits[i - 1].stop or s.start
      local stop = hits[i + 1] and hits[i + 1].start or s.stop
      local date, period = lib.when(s, kw)
      local any = figures(s, quantities, kw, from, stop, date)
      if date or any then
        lib.event(s, kw, "share_placement", nil, date or period or "")
      end
    end
  end,
}
