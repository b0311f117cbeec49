# `engine numbers` on awkward and broken inputs: each gives the documented
# result and exit status (docs/numbers.md, "Inputs and errors").
. "$E2E/lib.sh"

# Empty file, whitespace only: nothing found, success.
: >"$T/empty.txt"
run "$ENGINE" numbers --format jsonl "$T/empty.txt"
expect_status "empty file" 0
expect_empty "empty file: no output" "$T/out"
printf ' \n\t\r\n　\n' >"$T/blank.txt"
run "$ENGINE" numbers --format jsonl "$T/blank.txt"
expect_status "whitespace only" 0
expect_empty "whitespace only: no output" "$T/out"

# NUL bytes are read as spaces: the text around them is still scanned and
# spans still point at the original bytes.
printf '营收17.4亿元\0\0同比增长21%%' >"$T/nul.txt"
run "$ENGINE" numbers --format jsonl "$T/nul.txt"
expect_status "NUL bytes" 0
expect_grep "NUL bytes: amount before" '"start":6,"end":16,"text":"17.4亿元"' "$T/out"
expect_grep "NUL bytes: change after" '"text":"同比增长21%"' "$T/out"

# Invalid UTF-8 (and not GB18030 either): the byte offset is named, exit 1,
# and the next input is still processed.
printf '营收17.4亿元\xff\xfe\xff\x80\x80' >"$T/bad.txt"
run "$ENGINE" numbers --format jsonl "$T/bad.txt" tests/fixtures/sample-en.txt
expect_status "invalid bytes" 1
expect_grep "invalid bytes: offset named" "bad.txt: byte 16" "$T/err"
expect_grep "invalid bytes: next input still read" '"doc":"tests/fixtures/sample-en.txt"' "$T/out"

# A GBK file: detected, transcoded; the same quantities as the UTF-8
# original, the same text, spans in GBK bytes.
iconv -f UTF-8 -t GBK tests/fixtures/sample-zh.txt >"$T/gbk.txt"
run "$ENGINE" numbers --format jsonl --date 2024-12-15 "$T/gbk.txt"
expect_status "GBK file" 0
strip='s/"doc":"[^"]*","start":[0-9]*,"end":[0-9]*,//'
sed "$strip" tests/e2e/expected/sample-zh.numbers.jsonl >"$T/want"
sed "$strip" "$T/out" >"$T/got"
expect_same "GBK file: same quantities and text" "$T/want" "$T/got"
expect_grep "GBK file: span in GBK bytes" '"start":[0-9]*,"end":[0-9]*,"text":"17.4亿元"' "$T/out"
start=$(grep -o '"start":[0-9]*,"end":[0-9]*,"text":"17.4亿元"' "$T/out" | head -1 | sed -E 's/"start":([0-9]+),"end":([0-9]+).*/\1 \2/')
set -- $start
got=$(dd if="$T/gbk.txt" bs=1 skip="$1" count=$(($2 - $1)) 2>/dev/null | iconv -f GBK -t UTF-8)
[ "$got" = "17.4亿元" ] && pass "GBK span cuts out the amount" || fail "GBK span gives '$got'"
# --encoding says what it is.
run "$ENGINE" numbers --format jsonl --encoding gbk --date 2024-12-15 "$T/gbk.txt"
sed "$strip" "$T/out" >"$T/got"
expect_same "--encoding gbk" "$T/want" "$T/got"

# BOM and CRLF: offsets still point into the original bytes.
printf '\xef\xbb\xbf第一行\r\n营收17.4亿元\r\n' >"$T/bom.txt"
run "$ENGINE" numbers --format jsonl "$T/bom.txt"
expect_grep "BOM + CRLF: original offsets" '"start":20,"end":30,"text":"17.4亿元"' "$T/out"

# Full-width digits are read, and the span covers the full-width bytes.
printf '营收１７．４亿元' >"$T/wide.txt"
run "$ENGINE" numbers --format jsonl "$T/wide.txt"
expect_grep "full-width digits" '"start":6,"end":24,"text":"１７．４亿元","kind":"money","value":1740000000,"unit":"CNY"' "$T/out"

# A missing file: named, exit 1, the others still run.
run "$ENGINE" numbers --format jsonl "$T/missing.txt" tests/fixtures/sample-en.txt
expect_status "missing file" 1
expect_grep "missing file: named" "missing.txt: No such file" "$T/err"
expect_grep "missing file: next input still read" '"doc":"tests/fixtures/sample-en.txt"' "$T/out"

# A folder: every .txt/.md below it, sorted; a folder with none is an error.
mkdir -p "$T/dir/sub" "$T/none"
cp tests/fixtures/sample-en.txt "$T/dir/b.txt"
printf '净利润3亿元\n' >"$T/dir/sub/a.md"
printf 'ignored 5亿元\n' >"$T/dir/c.csv"
printf 'no text here' >"$T/none/data.bin"
run "$ENGINE" numbers --format jsonl "$T/dir"
expect_status "folder" 0
docs=$(grep -o '"doc":"[^"]*"' "$T/out" | uniq | sed 's/.*\///' | tr -d '"' | tr '\n' ' ')
[ "$docs" = "b.txt a.md " ] && pass "folder: .txt and .md in sorted order" || fail "folder order: $docs"
run "$ENGINE" numbers --format jsonl "$T/none"
expect_status "folder without text files" 1
expect_grep "folder without text files: said" "no .txt or .md files" "$T/err"

# JSON Lines: a bad line is an error for that line only.
printf '%s\n' '{"id":"a","text":"营收5亿元"}' '{"id":"b","text":' '' '{"id":7,"text":"净利润3亿元","date":null}' '[1]' >"$T/in.jsonl"
run "$ENGINE" numbers --input jsonl --format jsonl "$T/in.jsonl"
expect_status "jsonl with bad lines" 1
expect_grep "jsonl: line 2 named" "in.jsonl:2: not a valid document" "$T/err"
expect_grep "jsonl: line 5 named" "in.jsonl:5: not a valid document" "$T/err"
expect_grep "jsonl: line 1 read" '"doc":"a"' "$T/out"
expect_grep "jsonl: numeric id kept" '"doc":"7"' "$T/out"

# Usage errors exit 2; help tells the truth and exits 0.
run "$ENGINE" numbers --format xml x.txt
expect_status "bad --format" 2
run "$ENGINE" numbers --date 2024-02-30 x.txt
expect_status "impossible --date" 2
run "$ENGINE" frobnicate
expect_status "unknown command" 2
run "$ENGINE" --help
expect_status "--help" 0
expect_grep "--help lists numbers" "numbers \[INPUT...\]" "$T/out"
run "$ENGINE" numbers --help
expect_grep "numbers --help" "usage: engine numbers" "$T/out"

# A 200 MB single-line file: read in bounded memory.
# Prose with no sentence end at all, and an amount every 4 KB or so.
awk 'BEGIN { s = "这是一段没有任何句末标点的很长的文字"; while (length(x) < 4000) x = x s;
             x = x "营收17.4亿元，"; for (i = 0; i < 50000; i++) printf "%s", x }' >"$T/big.txt"
size=$(stat -c %s "$T/big.txt")
/usr/bin/time -f '%M' -o "$T/rss" "$ENGINE" numbers --format jsonl "$T/big.txt" >"$T/out" 2>"$T/err"
status=$?
expect_status "200 MB single line" 0
rss=$(cat "$T/rss")
[ "$size" -ge 200000000 ] && pass "big file is $size bytes" || fail "big file only $size bytes"
# Sanitizers multiply memory use; the bound is checked on the plain build.
if [ -z "${SANITIZED:-}" ]; then
    [ "$rss" -lt 65536 ] && pass "200 MB single line: peak RSS ${rss} KB < 64 MB" || fail "peak RSS ${rss} KB"
fi
n=$(grep -c '"text":"17.4亿元"' "$T/out")
want=$(grep -o '17.4亿元' "$T/big.txt" | wc -l)
[ "$n" -eq "$want" ] && pass "200 MB single line: all $want amounts found" || fail "found $n of $want amounts"
rm -f "$T/big.txt" "$T/out"
