# The fact store: `engine run --db` and `engine facts` on the real binary —
# re-runs that replace, new pack versions that keep history, filters and
# formats, clear errors, a reader beside a running writer, and a writer
# killed with SIGKILL at random moments that never leaves part of a
# document behind.  The checks that need SQL use the sqlite3 program when
# there is one.
. "$E2E/lib.sh"
. "$ROOT/scripts/lib-corpus.sh"

have_sqlite3() { command -v sqlite3 >/dev/null 2>&1; }
skip() { echo "  skip $1"; }

# ---- a small pack whose facts we know ------------------------------------
p=$T/rules/common
mkdir -p "$p/lexicon"
cat >"$p/pack.lua" <<'LUA'
return { name = "common", version = "1.0" }
LUA
printf '商汤\t商汤\torg\tai\n阿里巴巴\t阿里巴巴\torg\tecommerce\n' >"$p/lexicon/orgs.tsv"
write_money_rule "$p/revenue.lua" revenue '"营收"'
write_money_rule "$p/rd_expense.lua" rd_expense '"研发费用"'
cat >"$p/rd_ratio.lua" <<'LUA'
return rule {
  name = "rd_to_revenue",
  document = function(doc)
    for rd in doc:facts{ name = "rd_expense" } do
      for rev in doc:facts{ name = "revenue", entity = rd.entity, period = rd.period } do
        doc:emit{ kind = "ratio", name = "rd_to_revenue", entity = rd.entity,
                  period = rd.period, value = rd.value / rev.value, from = { rd, rev } }
        break
      end
    end
  end,
}
LUA
cat >"$T/docs.jsonl" <<'JSON'
{"id":"h1","date":"2024-12-15","text":"2024年上半年，商汤营收17.4亿元，研发费用21亿元。"}
{"id":"fy23","date":"2024-03-26","text":"2023年，商汤营收34亿元，研发费用34亿元。"}
{"id":"ali, \"q\"","date":"2024-12-15","text":"2024年上半年，阿里巴巴营收2000亿元。"}
JSON
db=$T/facts.db
count_all() { "$ENGINE" facts "$1" --all-runs --format jsonl | wc -l; }
# "DOC COUNT" lines, sorted, from JSON Lines facts on stdin.
per_doc() { sed -n 's/^{"doc":"\([^"]*\)".*/\1/p' | sort | uniq -c | awk '{ print $2, $1 }'; }

run "$ENGINE" run "$T/rules" --input jsonl --format jsonl "$T/docs.jsonl"
cp "$T/out" "$T/plain.jsonl"
run "$ENGINE" run "$T/rules" --input jsonl --format jsonl --db "$db" "$T/docs.jsonl"
expect_status "run --db" 0
expect_same "--db leaves the output as it was" "$T/plain.jsonl" "$T/out"
n1=$(count_all "$db")
[ "$n1" -eq "$(wc -l <"$T/plain.jsonl")" ] && pass "every fact stored ($n1)" || fail "$n1 facts stored, $(wc -l <"$T/plain.jsonl") printed"
# With --db the store's writer prints each document once it is stored: the
# same lines in the same order, in both formats, around a line that is not
# a document at all.
{ head -1 "$T/docs.jsonl"; echo '{"id": 7'; tail -n +2 "$T/docs.jsonl"; } >"$T/some-bad.jsonl"
for fmt in jsonl table; do
    run "$ENGINE" run "$T/rules" --input jsonl --format "$fmt" "$T/some-bad.jsonl"
    cp "$T/out" "$T/plain.$fmt"
    want=$status
    rm -f "$T/order.db"*
    run "$ENGINE" run "$T/rules" --input jsonl --format "$fmt" --db "$T/order.db" "$T/some-bad.jsonl"
    expect_status "--db with a bad line, $fmt" "$want"
    expect_same "--db prints the same $fmt, in the same order" "$T/plain.$fmt" "$T/out"
done
if [ -w /dev/full ]; then # output that cannot be written is said, and storing goes on
    rm -f "$T/order.db"*
    "$ENGINE" run "$T/rules" --input jsonl --db "$T/order.db" "$T/docs.jsonl" >/dev/full 2>"$T/err"
    status=$?
    expect_status "--db, output to a full device" 1
    expect_grep "the failed output is said" "writing the output failed" "$T/err"
    [ "$(count_all "$T/order.db")" -eq "$n1" ] && pass "every fact stored all the same" ||
        fail "$(count_all "$T/order.db") facts stored with the output failing, wanted $n1"
else
    skip "--db with output to a full device (no /dev/full)"
fi
run "$ENGINE" run "$T/rules" --input jsonl --db "$db" "$T/docs.jsonl"
n2=$(count_all "$db")
[ "$n2" -eq "$n1" ] && pass "a second run replaces: still $n2 facts" || fail "second run: $n2 facts, wanted $n1"

# ---- engine facts: filters and formats -----------------------------------
run "$ENGINE" facts "$db" --name rd_to_revenue --entity 商汤 --format table
expect_status "facts --name --entity" 0
expect_grep "table header" '^period  *entity  *name  *value  *unit  *doc  *evidence' "$T/out"
expect_lines "header and two ratios" 3 "$T/out"
awk 'NR > 1 { print $1 }' "$T/out" >"$T/periods"
printf '2023\n2024H1\n' >"$T/want"
expect_same "ordered by period" "$T/want" "$T/periods"

run "$ENGINE" facts "$db"
sed 's/"run":[0-9]*,//' "$T/out" | sort >"$T/got"
sort "$T/plain.jsonl" >"$T/want"
expect_same "JSON Lines when not a terminal: the run's lines plus \"run\"" "$T/want" "$T/got"
expect_grep "the run is named" '"pack_version":"1.0+[0-9a-f]*","run":2,' "$T/out"

run "$ENGINE" facts "$db" --kind ratio --period 2023 --format jsonl
expect_lines "--kind and --period" 1 "$T/out"
expect_grep "the 2023 ratio" '"name":"rd_to_revenue".*"period":"2023"' "$T/out"
run "$ENGINE" facts "$db" --entity 无此公司
expect_status "no match is not an error" 0
expect_empty "no match prints nothing in JSON Lines" "$T/out"

run "$ENGINE" facts "$db" --entity 阿里巴巴 --format csv
expect_status "facts --format csv" 0
printf 'doc,run,pack,rule,pack_version,kind,name,text,start,end,entity,value,unit,period,qualifier,extra\r\n' >"$T/want"
head -1 "$T/out" >"$T/got"
expect_same "CSV header, CRLF line ends" "$T/want" "$T/got"
expect_grep "RFC 4180 quoting" '^"ali, ""q""",2,common,revenue,' "$T/out"
expect_lines "header and one row" 2 "$T/out"

# ---- a new pack version keeps the old facts as history -------------------
sed -i 's/version = "1.0"/version = "1.1"/' "$p/pack.lua"
run "$ENGINE" run "$T/rules" --input jsonl --db "$db" "$T/docs.jsonl"
n3=$(count_all "$db")
[ "$n3" -eq $((2 * n1)) ] && pass "a new pack version keeps both: $n3 facts" || fail "new version: $n3 facts, wanted $((2 * n1))"
run "$ENGINE" facts "$db" --format jsonl
[ "$(wc -l <"$T/out")" -eq "$n1" ] && pass "facts shows the latest run only" || fail "latest run: $(wc -l <"$T/out") facts, wanted $n1"
expect_grep "latest facts carry the new version" '"pack_version":"1.1+' "$T/out"
run "$ENGINE" facts "$db" --all-runs --name revenue --entity 商汤 --format table
expect_grep "--all-runs table shows run and version" '^run  *pack_version  *period' "$T/out"
expect_lines "both runs' revenue" 5 "$T/out"

# ---- engine watch --db: every run of the rules is a run in the store -----
wdb=$T/watch.db
"$ENGINE" watch "$T/rules" --input jsonl --format jsonl --db "$wdb" "$T/docs.jsonl" \
    >"$T/watch.out" 2>"$T/watch.err" &
wpid=$!
if wait_for "watching .* for changes" "$T/watch.err"; then
    n=$(count_all "$wdb")
    [ "$n" -eq "$n1" ] && pass "watch --db: the first run's $n facts stored" \
        || fail "watch --db, first run: $n facts stored, wanted $n1"
    # A rule saved: the pack's version changes, its new facts join the old.
    write_money_rule "$p/revenue.lua" revenue '"营收", "收入"'
    if wait_for " in [0-9]* ms$" "$T/watch.out"; then
        n=$(count_all "$wdb")
        [ "$n" -eq $((2 * n1)) ] && pass "watch --db: after a rule save, new pack version stored beside the old ($n facts)" \
            || fail "watch --db after a save: $n facts stored, wanted $((2 * n1))"
        run "$ENGINE" facts "$wdb" --format jsonl
        [ "$(wc -l <"$T/out")" -eq "$n1" ] && pass "watch --db: facts shows the re-run's facts" \
            || fail "watch --db: latest run has $(wc -l <"$T/out") facts, wanted $n1"
        expect_grep "watch --db: the latest facts come from the second run" '"run":2,' "$T/out"
    else
        fail "watch --db: no diff after a rule save: $(tail -c 300 "$T/watch.err")"
    fi
else
    fail "watch --db did not start: $(head -c 300 "$T/watch.err")"
fi
kill -TERM "$wpid" 2>/dev/null
wait "$wpid"
status=$?
[ "$status" -eq 0 ] && pass "watch --db: SIGTERM, exit 0" || fail "watch --db: exit $status: $(tail -c 300 "$T/watch.err")"
if have_sqlite3; then
    [ "$(sqlite3 "$wdb" 'SELECT count(*) FROM runs WHERE finished IS NOT NULL')" = 2 ] \
        && pass "watch --db: two runs, both finished" || fail "watch --db: runs: $(sqlite3 "$wdb" 'SELECT * FROM runs')"
fi
run "$ENGINE" watch "$T/rules" --db "$T" "$T/docs.jsonl"
expect_status "watch --db on a folder" 2

# ---- errors ---------------------------------------------------------------
run "$ENGINE" facts "$T/nowhere.db"
expect_status "facts on a missing file" 2
expect_grep "says so with the name" "nowhere.db: cannot open: No such file" "$T/err"
run "$ENGINE" facts "$T/docs.jsonl"
expect_status "facts on a text file" 2
expect_grep "not an engine database" "docs.jsonl: not an engine database" "$T/err"
run "$ENGINE" run "$T/rules" --db "$T/docs.jsonl" "$T/docs.jsonl"
expect_status "run --db on a text file" 2
run "$ENGINE" run "$T/rules" --db "$T" "$T/docs.jsonl"
expect_status "run --db on a folder" 2
expect_grep "says it is a folder" "is a folder" "$T/err"
run "$ENGINE" facts
expect_status "facts without a database" 2
run "$ENGINE" numbers --db "$db" "$T/docs.jsonl"
expect_status "--db on numbers is refused" 2
run "$ENGINE" run "$T/rules" --format csv "$T/docs.jsonl"
expect_status "--format csv on run is refused" 2

# ---- help -----------------------------------------------------------------
run "$ENGINE" --help
expect_grep "engine --help lists facts" '^  facts DB' "$T/out"
expect_grep "engine --help lists --db" '^  --db FILE' "$T/out"
run "$ENGINE" run --help
expect_grep "run --help explains --db" '^  --db FILE' "$T/out"
run "$ENGINE" facts --help
expect_status "facts --help" 0
for o in --entity --name --kind --period --all-runs csv docs/store.md; do
    expect_grep "facts --help mentions $o" "$o" "$T/out"
done

# ---- SQL: the schema, the hash ---------------------------------------------
if have_sqlite3; then
    printf '2024年上半年，商汤营收17.4亿元。\n' >"$T/a.txt"
    "$ENGINE" run "$T/rules" --db "$db" "$T/a.txt" >/dev/null
    want=$(sha256sum "$T/a.txt" | cut -d' ' -f1)
    got=$(sqlite3 "$db" "SELECT sha256 || ' ' || size FROM documents WHERE doc = '$T/a.txt'")
    [ "$got" = "$want $(stat -c %s "$T/a.txt")" ] && pass "documents.sha256 and size are the file's" || fail "hash/size: '$got', wanted '$want'"
    [ "$(sqlite3 "$db" 'PRAGMA user_version; PRAGMA journal_mode' | tr '\n' ' ')" = "4 wal " ] \
        && pass "user_version 4, WAL" || fail "schema version or journal mode"
else
    skip "SQL checks of the schema (no sqlite3 program)"
fi

# ---- a reader while a long run writes ------------------------------------
cp -r "$ROOT/rules" "$T/real-rules" # a snapshot: the same pack versions throughout
corpus_docs "$T/long.jsonl" 1000
live=$T/live.db
"$ENGINE" run "$T/real-rules" --input jsonl --db "$live" "$T/long.jsonl" >/dev/null 2>"$T/writer.err" &
writer=$!
reads=0 partial=0 bad=0 last=0 backwards=0
while kill -0 "$writer" 2>/dev/null; do
    if n=$("$ENGINE" facts "$live" --format jsonl 2>"$T/reader.err" | wc -l) && [ ! -s "$T/reader.err" ]; then
        reads=$((reads + 1))
        [ "$n" -gt 0 ] && partial=$((partial + 1))
        [ "$n" -lt "$last" ] && backwards=$((backwards + 1))
        last=$n
    elif [ -e "$live" ] && [ "$reads" -gt 0 ]; then
        bad=$((bad + 1))
        cp "$T/reader.err" "$T/reader.bad"
    fi
done
wait "$writer"
wstatus=$?
[ "$wstatus" -le 1 ] && pass "the writer finished (exit $wstatus)" || fail "writer: exit $wstatus: $(head -c 300 "$T/writer.err")"
[ "$bad" -eq 0 ] && pass "$reads reads while the run wrote, none failed" \
    || fail "$bad of $((reads + bad)) reads failed: $(head -c 300 "$T/reader.bad")"
[ "$partial" -ge 2 ] && pass "$partial reads saw the store part-way" || fail "only $partial reads saw the store part-way"
[ "$backwards" -eq 0 ] && pass "the fact count only grew" || fail "the fact count went backwards $backwards times"

# ---- SIGKILL at random moments -------------------------------------------
# A clean run gives each document's fact count; then a writer is killed 20
# times, at random moments of a run into the same database.  After every
# kill each stored document must have exactly its clean count (none half
# stored, none doubled), and SQLite must find the file sound.  Nor may a
# printed document be lost: with --db a document's facts are printed only
# once it is stored, so every document the killed run printed (a line cut
# short by the kill too) must be in the database.  The kills fall within
# the first three quarters of the shorter of two clean runs into a
# database of their own (the engine alone timed), so that a machine busy
# while they were timed and idle during the kills (a run of 300 documents
# takes about 0.3 s) does not put most kills past the end of the run.
corpus_docs "$T/crash.jsonl" 300
ms=
for _ in 1 2; do
    rm -f "$T/timed.db"*
    start=$(date +%s%N)
    "$ENGINE" run "$T/real-rules" --input jsonl --format jsonl --db "$T/timed.db" "$T/crash.jsonl" \
        >"$T/clean.jsonl" 2>/dev/null
    took=$((($(date +%s%N) - start) / 1000000))
    per_doc <"$T/clean.jsonl" >"$T/clean.counts"
    [ -z "$ms" ] || [ "$took" -lt "$ms" ] && ms=$took
done
crash=$T/crash.db
kills=0 mid=0 broken=0
for i in $(seq 1 20); do
    "$ENGINE" run "$T/real-rules" --input jsonl --format jsonl --db "$crash" "$T/crash.jsonl" \
        >"$T/killed.jsonl" 2>/dev/null &
    pid=$!
    delay=$((RANDOM % (ms * 3 / 4 + 1)))
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL "$pid" 2>/dev/null && mid=$((mid + 1))
    wait "$pid" 2>/dev/null
    kills=$((kills + 1))
    [ -e "$crash" ] || continue
    # Per document: its facts across all runs (the same pack versions
    # replace, so this must be the clean count) and the run that stored it.
    "$ENGINE" facts "$crash" --all-runs --format jsonl 2>"$T/crash.err" |
        sed -n 's/^{"doc":"\([^"]*\)".*"run":\([0-9]*\),.*/\1 \2/p' |
        awk '{ n[$1]++; if ($2 > r[$1]) r[$1] = $2 } END { for (d in n) print d, n[d], r[d] }' |
        sort >"$T/stored"
    problem=""
    [ -s "$T/crash.err" ] && ! grep -q "it is empty" "$T/crash.err" && problem="facts failed: $(head -c 200 "$T/crash.err")"
    wrong=$(join -a 1 -e 0 -o 0,1.2,2.2 "$T/stored" "$T/clean.counts" | awk '$2 != $3' | head -3)
    [ -n "$wrong" ] && problem="$problem documents with wrong counts (doc stored clean): $wrong"
    # What the killed run (the newest) committed: every document it printed.
    # (Bytes, not characters: the kill may cut the last line inside one.)
    LC_ALL=C sed -n 's/^{"doc":"\([^"]*\)".*/\1/p' "$T/killed.jsonl" | uniq | sort >"$T/committed"
    newest=$(awk '$3 > m { m = $3 } END { print m + 0 }' "$T/stored")
    lost=$(awk -v r="$newest" '$3 == r { print $1 }' "$T/stored" | join -v 1 "$T/committed" - | head -3)
    [ -n "$lost" ] && problem="$problem committed documents lost: $lost"
    # A kill while the first run created the file leaves it in WAL mode
    # with no schema committed yet: sound and empty, as engine facts says.
    if have_sqlite3 && [ -s "$crash" ] &&
        [ "$(sqlite3 "$crash" "SELECT count(*) FROM sqlite_schema WHERE name = 'facts'" 2>&1)" = 0 ]; then
        [ "$(sqlite3 "$crash" "PRAGMA integrity_check" 2>&1)" = ok ] ||
            problem="$problem integrity_check of the empty file failed"
    elif have_sqlite3 && [ -s "$crash" ]; then
        sqlite3 "$crash" "PRAGMA integrity_check;
            SELECT 'orphans', count(*) FROM facts WHERE doc NOT IN (SELECT doc FROM documents);
            SELECT 'doc', d.doc, (SELECT count(*) FROM facts f WHERE f.doc = d.doc) FROM documents d" \
            >"$T/sql.out" 2>&1
        [ "$(head -1 "$T/sql.out")" = ok ] || problem="$problem integrity_check: $(head -c 200 "$T/sql.out")"
        grep -q '^orphans|0$' "$T/sql.out" || problem="$problem facts without a document row: $(grep orphans "$T/sql.out")"
        awk -F'|' '$1 == "doc" { print $2, $3 }' "$T/sql.out" | sort >"$T/docs.counts"
        wrong=$(join -a 1 -e 0 -o 0,1.2,2.2 "$T/docs.counts" "$T/clean.counts" | awk '$2 != $3' | head -3)
        [ -n "$wrong" ] && problem="$problem document rows without all their facts: $wrong"
    fi
    if [ -n "$problem" ]; then
        broken=$((broken + 1))
        fail "kill $i after ${delay} ms: $problem"
    fi
done
[ "$broken" -eq 0 ] && pass "$kills SIGKILLs ($mid mid-run): every stored document whole, the database sound each time"
[ "$mid" -ge 10 ] && pass "most kills landed mid-run ($mid of $kills)" || fail "only $mid of $kills kills landed mid-run"
have_sqlite3 || skip "integrity_check after each kill (no sqlite3 program)"
"$ENGINE" run "$T/real-rules" --input jsonl --db "$crash" "$T/crash.jsonl" >/dev/null 2>&1
"$ENGINE" facts "$crash" --format jsonl | per_doc >"$T/stored.counts"
expect_same "after the crashes, a full run stores exactly the clean facts" "$T/clean.counts" "$T/stored.counts"
