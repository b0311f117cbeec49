# `engine watch`: the real flow.  The watcher runs in the background with
# its output in a file; the test edits a rule the ways editors do (in
# place, and by writing a temporary file and renaming it over the rule),
# breaks it and fixes it, and reads what the watcher printed each time.
. "$E2E/lib.sh"

mkdir -p "$T/rules/common/lexicon"
cat >"$T/rules/common/pack.lua" <<'LUA'
return { name = "common", version = "1" }
LUA
printf '商汤\t商汤\torg\tai\n商汤科技\t商汤\torg\tai\n' >"$T/rules/common/lexicon/orgs.tsv"
rule=$T/rules/common/revenue.lua
# write_rule FACTOR [BROKEN]: the revenue rule, its value multiplied by
# FACTOR; with BROKEN a comma is missing on line 3.
write_rule() {
    local comma=,
    [ $# -gt 1 ] && comma=
    cat <<LUA
return rule {
  name = "revenue",
  keywords = { "营收", "revenue" }$comma
  sentence = function(s)
    for kw in s:hits() do
      local m = s:money_after(kw, 12)
      if m then
        s:emit{ kind = "metric", name = "revenue", entity = s:subject(kw), period = s:period(kw),
                value = m.value * $1, unit = m.unit, evidence = { kw, m } }
      end
    end
  end,
}
LUA
}
write_rule 1 >"$rule"

# A 25 KB article (the size the latency target is set for): the revenue
# sentence first, then the project's sample articles as filler.
printf '2024年上半年，商汤科技营收17.4亿元。\n\n' >"$T/a.txt"
while [ "$(stat -c %s "$T/a.txt")" -lt 25600 ]; do
    cat tests/fixtures/*.txt >>"$T/a.txt"
done

# Usage errors come before any watching.
run "$ENGINE" watch "$T/rules"
expect_status "watch without inputs" 2
run "$ENGINE" watch "$T/rules" -
expect_status "watch refuses standard input (it cannot be read twice)" 2
run "$ENGINE" watch "$T/nowhere" "$T/a.txt"
expect_status "watch a missing rules folder" 2

out=$T/watch.out err=$T/watch.err
"$ENGINE" watch "$T/rules" --format jsonl "$T/a.txt" >"$out" 2>"$err" &
wpid=$!
trap 'kill "$wpid" 2>/dev/null' EXIT

summaries() { grep -c ' in [0-9]* ms$' "$out"; }

expect_soon "watching, after the first run" "watching .* for changes" "$err"
expect_grep "the first run prints the facts" '"name":"revenue".*"start":31,.*"value":1740000000' "$out"

# 1. Edited in place (same inode): the value changes.
write_rule 2 >"$rule"
expect_soon "in-place edit: a '~ changed' line" \
    '^~ changed metric revenue 商汤 2024H1: value 1740000000 → 3480000000' "$out"
expect_soon "in-place edit: the summary" \
    '^0 added, 0 removed, 1 changed (pack versions common 1+[0-9a-f]*) in [0-9]* ms$' "$out"

# 2. Broken: the error with file:line, the old rules kept, no diff.
n=$(summaries)
write_rule 3 broken >"$rule"
expect_soon "syntax error: told with file:line" 'common/revenue.lua:[34]:' "$err"
expect_soon "syntax error: the previous rules stay" 'keeping the previous rules' "$err"
sleep 0.2
[ "$(summaries)" -eq "$n" ] && pass "syntax error: no diff printed" \
    || fail "syntax error: a diff was printed: $(tail -3 "$out")"

# 3. Fixed: the watcher recovers without a restart.
write_rule 3 >"$rule"
expect_soon "fixed: a diff again" 'value 3480000000 → 5220000000' "$out"

# 4. Saved the way vim, sed -i and most IDEs do: a new file renamed over
# the rule (the rule's inode changes).
write_rule 1 >"$rule.tmp" && mv "$rule.tmp" "$rule"
expect_soon "temp file + rename: a diff" 'value 5220000000 → 1740000000' "$out"

# 5. A new rule file is a change; so is its removal.
sed 's/name = "revenue",$/name = "revenue_copy",/; s/name = "revenue", entity/name = "revenue_copy", entity/' \
    "$rule" >"$T/rules/common/copy.lua"
expect_soon "a new rule file: '+ added' with the fact's JSON" \
    '^+ added {"doc":".*","name":"revenue_copy"' "$out"
rm "$T/rules/common/copy.lua"
expect_soon "a deleted rule file: '- removed'" '^- removed {.*"name":"revenue_copy"' "$out"

# 6. Editor droppings are not changes.
sleep 0.1
n=$(summaries)
touch "$T/rules/common/.revenue.lua.swp" "$T/rules/common/revenue.lua~" "$T/rules/common/4913"
sleep 0.3
[ "$(summaries)" -eq "$n" ] && pass "editor droppings: no reload" \
    || fail "editor droppings caused a reload: $(tail -2 "$out")"

# The latency each summary reports: change on disk to diff written.
max=$(sed -n 's/.* in \([0-9]*\) ms$/\1/p' "$out" | sort -n | tail -1)
limit=200
[ -n "${SANITIZED:-}" ] && limit=600 # AddressSanitizer slows the rules down
if [ -n "$max" ] && [ "$max" -lt "$limit" ]; then
    pass "latency from save to diff under $limit ms (slowest: $max ms)"
else
    fail "latency from save to diff: slowest ${max:-?} ms, wanted under $limit"
fi

# SIGTERM: a clean stop, exit status 0 (and, under ASan, no leak report).
kill -TERM "$wpid"
wait "$wpid"
status=$?
trap - EXIT
[ "$status" -eq 0 ] && pass "SIGTERM stops the watcher cleanly" \
    || fail "SIGTERM: exit $status: $(tail -c 300 "$err")"
