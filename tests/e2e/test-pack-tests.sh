# `engine test`: each pack's tests/ run, and every difference shown.
. "$E2E/lib.sh"

p=$T/rules/common
mkdir -p "$p/tests" "$p/lexicon"
cat >"$p/pack.lua" <<'LUA'
return { name = "common", version = "1.0" }
LUA
printf '商汤\t商汤\torg\tai\n' >"$p/lexicon/orgs.tsv"
write_revenue_rule "$p/revenue.lua"
printf '今年上半年，商汤营收17.4亿元。\n' >"$p/tests/one.txt"
cat >"$p/tests/one.facts.jsonl" <<'JSON'
{"options": {"date": "2024-12-15"}}
{"kind": "metric", "name": "revenue", "entity": "商汤", "period": "2024H1", "value": 1740000000, "unit": "CNY"}
{"absent": {"kind": "metric", "text": "1688"}}
JSON
run "$ENGINE" test "$T/rules"
expect_status "a passing pack test" 0
expect_grep "names the test" "ok   common/tests/one.txt (1 facts)" "$T/out"
expect_grep "summary line" "pack tests: 1 passed, 0 failed" "$T/out"

# Now the expectations disagree in every way a diff can show.
cat >"$p/tests/one.facts.jsonl" <<'JSON'
{"options": {"date": "2024-12-15"}}
{"kind": "metric", "name": "revenue", "entity": "商汤", "period": "2024H1", "value": 1750000000, "unit": "CNY"}
{"kind": "metric", "name": "rd_expense", "entity": "商汤", "period": "2024H1"}
{"absent": {"kind": "metric", "text": "17.4"}}
JSON
printf '商汤营收5亿元。\n' >"$p/tests/two.txt"
printf '{"options": {}}\n' >"$p/tests/two.facts.jsonl"
run "$ENGINE" test "$T/rules"
expect_status "failing pack tests" 1
expect_grep "changed value shown" "~ changed    metric revenue" "$T/out"
expect_grep "both values shown" "value: wanted 1750000000, got 1740000000" "$T/out"
expect_grep "missing fact shown" "\- missing    metric rd_expense" "$T/out"
expect_grep "forbidden fact shown" "! forbidden  metric revenue" "$T/out"
expect_grep "unexpected fact shown" "+ unexpected metric revenue.*value=500000000" "$T/out"
expect_grep "summary counts both" "pack tests: 0 passed, 2 failed" "$T/out"

# A number written with decimals matches what rounds to it.
cat >"$p/tests/one.facts.jsonl" <<'JSON'
{"options": {"date": "2024-12-15"}}
{"kind": "metric", "name": "revenue", "value": 1.74e9}
JSON
cat >"$p/tests/two.facts.jsonl" <<'JSON'
{"kind": "metric", "name": "revenue", "value": 500000000.0}
JSON
run "$ENGINE" test "$T/rules"
expect_status "numbers compare to the precision written" 0

# A missing expectations file and a bad line are failures that say where.
rm "$p/tests/two.facts.jsonl"
printf '{"kind": "metric", "name": \n' >>"$p/tests/one.facts.jsonl"
run "$ENGINE" test "$T/rules"
expect_status "broken expectations" 1
expect_grep "missing file named" "two.facts.jsonl: missing" "$T/out"
expect_grep "bad line named with its number" "one.facts.jsonl:3: column" "$T/out"
