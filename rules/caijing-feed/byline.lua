-- byline.lua: the feed's byline, "作者|文昌龙" and "编辑|杨舟" on lines of
-- their own, as author and editor facts.
local ROLES = { ["作者"] = "author", ["编辑"] = "editor", ["责编"] = "editor", ["责任编辑"] = "editor",
                ["撰文"] = "author", ["文"] = "author" }

return rule {
  name = "byline",
  description = "author and editor from the 作者|… / 编辑|… byline",
  keywords = { "作者|", "编辑|", "责编|", "责任编辑|", "撰文|" },
  sentence = function(s)
    for kw in s:hits() do
      local word = kw.text:sub(1, -2)
      -- the name runs to the end of the line (or to the next "|")
      local rest = s:after(kw, 12)
      local name = rest:match("^%s*([^|%s]+)")
      if name and ROLES[word] and utf8.len(name) and utf8.len(name) <= 6 then
        local a = kw.stop + (rest:find(name, 1, true) - 1)
        s:emit{ kind = "entity", name = ROLES[word], entity = name, role = word,
                evidence = { kw, { start = a, stop = a + #name } } }
      end
    end
  end,
}
