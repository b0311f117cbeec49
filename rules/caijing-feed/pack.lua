-- The app-aggregated Chinese finance feed ("财经头条" and the like): articles
-- re-published from media accounts, with the app's furniture around them —
-- a header (title, account name, "1周前"), a byline "作者|… / 编辑|…", a
-- "题图来源" and "原文标题" footer, the whole body printed a second time,
-- and "展开 / 打开…阅读更多精彩资讯 / APP内打开" at the end.
return {
  name = "caijing-feed",
  version = "0.1.0",
  description = "App-aggregated Chinese finance feed: header, byline, footer, repeated body",
  extends = "common",

  -- Declarative: the app's own trailer, or its footer pair.
  detect = function(doc)
    local text = doc:text()
    local tail = text:sub(-400)
    if tail:find("APP内打开", 1, true) or tail:find("阅读更多精彩资讯", 1, true) then return true end
    return text:find("原文标题", 1, true) ~= nil and text:find("作者|", 1, true) ~= nil
  end,

  -- What the rules should not read: the header lines above the byline that
  -- are not part of the article (the account name, "1周前"), the second
  -- copy of the body, and the app's trailer.  Returned as spans; the engine
  -- blanks them (offsets stay those of the original text).
  clean = function(doc)
    local clean = require "lib.clean"
    return clean.spans(doc:text())
  end,
}
