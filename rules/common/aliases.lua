-- aliases.lua: names a text declares for itself — 商汤科技（以下简称“商汤”）,
-- 腾讯控股(00700.HK).  Every later use of the short name then refers to the
-- same company, whether or not the lexicon knows it.
return rule {
  name = "aliases",
  description = "aliases declared in the text (以下简称“…”) link to their entity",
  keywords = { "以下简称", "下称", "简称", "hereinafter" },
  mentions = function(s)
    for kw in s:hits() do
      local a, b, alias = s:find("[“\"「]([^”\"」]+)[”\"」]", kw.stop)
      if alias and a - kw.stop <= 6 then
        -- The name being abbreviated ends just before the bracket that
        -- holds 以下简称.
        local before = s:before(kw, 30):gsub("[（(]%s*$", "")
        local canonical, type = nil, "org"
        for _, m in ipairs(s:mentions()) do
          if m.stop <= kw.start and (m.type == "org" or m.type == "unit") then
            canonical, type = m.canonical, m.type
          end
        end
        if not canonical then
          -- An unknown company: its short name becomes its canonical name,
          -- and its full name (the words before the bracket) a mention.
          canonical = alias
          local full = before:match("([^，,。；;、%s]+)$")
          if full and #full > #alias then
            local fa = kw.start - #(s:before(kw, 30)) + #before - #full
            s:add_mention{ start = fa, stop = fa + #full, canonical = canonical, type = "org" }
          end
        end
        for _, span in ipairs(s.doc:occurrences(alias)) do
          s:add_mention{ start = span.start, stop = span.stop, canonical = canonical, type = type }
        end
      end
    end
  end,
}
