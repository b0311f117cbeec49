-- published.lua: when the article was published, from the app's age line
-- ("1周前", "3天前", "5小时前") and the document date (--date, or the JSON
-- Lines "date": when the page was read).  Without a document date it says
-- nothing rather than guess.
local dates = require "lib.dates"

local UNIT_DAYS = { ["周"] = 7, ["天"] = 1 }

return rule {
  name = "published",
  description = "publication date from the feed's age line (1周前) and the document date",
  keywords = { "周前", "天前", "小时前", "分钟前" },
  sentence = function(s)
    if not s.doc.date or s.index > 6 then return end -- the age line is in the header
    for kw in s:hits() do
      local n = s:before(kw, 3):match("(%d+)%s*$")
      local unit = kw.text:sub(1, 3)
      if n and s.text:gsub("%s", "") == n .. kw.text then
        local days = (UNIT_DAYS[unit] or 0) * tonumber(n)
        s:emit{ kind = "event", name = "published", date = dates.minus_days(s.doc.date, days),
                qualifier = "approx", evidence = { s } }
        return
      end
    end
  end,
}
