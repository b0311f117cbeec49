-- footer.lua: the feed's footer lines — "原文标题 : …" (the title the
-- article had where it first appeared) and "题图来源:…" (the picture's
-- credit).
local FIELDS = { ["原文标题"] = "original_title", ["题图来源"] = "image_credit" }

return rule {
  name = "footer",
  description = "original title and picture credit from the footer",
  keywords = { "原文标题", "题图来源" },
  sentence = function(s)
    for kw in s:hits() do
      local rest = s:after(kw, 60)
      local value = rest:match("^%s*:%s*(.-)%s*$")
      if value and value ~= "" then
        local a = kw.stop + (rest:find(value, 1, true) - 1)
        s:emit{ kind = "entity", name = FIELDS[kw.keyword], entity = value,
                evidence = { kw, { start = a, stop = a + #value } } }
      end
    end
  end,
}
