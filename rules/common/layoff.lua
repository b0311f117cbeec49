-- layoff.lua: layoffs (裁员, 裁撤, 优化 of staff, job cuts), with the
-- compensation when the text states it (赔偿方案为N+1).
local lib = require "lib.common"

return rule {
  name = "layoff",
  description = "layoffs and their compensation",
  keywords = { "裁员", "裁掉", "人员优化", "裁撤", "layoff", "layoffs", "job cuts", "cut jobs", "lay off" },
  sentence = function(s)
    local kw = s:hits()()
    local comp
    for _, q in ipairs(s:quantities("ident")) do
      if q.ident == "formula" and q.text:find("^N") then comp = q.text end
    end
    local extra = { compensation = comp }
    local f = lib.event(s, kw, "layoff", extra, "")
    -- The compensation may come in a later sentence than the first mention.
    if comp and f then
      for prev in s.doc:facts{ kind = "event", name = "layoff", entity = f.entity } do
        if not prev.compensation then prev.compensation = comp end
      end
    end
  end,
}
