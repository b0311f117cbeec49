# `engine run --reload`: a stream of documents while a writer keeps editing
# a rule.  Every document is run exactly once, by one whole version of the
# rules, and each fact names the version that made it.
. "$E2E/lib.sh"

r=$T/rules/common
mkdir -p "$r"
printf 'return { name = "common", version = "1" }\n' >"$r/pack.lua"
# The rule tags each fact with its own edition; pack_version must agree.
write_rule() { # EDITION
    cat >"$r/.tag.lua.tmp" <<LUA
return rule {
  name = "tag", keywords = { "营收" },
  sentence = function(s) s:emit{ kind = "event", name = "seen", edition = $1, evidence = { s } } end,
}
LUA
    mv "$r/.tag.lua.tmp" "$r/tag.lua" # as editors save: a new file renamed over
}
write_rule 0

# 150 documents, fed slowly through a pipe so the edits land mid-stream.
feed() {
    for i in $(seq 1 150); do
        printf '{"id":"d%d","text":"商汤营收%d亿元。"}\n' "$i" "$i"
        sleep 0.02
    done
}
edits() {
    for e in 1 2 3; do sleep 0.8; write_rule "$e"; done
    # a broken save in the middle: the previous rules must stay
    sleep 0.3
    printf 'return rule { name = "tag" keywords = {} }\n' >"$r/tag.lua"
}
edits &
writer=$!
feed | "$ENGINE" run "$T/rules" --reload --input jsonl --format jsonl - >"$T/out" 2>"$T/err"
status=$?
wait "$writer"
expect_status "streaming with --reload" 1 # the broken save is reported
docs=$(grep -o '"doc":"d[0-9]*"' "$T/out" | sort -u | wc -l)
lines=$(wc -l <"$T/out")
[ "$docs" -eq 150 ] && pass "all 150 documents run" || fail "$docs of 150 documents run"
[ "$lines" -eq 150 ] && pass "none run twice" || fail "$lines facts for 150 documents"
editions=$(grep -o '"edition":[0-9]*' "$T/out" | sort -u | wc -l)
[ "$editions" -ge 3 ] && pass "the edits took effect mid-stream ($editions editions)" || fail "only $editions editions seen"
# one edition per pack version, one pack version per edition
pairs=$(sed -E 's/.*"pack_version":"([^"]*)".*"edition":([0-9]+).*/\1 \2/' "$T/out" | sort -u)
nv=$(echo "$pairs" | cut -d' ' -f1 | sort -u | wc -l)
np=$(echo "$pairs" | wc -l)
[ "$nv" -eq "$np" ] && pass "each fact's pack_version matches the rules that made it" || fail "versions and editions disagree: $pairs"
# in stream order, editions never go back
sed -E 's/.*"edition":([0-9]+).*/\1/' "$T/out" | awk 'NR > 1 && $1 < prev { bad = 1 } { prev = $1 } END { exit bad }' &&
    pass "editions only move forward" || fail "an older edition came back"
expect_grep "reloads announced" "rules reloaded" "$T/err"
expect_grep "broken save reported with file:line" "common/tag.lua:1:" "$T/err"
expect_grep "previous rules kept" "keeping the previous rules" "$T/err"
expect_grep "last good edition still running after the broken save" '"edition":3' "$T/out"

run "$ENGINE" numbers --reload x.txt
expect_status "--reload only for run" 2
