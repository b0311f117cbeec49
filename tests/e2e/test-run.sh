# `engine run`: the runtime end to end — a pack of test rules written here,
# the sandbox's fences, error reports, and the examples of rules/README.md.
. "$E2E/lib.sh"

pack=$T/rules/demo
mkdir -p "$pack/tests" "$T/rules/common"
cat >"$T/rules/common/pack.lua" <<'LUA'
return { name = "common", version = "1.0" }
LUA
cat >"$pack/pack.lua" <<'LUA'
return { name = "demo", version = "2.1", extends = "common",
         detect = function(doc) return doc.publication == "demo" end }
LUA
write_revenue_rule "$T/rules/common/revenue.lua"
mkdir -p "$T/rules/common/lexicon"
printf '商汤\t商汤\torg\tai\n商汤科技\t商汤\torg\tai\n' >"$T/rules/common/lexicon/orgs.tsv"
printf '2024年上半年，商汤科技营收17.4亿元。该公司营收还会增长。\n' >"$T/a.txt"

run "$ENGINE" run "$T/rules" --format jsonl "$T/a.txt"
expect_status "a minimal pack" 0
expect_grep "fact with entity, period, value, unit" '"kind":"metric","name":"revenue","text":"营收17.4亿元","start":31,"end":47,"entity":"商汤","value":1740000000,"unit":"CNY","period":"2024H1"' "$T/out"
expect_grep "pack version = manifest version + content hash" '"pack_version":"1.0+[0-9a-f]\{8\}"' "$T/out"
expect_lines "one fact" 1 "$T/out"

# A publication pack replaces the common rule of the same name when its
# detect() accepts the document, or when --pack names it.
cat >"$pack/revenue.lua" <<'LUA'
return rule {
  name = "revenue", keywords = { "营收" },
  sentence = function(s) s:emit{ kind = "metric", name = "revenue_demo", evidence = { s } } end,
}
LUA
run "$ENGINE" run "$T/rules" --format jsonl --pack demo "$T/a.txt"
expect_grep "--pack: the publication pack's rule replaces common's" '"pack":"demo","rule":"revenue"' "$T/out"
if grep -q '"pack":"common"' "$T/out"; then fail "--pack: common's revenue rule still ran"; else pass "--pack: common's revenue rule replaced"; fi
printf '{"id":"x","publication":"demo","text":"商汤营收5亿元"}\n{"id":"y","text":"商汤营收5亿元"}\n' >"$T/d.jsonl"
run "$ENGINE" run "$T/rules" --format jsonl --input jsonl "$T/d.jsonl"
expect_grep "detect() accepts doc x" '"doc":"x","pack":"demo"' "$T/out"
expect_grep "detect() declines doc y" '"doc":"y","pack":"common"' "$T/out"
rm "$pack/revenue.lua"

# A rule stuck in a loop, one that allocates without end, one whose
# pattern backtracks without end (on long.txt's long sentence), one with a
# syntax error and one that emits a fact without a kind: each is reported
# with its file and line, exit status 1, and the other rules still run.
cat >"$T/rules/common/loop.lua" <<'LUA'
return rule {
  name = "loop", keywords = { "营收" },
  sentence = function(s)
    pcall(function() while true do end end)
    while true do end
  end,
}
LUA
cat >"$T/rules/common/hog.lua" <<'LUA'
return rule {
  name = "hog", keywords = { "营收" },
  sentence = function(s)
    local t = {}
    while true do t[#t + 1] = ("x"):rep(4096) .. #t end
  end,
}
LUA
cat >"$T/rules/common/broken.lua" <<'LUA'
return rule {
  name = "broken", keywords = { "营收" }
  sentence = function(s) end,
}
LUA
cat >"$T/rules/common/nokind.lua" <<'LUA'
return rule {
  name = "nokind", keywords = { "营收" },
  sentence = function(s)
    s:emit{ name = "revenue", evidence = { s } }
  end,
}
LUA
cat >"$T/rules/common/pattern.lua" <<'LUA'
return rule {
  name = "pattern", keywords = { "营收" },
  sentence = function(s)
    pcall(function() return s:find("(.-)(.-)(.-)(.-)b") end)
  end,
}
LUA
{ printf '营收'; printf 'a%.0s' $(seq 3000); printf '\n'; } >"$T/long.txt"
cat >"$T/rules/common/escape.lua" <<'LUA'
return rule {
  name = "escape", keywords = { "营收" },
  sentence = function(s)
    os.execute("touch /tmp/engine-escaped")
  end,
}
LUA
run "$ENGINE" run "$T/rules" --format jsonl "$T/a.txt" "$T/long.txt"
expect_status "failing rules" 1
expect_grep "the good rule still ran" '"name":"revenue"' "$T/out"
expect_grep "loop stopped, named with file:line" 'common/loop.lua:[0-9]*: instruction budget exceeded' "$T/err"
expect_grep "memory hog stopped" 'common/hog.lua.*memory limit exceeded' "$T/err"
expect_grep "backtracking pattern stopped, named with file:line" 'common/pattern.lua:4: instruction budget exceeded' "$T/err"
expect_grep "syntax error with file:line" 'common/broken.lua:3:' "$T/err"
expect_grep "emit without kind is an error" "common/nokind.lua:4: emit: 'kind' must be one of" "$T/err"
expect_grep "os is not available" 'common/escape.lua:4: os is not available in rules' "$T/err"
[ -e /tmp/engine-escaped ] && fail "a rule ran os.execute" || pass "no rule reached the shell"
rm -f "$T"/rules/common/{loop,hog,broken,nokind,escape,pattern}.lua

# Unknown fields and rules without keywords are load errors.
cat >"$T/rules/common/typo.lua" <<'LUA'
return rule { name = "typo", keywords = { "营收" }, sentense = function(s) end }
LUA
run "$ENGINE" run "$T/rules" --format jsonl "$T/a.txt"
expect_status "unknown rule field" 1
expect_grep "unknown field named" "common/typo.lua:1: rule: unknown field 'sentense'" "$T/err"
rm -f "$T/rules/common/typo.lua"

# needs: a rule wakes only on sentences that also hold a quantity of a kind
# it needs.  a.txt's first sentence states money, its second none; the
# same rule without needs wakes on both.
for r in woke_money woke_all; do
    needs='needs = { "money", "date" },'
    [ "$r" = woke_all ] && needs=
    cat >"$T/rules/common/$r.lua" <<LUA
return rule { name = "$r", keywords = { "营收" }, $needs sentence = function(s)
  s:emit{ kind = "event", name = "$r", value = s.start, evidence = { s } }
end }
LUA
done
run "$ENGINE" run "$T/rules" --format jsonl "$T/a.txt"
expect_lines "needs money: woken once" 1 <(grep '"name":"woke_money"' "$T/out")
expect_grep "needs money: on the sentence with money" '"name":"woke_money","text":"2024年上半年' "$T/out"
expect_lines "without needs: woken twice" 2 <(grep '"name":"woke_all"' "$T/out")
cat >"$T/rules/common/woke_money.lua" <<'LUA'
return rule { name = "woke_money", keywords = { "营收" }, needs = { "cash" }, sentence = function(s) end }
LUA
run "$ENGINE" run "$T/rules" --format jsonl "$T/a.txt"
expect_status "unknown kind in needs" 1
expect_grep "needs names the bad kind, with file:line" 'common/woke_money.lua:1: rule: needs\[1\] is not a kind of quantity' "$T/err"
cat >"$T/rules/common/woke_money.lua" <<'LUA'
return rule { name = "woke_money", needs = { "money" }, document = function(doc) end }
LUA
run "$ENGINE" run "$T/rules" --format jsonl "$T/a.txt"
expect_grep "needs on a document rule is an error" "common/woke_money.lua:1: rule: 'needs' only applies to sentence and mentions rules" "$T/err"
rm -f "$T/rules/common/woke_money.lua" "$T/rules/common/woke_all.lua"

# A fact's "from" list is JSON like the rest of the line: quotes and
# control characters in its strings are escaped, not dropped.
cat >"$T/rules/common/odd.lua" <<'LUA'
return rule { name = "odd", keywords = { "营收" }, sentence = function(s)
  for kw in s:hits() do
    local f = s:emit{ kind = "metric", name = "odd_part", entity = "a\"b\tc", value = 1, evidence = { kw } }
    s:emit{ kind = "check", name = "odd_whole", value = 1, from = { f }, evidence = { kw } }
  end
end }
LUA
run "$ENGINE" run "$T/rules" --format jsonl "$T/a.txt"
expect_grep "from: strings escaped" '"from":\[{"name":"odd_part","entity":"a\\"b\\tc"' "$T/out"
rm -f "$T/rules/common/odd.lua"

# The same fact stated twice is reported once.
printf '商汤营收17.4亿元。\n\n商汤营收17.4亿元。\n' >"$T/twice.txt"
run "$ENGINE" run "$T/rules" --format jsonl "$T/twice.txt"
expect_lines "a repeated statement gives one fact" 1 "$T/out"

# Table output: a header and aligned rows.
run "$ENGINE" run "$T/rules" --format table "$T/a.txt"
expect_grep "table header" '^kind  *name  *entity  *value' "$T/out"

# A rules folder that is not there, or holds no pack: exit 2.
run "$ENGINE" run "$T/nowhere" "$T/a.txt"
expect_status "missing rules folder" 2
mkdir -p "$T/empty"
run "$ENGINE" run "$T/empty" "$T/a.txt"
expect_status "rules folder without packs" 2
expect_grep "says what a pack is" "no rule pack here" "$T/err"

# Every Lua example in rules/README.md loads and runs: all of them in one
# pack, each must emit at least one fact.
n=0
awk '/^```lua$/ { n++; f = sprintf("%s/doc-example-%d.lua", dir, n); inside = 1; next }
     /^```$/ { inside = 0; next }
     inside { print > f }' dir="$T" rules/README.md
mkdir -p "$T/docpack/common"
cp "$T/rules/common/pack.lua" "$T/docpack/common/"
cp -r "$T/rules/common/lexicon" "$T/docpack/common/"
for ex in "$T"/doc-example-*.lua; do
    n=$((n + 1))
    cp "$ex" "$T/docpack/common/$(basename "$ex")"
done
run "$ENGINE" run "$T/docpack" --format jsonl "$T/a.txt"
expect_status "README examples run" 0
for ex in "$T"/doc-example-*.lua; do
    name=$(grep -o 'name = "[a-z_]*"' "$ex" | head -1 | sed 's/name = //; s/"//g')
    expect_grep "README example '$name' emits a fact" "\"rule\":\"$name\"" "$T/out"
done
[ "$n" -ge 2 ] && pass "README has $n Lua examples" || fail "only $n Lua examples found in rules/README.md"

# clean(): a span is blanked whole characters wide (cut inside 甲's 元
# and inside the 。 ending 丙's line) and its line ends are kept: the rules
# read what is left of 甲's line and 丁's, as two paragraphs, at the offsets
# of the original text.
mkdir -p "$T/cleanpack/common" "$T/cleanpack/feed"
printf 'return { name = "common", version = "1" }\n' >"$T/cleanpack/common/pack.lua"
cat >"$T/cleanpack/common/said.lua" <<'LUA'
return rule {
  name = "said", keywords = { "营收" },
  sentence = function(s) s:emit{ kind = "event", name = "said", p = s.paragraph, evidence = { s } } end,
}
LUA
cat >"$T/cleanpack/feed/pack.lua" <<'LUA'
return { name = "feed", version = "1", extends = "common",
         detect = function(doc) return doc.publication == "feed" end,
         clean = function(doc)
           if doc.id == "n" then return { { start = 14, stop = 17 } } end -- up to 乙: the line end too
           return { { start = 14, stop = 55 } }
         end }
LUA
printf '{"id":"c","publication":"feed","text":"甲营收1亿元\\n乙营收2亿元。\\n丙营收3亿元。\\n丁营收4亿元。"}\n' >"$T/clean.jsonl"
printf '{"id":"n","publication":"feed","text":"甲营收1亿元\\n乙营收2亿元。"}\n' >>"$T/clean.jsonl"
run "$ENGINE" run "$T/cleanpack" --format jsonl --input jsonl "$T/clean.jsonl"
expect_status "clean(): the run" 0
expect_lines "clean(): only 甲 and 丁 are read (and doc n's two)" 4 "$T/out"
expect_grep "clean(): 甲 without its 元, none of it left" '"text":"甲营收1亿","start":0,"end":13,"p":1' "$T/out"
expect_grep "clean(): 丁 at its offset, a paragraph of its own" '"text":"丁营收4亿元。","start":57,"end":76,"p":2' "$T/out"
expect_grep "clean(): a line end in a span stays one" '"doc":"n".*"text":"乙营收2亿元。","start":17,"end":36,"p":2' "$T/out"
