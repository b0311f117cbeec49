# `engine numbers` on the sample articles: whole outputs compared with the
# reviewed expectations in tests/e2e/expected/.
. "$E2E/lib.sh"

for name in sample-zh sample-en; do
    run "$ENGINE" numbers --format jsonl --date 2024-12-15 "tests/fixtures/$name.txt"
    expect_status "$name" 0
    expect_same "$name: every quantity" "tests/e2e/expected/$name.numbers.jsonl" "$T/out"
done

# Without --date, relative periods are reported unresolved, not guessed.
run "$ENGINE" numbers --format jsonl tests/fixtures/sample-zh.txt
expect_grep "今年 unresolved without --date" '"text":"今年3月26日".*"resolved":false' "$T/out"

# Each span points into the original bytes: cutting them out of the file
# gives back the reported text.
run "$ENGINE" numbers --format jsonl tests/fixtures/sample-zh.txt
bad=0
while IFS=$'\t' read -r start end text; do
    got=$(dd if=tests/fixtures/sample-zh.txt bs=1 skip="$start" count=$((end - start)) 2>/dev/null)
    [ "$got" = "$text" ] || { bad=1; echo "    span $start-$end is '$got', reported '$text'"; }
done < <(sed -E 's/.*"start":([0-9]+),"end":([0-9]+),"text":"([^"]*)".*/\1\t\2\t\3/' "$T/out")
[ "$bad" -eq 0 ] && pass "spans cut from the file give the reported text" || fail "spans"

# Options may stand after the positional arguments (GNU style).
run "$ENGINE" numbers tests/fixtures/sample-en.txt --format jsonl --date 2024-12-15
expect_same "options after arguments" "tests/e2e/expected/sample-en.numbers.jsonl" "$T/out"

# --format table: a header and one aligned row per quantity.
run "$ENGINE" numbers --format table --date 2024-12-15 tests/fixtures/sample-zh.txt
expect_status "table" 0
expect_grep "table header" '^doc  *span  *kind  *value' "$T/out"
rows=$(($(wc -l <"$T/out") - 1))
want=$(wc -l <tests/e2e/expected/sample-zh.numbers.jsonl)
[ "$rows" -eq "$want" ] && pass "table has a row per quantity" || fail "table rows $rows, wanted $want"

# JSON Lines input: each document's quantities carry its id; the
# document's own date resolves 今年.
run "$ENGINE" numbers --input jsonl --format jsonl tests/fixtures/samples.jsonl
expect_status "jsonl input" 0
sed 's/"doc":"tests\/fixtures\/sample-zh.txt"/"doc":"zh-1"/' tests/e2e/expected/sample-zh.numbers.jsonl >"$T/want"
sed 's/"doc":"tests\/fixtures\/sample-en.txt"/"doc":"en-1"/' tests/e2e/expected/sample-en.numbers.jsonl >>"$T/want"
expect_same "jsonl input: same quantities, doc = id" "$T/want" "$T/out"

# Standard input.
run "$ENGINE" numbers --format jsonl --date 2024-12-15 - <tests/fixtures/sample-zh.txt
sed 's/"doc":"tests\/fixtures\/sample-zh.txt"/"doc":"-"/' tests/e2e/expected/sample-zh.numbers.jsonl >"$T/want"
expect_same "stdin" "$T/want" "$T/out"
