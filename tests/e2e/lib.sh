# lib.sh — checks shared by the end-to-end tests.  Each check prints its
# outcome and records it in $RESULTS for the closing count.
set -u
cd "$ROOT"
# Every file a test writes goes below $T: stop at once if there is none,
# rather than write into the current or root folder.
T=$(mktemp -d "$TMPROOT/t.XXXX") && [ -n "$T" ] && [ -d "$T" ] || {
    echo "  FAIL cannot make a scratch folder under '$TMPROOT'" >&2
    exit 1
}

pass() { echo "  ok   $1"; echo "PASS $1" >>"$RESULTS"; }
fail() { echo "  FAIL $1"; echo "FAIL $1" >>"$RESULTS"; }

# run NAME CMD...: run a command, keeping stdout in $T/out, stderr in
# $T/err and the exit status in $status.
run() {
    "$@" >"$T/out" 2>"$T/err"
    status=$?
}

expect_status() { # NAME WANT
    if [ "$status" -eq "$2" ]; then pass "$1: exit $2"
    else fail "$1: exit $status, wanted $2 (stderr: $(head -c 300 "$T/err"))"; fi
}

expect_same() { # NAME EXPECTED-FILE ACTUAL-FILE
    if diff -u "$2" "$3" >"$T/diff"; then pass "$1"
    else fail "$1"; head -40 "$T/diff" | sed 's/^/    /'; fi
}

expect_grep() { # NAME PATTERN FILE
    if grep -q -- "$2" "$3"; then pass "$1"
    else fail "$1: no '$2' in $(basename "$3"): $(head -c 300 "$3")"; fi
}

expect_no_grep() { # NAME PATTERN FILE
    if ! grep -q -- "$2" "$3"; then pass "$1"
    else fail "$1: '$2' found in $(basename "$3"): $(grep -m1 -- "$2" "$3" | head -c 300)"; fi
}

# wait_for PATTERN FILE: poll for up to 5 s (for output of a process that
# runs on, such as engine watch).
wait_for() {
    local i
    for i in $(seq 100); do
        grep -q -- "$1" "$2" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

expect_soon() { # NAME PATTERN FILE
    if wait_for "$2" "$3"; then pass "$1"
    else fail "$1: no '$2' in $(basename "$3") after 5 s: $(tail -c 400 "$3")"; fi
}

expect_empty() { # NAME FILE
    if [ ! -s "$2" ]; then pass "$1"
    else fail "$1: not empty: $(head -c 300 "$2")"; fi
}

expect_lines() { # NAME COUNT FILE
    local n
    n=$(wc -l <"$3")
    if [ "$n" -eq "$2" ]; then pass "$1"
    else fail "$1: $n lines, wanted $2"; fi
}

# write_money_rule FILE NAME KEYWORDS: a small rule several tests run — the
# nearest amount within 12 characters after a keyword becomes a metric
# NAME.  KEYWORDS is Lua list text: '"营收", "revenue"'.
write_money_rule() {
    cat >"$1" <<LUA
return rule {
  name = "$2",
  keywords = { $3 },
  sentence = function(s)
    for kw in s:hits() do
      local m = s:money_after(kw, 12)
      if m then
        s:emit{ kind = "metric", name = "$2", entity = s:subject(kw), period = s:period(kw),
                value = m.value, unit = m.unit, evidence = { kw, m } }
      end
    end
  end,
}
LUA
}

# write_revenue_rule FILE: that rule for revenue (营收, "revenue").
write_revenue_rule() { write_money_rule "$1" revenue '"营收", "revenue"'; }
