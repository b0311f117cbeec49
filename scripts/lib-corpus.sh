# lib-corpus.sh — the JSON Lines corpus the benchmarks (bench-run,
# bench-store) and the store's end-to-end test run on: the project's own
# sample articles (rules/*/tests, tests/fixtures), one document per line,
# repeated to the size wanted.  Each line gets its own id (d1, d2, …), so
# that a store keeps every one of them as its own document.
#
#   . scripts/lib-corpus.sh
#   corpus_seed FILE [ARTICLE...]      one document per sample article
#   corpus_docs FILE N                 exactly N documents
#   corpus_jsonl FILE MB [ARTICLE...]  at least MB megabytes
#
# With ARTICLEs (UTF-8 text files), the corpus is made of those instead of
# the sample articles: for measuring on real articles that the repository
# does not hold.

corpus_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# One JSON Lines document per sample article (JSON-escaped with awk).
corpus_seed() { # FILE [ARTICLE...]
    local f n=0 out=$1
    shift
    [ $# -gt 0 ] || set -- "$corpus_root"/rules/*/tests/*.txt "$corpus_root"/tests/fixtures/*.txt
    : >"$out"
    for f in "$@"; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        awk -v id="a$n" 'BEGIN { ORS = "" }
            { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "\\r");
              text = text $0 "\\n" }
            END { printf "{\"id\":\"%s\",\"date\":\"2024-12-15\",\"text\":\"%s\"}\n", id, text }' "$f" >>"$out"
    done
}

# Give every line of stdin the id d<line number>.
corpus_renumber() {
    awk '{ sub(/^\{"id":"[^"]*"/, "{\"id\":\"d" NR "\""); print }'
}

corpus_docs() { # FILE N
    corpus_seed "$1.seed"
    awk -v n="$2" '{ line[NR] = $0 }
        END { for (i = 0; i < n; i++) print line[i % NR + 1] }' "$1.seed" | corpus_renumber >"$1"
    rm -f "$1.seed"
}

corpus_jsonl() { # FILE MB [ARTICLE...]
    local out=$1 want=$(($2 * 1024 * 1024))
    shift 2
    corpus_seed "$out.seed" "$@"
    while [ "$(stat -c %s "$out.seed")" -lt "$want" ]; do
        cat "$out.seed" "$out.seed" >"$out.tmp" && mv "$out.tmp" "$out.seed"
    done
    corpus_renumber <"$out.seed" >"$out"
    rm -f "$out.seed"
}
