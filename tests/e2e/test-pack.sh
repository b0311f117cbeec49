# `engine pack`: a pack folder into one checksummed SQLite archive, and
# that file used wherever RULES is taken (run, test, check), alone or
# dropped into a folder of packs.  A damaged or edited file is refused.
. "$E2E/lib.sh"

# Extraction folders go under $T/tmp, so that leftovers can be counted.
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
leftovers() { ls -A "$TMPDIR" | wc -l; }

# ---- the real common pack, packed and used as RULES ---------------------
P=$T/common.pack
run "$ENGINE" pack rules/common -o "$P"
expect_status "pack rules/common" 0
expect_grep "lists the files packed" "common/pack.lua" "$T/out"
expect_grep "prints the checksum" "^checksum sha256:[0-9a-f]\{64\}$" "$T/out"
expect_grep "prints files and bytes" "^packed [0-9]* files, [0-9]* bytes, into $P" "$T/out"

if command -v sqlite3 >/dev/null 2>&1; then
    sqlite3 "$P" 'SELECT name FROM sqlar ORDER BY name' >"$T/names"
    expect_grep "sqlite3 lists the files (sqlar)" "^common/lib/common.lua$" "$T/names"
    if grep -q -v '^common/' "$T/names"; then fail "every name starts with the pack folder"
    else pass "every name starts with the pack folder"; fi
    sqlite3 -A -t -f "$P" >"$T/names-A" 2>&1
    expect_grep "sqlite3 -A lists it too" "^common/revenue.lua$" "$T/names-A"
    sqlite3 "$P" "SELECT key || '=' || value FROM pack_meta" >"$T/meta"
    expect_grep "pack_meta: name" "^name=common$" "$T/meta"
    expect_grep "pack_meta: format" "^format_version=1$" "$T/meta"
    expect_grep "pack_meta: checksum as printed" \
        "^checksum=$(sed -n 's/^checksum sha256://p' "$T/out")$" "$T/meta"
else
    echo "  (sqlite3 command not installed: the sqlar listing checks are skipped)"
fi

# Without -o: NAME-VERSION.pack in the current folder.
version=$(sed -n 's/^ *version *= *"\(.*\)".*/\1/p' rules/common/pack.lua)
(cd "$T" && "$ENGINE" pack "$ROOT/rules/common" >/dev/null 2>&1)
[ -f "$T/common-$version.pack" ] && pass "default name common-$version.pack" \
    || fail "default name: no $T/common-$version.pack"

run "$ENGINE" check "$P"
expect_status "check X.pack" 0
expect_grep "check X.pack: 0 problems" "^0 problems$" "$T/out"
expect_grep "check X.pack: the pack named by its file" "(${P//./\\.}): " "$T/out"
expect_no_grep "check X.pack: no temporary folder shown" "engine-pack-" "$T/out"

run "$ENGINE" run "$P" tests/fixtures/sample-zh.txt --date 2024-12-15 --format jsonl
expect_status "run X.pack" 0
cp "$T/out" "$T/from-pack"
run "$ENGINE" run rules/common tests/fixtures/sample-zh.txt --date 2024-12-15 --format jsonl
expect_same "run X.pack = run on the folder it came from (same pack_version)" "$T/out" "$T/from-pack"
[ -s "$T/from-pack" ] && pass "run X.pack gives facts" || fail "run X.pack gives no facts"

mkdir -p "$T/shipped"
cp "$P" "$T/shipped/common-$version.pack"
run "$ENGINE" test "$T/shipped"
expect_status "test on a folder holding the .pack" 0
expect_grep "its tests ran" "^pack tests: [1-9][0-9]* passed, 0 failed" "$T/out"
[ "$(leftovers)" -eq 0 ] && pass "extracted folders removed after use" \
    || fail "extracted folders left in TMPDIR: $(ls "$TMPDIR")"

# A run killed before it removed its folder leaves it behind; the next run
# that extracts a pack removes it (its process is gone), but never the
# folder of a live process or one not named for a process.
sh -c 'exit 0' &
dead=$!
wait "$dead"
mkdir -p "$TMPDIR/engine-pack-$dead-Ab12Cd/lib" "$TMPDIR/engine-pack-$$-Ef34Gh" "$TMPDIR/engine-pack-Ij56Kl"
echo 'return {}' >"$TMPDIR/engine-pack-$dead-Ab12Cd/lib/x.lua"
run "$ENGINE" run "$P" tests/fixtures/sample-zh.txt --date 2024-12-15 --format jsonl
expect_status "run X.pack beside a killed run's folder" 0
[ ! -e "$TMPDIR/engine-pack-$dead-Ab12Cd" ] && pass "a killed run's folder is removed" \
    || fail "a killed run's folder stays: $(ls "$TMPDIR")"
[ -d "$TMPDIR/engine-pack-$$-Ef34Gh" ] && [ -d "$TMPDIR/engine-pack-Ij56Kl" ] &&
    pass "a live process's folder and an unnamed one stay" || fail "removed too much: $(ls "$TMPDIR")"
rm -rf "$TMPDIR"/engine-pack-*

# ---- shipping: a publication pack installed as a file beside common -----
r=$T/rules
mkdir -p "$r/common/lexicon" "$r/demo/tests" "$T/inst/common"
printf 'return { name = "common", version = "1.0" }\n' >"$r/common/pack.lua"
printf '商汤\t商汤\torg\n' >"$r/common/lexicon/orgs.tsv"
cat >"$r/common/revenue.lua" <<'LUA'
return rule {
  name = "revenue", keywords = { "营收" },
  sentence = function(s)
    for kw in s:hits() do
      local m = s:money_after(kw, 12)
      if m then s:emit{ kind = "metric", name = "revenue", value = m.value, unit = m.unit, evidence = { kw, m } } end
    end
  end,
}
LUA
cat >"$r/demo/pack.lua" <<'LUA'
return { name = "demo", version = "2.1", extends = "common",
         detect = function(doc) return doc:text():find("DEMO") ~= nil end }
LUA
cat >"$r/demo/revenue.lua" <<'LUA'
return rule {
  name = "revenue", keywords = { "营收" },
  sentence = function(s) s:emit{ kind = "metric", name = "revenue_demo", evidence = { s } } end,
}
LUA
printf 'DEMO 商汤营收5亿元。\n' >"$r/demo/tests/one.txt"
printf '{"kind": "metric", "name": "revenue_demo"}\n' >"$r/demo/tests/one.facts.jsonl"
printf 'DEMO 商汤营收5亿元。\n' >"$T/demo.txt"

run "$ENGINE" pack "$r/demo" -o "$T/demo-2.1.pack"
expect_status "pack a pack that extends common" 0
cp -r "$r/common/." "$T/inst/common/"
cp "$T/demo-2.1.pack" "$T/inst/"
run "$ENGINE" run "$T/inst" --format jsonl "$T/demo.txt"
expect_status "run a folder with common/ and demo-2.1.pack" 0
cp "$T/out" "$T/inst-out"
run "$ENGINE" run "$r" --format jsonl "$T/demo.txt"
expect_same "installed .pack gives the facts of the folder" "$T/out" "$T/inst-out"
expect_grep "the installed pack's rule ran" '"pack":"demo","rule":"revenue","pack_version":"2.1+' "$T/inst-out"
run "$ENGINE" test "$T/inst"
expect_status "test: the installed pack's own tests" 0
cp "$T/demo-2.1.pack" "$T/inst/demo-2.2.pack"
run "$ENGINE" check "$T/inst"
expect_status "two versions of one pack installed" 2
expect_grep "says which two" "two packs named 'demo'" "$T/err"
rm "$T/inst/demo-2.2.pack"

# ---- refused: edited, damaged, not a pack ---------------------------------
if command -v sqlite3 >/dev/null 2>&1; then
    cp "$P" "$T/edited.pack"
    sqlite3 "$T/edited.pack" "UPDATE sqlar SET data = CAST(replace(CAST(data AS TEXT), 'revenue', 'revenux') AS BLOB)
                              WHERE name = 'common/revenue.lua'"
    run "$ENGINE" run "$T/edited.pack" tests/fixtures/sample-zh.txt
    expect_status "data edited with sqlite3: refused" 2
    expect_grep "checksum error, file named" "edited.pack: checksum mismatch: the file was changed after it was packed" "$T/err"
    expect_empty "no facts from an edited pack" "$T/out"
fi

# One byte flipped on disk, inside a file's data (found by its content).
cp "$P" "$T/flipped.pack"
off=$(grep -obUa 'return rule' "$T/flipped.pack" | head -1 | cut -d: -f1)
printf 'R' | dd of="$T/flipped.pack" bs=1 seek="$off" conv=notrunc status=none
run "$ENGINE" check "$T/flipped.pack"
expect_status "one byte flipped on disk: refused" 2
expect_grep "flipped byte: checksum error" "flipped.pack: checksum mismatch" "$T/err"

# An edited pack among installed ones refuses the whole folder: never run
# with a pack missing.
cp "$T/flipped.pack" "$T/shipped/zz-extra.pack"
run "$ENGINE" run "$T/shipped" tests/fixtures/sample-zh.txt
expect_status "a folder holding an edited .pack: refused" 2
rm "$T/shipped/zz-extra.pack"

head -c 20000 "$P" >"$T/truncated.pack"
run "$ENGINE" test "$T/truncated.pack"
expect_status "truncated copy: refused" 2
expect_grep "truncated: clear error naming the file" "truncated.pack: damaged: the file is truncated" "$T/err"

printf 'not a pack\n' >"$T/text.pack"
run "$ENGINE" check "$T/text.pack"
expect_status "not an SQLite file: refused" 2
expect_grep "not SQLite: says so" "text.pack: not a pack file" "$T/err"
[ "$(leftovers)" -eq 0 ] && pass "refused packs leave nothing in TMPDIR" \
    || fail "left in TMPDIR: $(ls "$TMPDIR")"

# ---- packing refused --------------------------------------------------------
printf 'return rule { name = "broken", keywords = { "x" }\n  sentence = function(s) end }\n' \
    >"$r/demo/broken.lua"
run "$ENGINE" pack "$r/demo" -o "$T/broken.pack"
expect_status "a pack with a syntax error is not packed" 1
expect_grep "the syntax error, with file:line" "demo/broken.lua:2:" "$T/err"
[ ! -e "$T/broken.pack" ] && pass "no file written for a broken pack" || fail "a broken pack was written"
rm "$r/demo/broken.lua"

# A broken neighbour does not block a sound pack.
printf 'return rule { name = "broken" keywords = {} }\n' >"$r/common/zz-broken.lua"
run "$ENGINE" pack "$r/demo" -o "$T/demo.pack"
expect_status "a sound pack beside a broken one is packed" 0
rm "$r/common/zz-broken.lua"

run "$ENGINE" pack "$r" -o "$T/all.pack"
expect_status "a folder of packs is not one pack" 2
expect_grep "says to pack one pack" "not a pack folder" "$T/err"
run "$ENGINE" pack "$r/demo" -o "$r/demo/lib/x.pack"
expect_status "output inside the pack: refused" 2
run "$ENGINE" check "$P" -o "$T/x"
expect_status "-o is only for pack" 2
