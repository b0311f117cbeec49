# `engine check`: every problem of every pack reported at once.
. "$E2E/lib.sh"

r=$T/rules
mkdir -p "$r/common/lexicon" "$r/wire"
printf 'return { name = "common", version = "1.0" }\n' >"$r/common/pack.lua"
printf 'return { name = "wire", version = "1.0", extends = "nowhere", colour = "red" }\n' >"$r/wire/pack.lua"
cat >"$r/common/good.lua" <<'LUA'
return rule { name = "good", description = "finds revenue", keywords = { "营收" },
              sentence = function(s) end }
LUA
cat >"$r/common/syntax.lua" <<'LUA'
return rule { name = "syntax" keywords = { "x" } }
LUA
cat >"$r/common/unknown.lua" <<'LUA'
return rule { name = "unknown", keywords = { "x" }, sentense = function(s) end }
LUA
cat >"$r/common/nokw.lua" <<'LUA'
return rule { name = "nokw", sentence = function(s) end }
LUA
cat >"$r/common/zdup.lua" <<'LUA'
return rule { name = "good", keywords = { "y" }, sentence = function(s) end }
LUA
cat >"$r/common/wide.lua" <<'LUA'
return rule { name = "wide", keywords = { "营收（亿元）", " revenue" }, sentence = function(s) end }
LUA
printf '商汤\t商汤\torg\n坏行\n腾讯\t腾讯\tcompany\n' >"$r/common/lexicon/orgs.tsv"

run "$ENGINE" check "$r"
expect_status "problems found" 1
expect_grep "syntax error with line" "common/syntax.lua:1:" "$T/err"
expect_grep "unknown rule field" "unknown field 'sentense'" "$T/err"
expect_grep "rule without keywords" "common/nokw.lua:1: rule: a sentence or mentions rule needs keywords" "$T/err"
expect_grep "duplicate rule name" "duplicate rule name 'good'" "$T/err"
expect_grep "full-width keyword can never match" "keyword '营收（亿元）' can never match: the text it is matched against reads '营收(亿元)'" "$T/err"
expect_grep "keyword with a space at an edge" "keyword ' revenue' can never match" "$T/err"
expect_grep "lexicon line without columns" "common/lexicon/orgs.tsv:2: wants surface" "$T/err"
expect_grep "lexicon line with an unknown type" "common/lexicon/orgs.tsv:3: unknown type" "$T/err"
expect_grep "unknown manifest field" "unknown field 'colour' in the manifest" "$T/err"
expect_grep "extends a missing pack" "wire: extends 'nowhere'" "$T/err"
expect_grep "counts them" "^10 problems" "$T/out"
expect_grep "lists the rules that loaded" "good  *common/good.lua  *finds revenue" "$T/out"

run "$ENGINE" check rules/
expect_status "the shipped rules are clean" 0
expect_grep "no problem" "^0 problems" "$T/out"
