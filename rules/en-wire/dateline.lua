-- dateline.lua: the wire dateline — place, agency and day the story was
-- filed ("HONG KONG, Dec 12 (Reuters) -").  The day's year comes from the
-- document date, as the engine resolves "Dec 12".
return rule {
  name = "dateline",
  description = "place, agency and date of the wire dateline",
  keywords = { "(Reuters)", "(Bloomberg)", "(AP)", "(AFP)", "(Wire)", "(Xinhua)", "(Dow Jones)" },
  sentence = function(s)
    if s.index > 4 then return end -- a dateline opens the story
    for kw in s:hits() do
      local before = s.text:sub(1, kw.start - s.start)
      local place = before:match("^(%u[%u ]*%u)")
      if place and s:after(kw, 3):find("^%s*%-") then
        local date
        local dates = s:quantities("date")
        for i = 1, #dates do
          local q = dates[i]
          if q.stop <= kw.start then date = q.period end
        end
        s:emit{ kind = "entity", name = "dateline", entity = place, agency = kw.text:sub(2, -2),
                date = date, evidence = { { start = s.start, stop = kw.stop } } }
        return
      end
    end
  end,
}
