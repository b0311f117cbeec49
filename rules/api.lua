---@meta
-- Type annotations of the rule API for the Lua Language Server (LuaLS):
-- point your editor's workspace.library at this file and it completes the
-- API.  The engine never loads it.  The API itself: rules/README.md.

---@class Span
---@field text string   normalised text of the span
---@field start integer byte offset in the document's normalised text (0-based)
---@field stop integer  byte offset just past the span

---@class Hit: Span
---@field keyword string the keyword as the rule wrote it

---@class Quantity: Span
---@field kind "number"|"percent"|"money"|"ordinal"|"quantity"|"period"|"date"|"ident"
---@field value number?   base units for money; the percent figure for percent
---@field unit string?    ISO 4217 code, "%", "pp", "‰", or a counter such as "股"
---@field qualifier "approx"|"gt"|"ge"|"lt"|"le"|nil
---@field low number?     ranges
---@field high number?    ranges
---@field change "up"|"down"|nil
---@field basis "yoy"|"qoq"|nil
---@field period string?  periods and dates: "2024H1", "2018/2023", "2024-03-26"
---@field asof boolean?   an as-of date (截至…)
---@field relative boolean? resolved against the document date (今年, 3月26日)
---@field resolved boolean? false for a relative period with no document date
---@field ident string?   for kind "ident": "stock_code", "version", "formula", …

---@class Mention: Span
---@field canonical string the canonical name
---@field type string      "org", "unit", "title", "code", …
---@field extra string     parent org, exchange, role or sector

---@class Fact
---@field kind "entity"|"metric"|"ratio"|"event"|"check"
---@field name string
---@field entity string?
---@field value number?
---@field unit string?
---@field period string?
---@field qualifier "approx"|"gt"|"ge"|"lt"|"le"|nil
---@field evidence (Span|{start: integer, stop: integer})[]? required in sentence rules
---@field from Fact[]?  in document rules: the facts this one was computed from
---@field key string?   facts with the same key are one fact (the first statement wins); not output
---@field text string?  set by the engine: the original evidence text
---@field start integer? set by the engine: offset in the original bytes
---@field end integer?   set by the engine
---@field rule string?   set by the engine: the rule that emitted it
---@field pack string?   set by the engine
---@field pack_version string? set by the engine
---@field [string] string|number|boolean|Fact[] other fields: role, org, segment, change, …

---@class Document
---@field id string
---@field date string?        "YYYY-MM-DD"
---@field publication string?
local Document = {}
---@param filter table? fields that must all match
---@return fun(): Fact?
function Document:facts(filter) end
---@param filter table
---@return Fact?
function Document:fact(filter) end
---@return fun(): Sentence?
function Document:sentences() end
---@param text string
---@return Span[]
function Document:occurrences(text) end
---The sentence holding pos, or nil.
---@param pos Span|integer
---@return Sentence?
function Document:sentence_at(pos) end
---Every mention of the document, in order (as s:mentions gives them, sentence by sentence).
---@param type string? only mentions of this type ("org", "unit", "title", "code")
---@return Mention[]
function Document:mentions(type) end
---The organisations and business units the document names, each canonical name once, at its first mention, in order.
---@return Mention[]
function Document:entities() end
---@return string the whole normalised text
function Document:text() end
---@param fact Fact
---@return Fact
function Document:emit(fact) end

---@class Sentence: Span
---@field index integer     1-based
---@field paragraph integer 1-based
---@field doc Document
local Sentence = {}
---@param keyword string? only hits of this keyword
---@return fun(): Hit?
function Sentence:hits(keyword) end
---@param kind string? only quantities of this kind (or of any of the kinds given)
---@param ... string
---@return Quantity[]
function Sentence:quantities(kind, ...) end
---@param pos Span|integer
---@param n integer? characters (default 20)
---@return Quantity?
function Sentence:money_after(pos, n) end
---@param pos Span|integer
---@param n integer?
---@param kind string?
---@return Quantity?
function Sentence:quantity_after(pos, n, kind) end
---@param pos Span|integer
---@param n integer?
---@param kind string?
---@return Quantity?
function Sentence:quantity_before(pos, n, kind) end
---@param pos Span|integer|nil
---@return string? period
function Sentence:period(pos) end
---@param pos Span|integer|nil
---@return string? canonical organisation name
function Sentence:subject(pos) end
---@param type string?
---@return Mention[]
function Sentence:mentions(type) end
---@param a Span|integer
---@param b Span|integer
---@return string
function Sentence:between(a, b) end
---@param pos Span|integer
---@param n integer? characters (default 10)
---@return string
function Sentence:before(pos, n) end
---@param pos Span|integer
---@param n integer? characters (default 10)
---@return string
function Sentence:after(pos, n) end
---What s:before(pos, n) gives, from just after the last of the stops characters in it.
---@param pos Span|integer
---@param n integer? characters (default 10)
---@param stops string? the characters that end a clause (default: the clause marks ,;:、。()!?“”「」— space newline |‘’"《》)
---@return string
function Sentence:clause_before(pos, n, stops) end
---@param pattern string a Lua pattern
---@param init Span|integer|nil
---@return integer? start, integer? stop, ... captures
function Sentence:find(pattern, init) end
---@return Sentence?
function Sentence:prev() end
---@return Sentence?
function Sentence:next() end
---@param fact Fact
---@return Fact
function Sentence:emit(fact) end
---@param m {start: integer, stop: integer, canonical: string, type: string?, extra: string?}
function Sentence:add_mention(m) end

---@class RuleSpec
---@field name string
---@field keywords string[]?
---@field needs ("number"|"percent"|"money"|"ordinal"|"quantity"|"period"|"date"|"ident")[]? wake only on sentences holding one of these
---@field description string?
---@field sentence fun(s: Sentence)?
---@field mentions fun(s: Sentence)?
---@field document fun(doc: Document)?

---@param spec RuleSpec
---@return RuleSpec
function rule(spec) end

--- A text against a list of words, in one pass of C (rules/README.md,
--- "Word lists").  Lists are compiled once per table: do not change them.
words = {}
---@param text string
---@param list string[]
---@return string? word the first word of the list (in list order) that text contains
function words.has_any(text, list) end
---@param text string
---@param list string[]
---@return string? word the first word of the list that text starts with
function words.starts_any(text, list) end
---@param text string
---@param list string[]
---@return string? word the first word of the list that text ends with
function words.ends_any(text, list) end
---@param text string
---@param list string[]
---@return string rest what follows the last place a word of the list ends
function words.after_last(text, list) end
---@param text string
---@param list string[] lower-case words, longer before shorter ones they start
---@return boolean only true when text is nothing but words of the list and spaces
function words.only(text, list) end
---@param text string
---@return string
function words.trim(text) end
---@param text string
---@param list string[]? only the lines holding one of these words
---@return fun(): integer?, integer, string iterator giving start, stop (0-based byte offsets [start, stop), the "\n" left out) and the trimmed text of each line
function words.lines(text, list) end
---@param text string
---@param set table<string, boolean> characters
---@return string rest what follows the last character of text in set
function words.tail(text, set) end
