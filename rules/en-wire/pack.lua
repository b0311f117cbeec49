-- English-language wire copy: a dateline ("HONG KONG, Dec 12 (Reuters) -")
-- opens the story; figures come as "revenue rose 21% to 1.74 billion yuan
-- ($241 million)"; agencies are named in the dateline and the sign-off.
return {
  name = "en-wire",
  version = "0.1.0",
  description = "English wire stories: dateline, agency, converted amounts",
  extends = "common",

  -- A dateline near the top: "CITY, Mon D (Agency) -" or "CITY (Agency) -".
  -- Both end in ") -": a plain search for it first spares the patterns
  -- (slow, tried at every byte) on the many documents without one.
  detect = function(doc)
    local head = doc:text():sub(1, 600)
    if not head:find(") -", 1, true) then return false end
    return head:find("%u[%u ]+, %a+%.? %d+ %([%a ]+%) %-") ~= nil
        or head:find("%u[%u ]+ %([%a ]+%) %-") ~= nil
  end,
}
