-- merger.lua: mergers and consolidations: 合并, 整合 of businesses, a new
-- business group formed from existing ones (成立…事业群), acquisitions.
local lib = require "lib.common"

return rule {
  name = "merger",
  description = "mergers, consolidations and new business groups formed from existing units",
  keywords = { "合并", "整合", "事业群", "并购", "收购", "merger", "merge", "merged", "acquisition", "acquire" },
  sentence = function(s)
    local text = s.text
    for kw in s:hits() do
      local target
      if kw.keyword == "事业群" and s:before(kw, 12):find("成立") then
        -- "成立电商事业群": the new group is the target.
        local before = s:before(kw, 10)
        local name = before:match("成立([^，,。的]*)$")
        target = (name or "") .. "事业群"
      elseif kw.keyword == "整合" and s:after(kw, 12):find("业务") and text:find("成立") then
        target = nil
      elseif kw.keyword ~= "事业群" and kw.keyword ~= "整合" then
        target = nil
        local entity = s:subject(kw)
        if entity and (kw.keyword == "合并" or kw.keyword:find("^[mM]erge")) then
          lib.event(s, kw, "merger", nil, "")
          return
        end
      end
      if target then
        lib.event(s, kw, "merger", { target = target }, target)
        return
      end
    end
  end,
}
