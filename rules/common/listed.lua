-- listed.lua: companies named with their stock code — 康希诺（688185.SH）,
-- 贵州茅台(600519).  News introduces a listed company so, and the name
-- before the bracket is a company even when no lexicon knows it: then it
-- becomes a mention wherever the document uses it, so that its figures
-- go to it and not to the last company named before.  (A code the lexicon
-- knows names its company already.)
local lib = require "lib.common"
local names = require "lib.names"

return rule {
  name = "listed",
  description = "companies named with their stock code in brackets, as in 康希诺（688185.SH）",
  keywords = { "(" },
  needs = { "ident" },
  mentions = function(s)
    local idents = s:quantities("ident")
    for i = 1, #idents do
      local q = idents[i]
      if q.ident == "stock_code" and s:before(q, 1) == "(" then
        local open = q.start - #"("
        local name = names.before(s, open)
        -- A market is no company: A股(600519) is a share, not its issuer.
        if name and not lib.ends(name, "股") and not lib.overlaps(s:mentions(), open - #name, q.stop) then
          local spans = s.doc:occurrences(name)
          for j = 1, #spans do
            s:add_mention{ start = spans[j].start, stop = spans[j].stop, canonical = name, type = "org" }
          end
        end
      end
    end
  end,
}
