/*
 * main.c — `engine COMMAND [OPTIONS] [ARGS]`: parses the options every
 * command shares (GNU style: they may stand before or after the positional
 * arguments) and hands over to the command.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

#define ENGINE_VERSION "0.1.0"


static const char usage_text[] =
    "usage: engine COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Commands:\n"
    "  run RULES [INPUT...] facts for each input, from the rule packs in RULES\n"
    "  watch RULES INPUT... run, then re-run whenever a file under RULES changes\n"
    "                       and show which facts changed\n"
    "  test RULES           run each pack's own tests (tests/ in every pack)\n"
    "  check RULES          load and lint the packs, report every problem\n"
    "  pack DIR [-o FILE]   one pack folder into one checksummed file,\n"
    "                       NAME-VERSION.pack, that RULES may name\n"
    "  facts DB             the facts a `run --db` stored, filtered by entity,\n"
    "                       name, kind and period, ordered by period\n"
    "  numbers [INPUT...]   every number, amount, percentage, period and date\n"
    "                       found in the inputs, normalised (JSON Lines or table)\n"
    "\n"
    "Inputs are files, folders (every .txt and .md file below, sorted) or -\n"
    "for standard input (the default when none is given).  RULES is a folder\n"
    "of packs (rules/), one pack folder, or a .pack file; a folder of packs\n"
    "may hold .pack files beside its pack folders.\n"
    "\n"
    "Options:\n"
    "  --input text|jsonl   read each input as one text document (default), or\n"
    "                       as JSON Lines: one {\"id\", \"text\", \"date\"?,\n"
    "                       \"publication\"?} document per line\n"
    "  --format jsonl|table output format (default: table on a terminal,\n"
    "                       JSON Lines otherwise); facts also takes csv\n"
    "  --date YYYY-MM-DD    the date relative periods (今年, 去年, 3月26日)\n"
    "                       resolve against; overrides a JSON Lines \"date\"\n"
    "  --encoding auto|utf-8|gb18030\n"
    "                       input encoding (default auto: UTF-8, else GB18030)\n"
    "  --pack NAME          (run) apply this publication pack, besides common,\n"
    "                       instead of asking each pack's detect()\n"
    "  --db FILE            (run, watch) also store documents, runs and facts\n"
    "                       in the SQLite database FILE, created if missing\n"
    "                       (docs/store.md)\n"
    "  --entity E, --name N, --kind K, --period P, --all-runs\n"
    "                       (facts) filters; see `engine facts --help`\n"
    "  --reload             (run) between documents, load the rules again when a\n"
    "                       file under RULES changed; if they fail to load, keep\n"
    "                       the previous ones (for long streams: --input jsonl -)\n"
    "  -o, --output FILE    (pack) the file to write\n"
    "  -h, --help           this help; `engine COMMAND --help` for a command\n"
    "  --version            print the version\n"
    "\n"
    "Exit status: 0 all went well; 1 some input failed (reported on stderr,\n"
    "the others still processed); 2 the command could not run (bad usage).\n";

static const char numbers_help[] =
    "usage: engine numbers [OPTIONS] [INPUT...]\n"
    "\n"
    "Scan each input once and print every quantity: numbers, money (base\n"
    "units and ISO 4217 code), percentages, counted quantities, ordinals,\n"
    "ranges, changes, periods, dates and number-like identifiers, each with\n"
    "its byte span in the original input.  Output fields: docs/numbers.md.\n"
    "\n"
    "Options: --input text|jsonl, --format jsonl|table, --date YYYY-MM-DD,\n"
    "--encoding auto|utf-8|gb18030 (see `engine --help`).\n"
    "\n"
    "Examples:\n"
    "  engine numbers article.txt\n"
    "  engine numbers --date 2024-12-15 --format jsonl articles/\n"
    "  cat docs.jsonl | engine numbers --input jsonl -\n";

static const char run_help[] =
    "usage: engine run RULES [OPTIONS] [INPUT...]\n"
    "\n"
    "Run the rule packs in RULES (a folder of packs such as rules/, or one\n"
    "pack folder) over each input and print the facts they find: entities,\n"
    "metrics, ratios, events and checks, each with its evidence span in the\n"
    "original input.  rules/common always applies; a publication pack applies\n"
    "when its detect() accepts the document, or when --pack names it.\n"
    "Fact fields: docs/facts.md; writing rules: rules/README.md.\n"
    "\n"
    "Options: --input text|jsonl, --format jsonl|table, --date YYYY-MM-DD,\n"
    "--encoding auto|utf-8|gb18030, --pack NAME (see `engine --help`), and\n"
    "  --db FILE   also store the documents, this run (its packs and their\n"
    "              versions) and the facts in the SQLite database FILE,\n"
    "              created if missing.  Each document is one transaction,\n"
    "              written on a thread of its own while the next ones are\n"
    "              read (up to 64 wait), and its facts are printed once it\n"
    "              is stored: a crash loses only documents not yet printed,\n"
    "              never part of one.  A document run again with the same\n"
    "              pack versions has its facts replaced; with a new pack\n"
    "              version the older facts stay as history.  Other programs\n"
    "              may read FILE meanwhile.  Query it with `engine facts\n"
    "              FILE` or SQL (docs/store.md).\n"
    "  --reload    between documents, load the rules again when a file under\n"
    "              RULES changed (new, edited, renamed or deleted; a save that\n"
    "              writes a temporary file and renames it counts once).  A\n"
    "              document is always run by one whole version of the rules;\n"
    "              each fact's pack_version says which.  If the new rules do\n"
    "              not load, the errors are shown and the previous rules stay.\n"
    "\n"
    "Exit status: 0 all went well; 1 a document or a rule failed, or a\n"
    "document could not be stored (reported on stderr with pack/file:line or\n"
    "the database's name; everything else still ran); 2 the rules could not\n"
    "be loaded at all, the database cannot be used, or the usage is wrong.\n"
    "\n"
    "Examples:\n"
    "  engine run rules/ article.txt\n"
    "  engine run rules/ --date 2024-12-15 --format table articles/\n"
    "  engine run rules/ --input jsonl - < docs.jsonl > facts.jsonl\n"
    "  engine run rules/ --db facts.db --input jsonl docs.jsonl > /dev/null\n";

static const char facts_help[] =
    "usage: engine facts DB [--entity E] [--name N] [--kind K] [--period P]\n"
    "                       [--all-runs] [--format table|jsonl|csv]\n"
    "\n"
    "Print the facts stored in DB by `engine run --db DB`, ordered by period\n"
    "(earliest first; within a start date the shorter period first: 2024Q1,\n"
    "2024H1, 2024), then entity, name and document.  Facts without a period\n"
    "come last.\n"
    "\n"
    "Options:\n"
    "  --entity E    only facts about entity E (the canonical name)\n"
    "  --name N      only facts named N (revenue, rd_to_revenue, layoff...)\n"
    "  --kind K      only facts of kind K (entity, metric, ratio, event, check)\n"
    "  --period P    only facts of period P exactly (2024, 2024H1, 2018/2023)\n"
    "  --all-runs    every run's facts, with the run and pack version; by\n"
    "                default only each document's latest run is shown\n"
    "  --format table|jsonl|csv\n"
    "                default: table on a terminal, JSON Lines otherwise (the\n"
    "                lines `engine run` prints, plus \"run\"); csv has a\n"
    "                header line and RFC 4180 quoting, extra fields as JSON\n"
    "\n"
    "The schema, for SQL: docs/store.md.\n"
    "\n"
    "Exit status: 0 the facts were printed (none may match); 1 reading or\n"
    "writing failed midway; 2 DB is missing or not an engine database, or\n"
    "the usage is wrong.\n"
    "\n"
    "Examples:\n"
    "  engine facts facts.db --name rd_to_revenue --entity 商汤\n"
    "  engine facts facts.db --kind event --format csv > events.csv\n"
    "  engine facts facts.db --name revenue --all-runs --format jsonl\n";

static const char watch_help[] =
    "usage: engine watch RULES [OPTIONS] INPUT...\n"
    "\n"
    "Run the rule packs in RULES over the inputs and print the facts, as\n"
    "`engine run` does; then keep watching every file and folder under RULES.\n"
    "After each change (saves within 50 ms of each other count as one) the\n"
    "packs are loaded again; if they load without a problem, the inputs are\n"
    "read and run again and only what changed is printed:\n"
    "  + added <fact>      a fact the new rules emit and the old ones did not\n"
    "  - removed <fact>    a fact the old rules emitted and the new ones do not\n"
    "  ~ changed <kind name entity period>: FIELD OLD → NEW  (DOC, byte N)\n"
    "                      the same fact (document, kind, name, entity, period,\n"
    "                      segment, role, date, target and evidence start) with\n"
    "                      another value, unit, text, rule...\n"
    "<fact> is the JSON Lines form, or a short one with --format table.  Then\n"
    "a summary: N added, N removed, N changed (pack versions ...) in X ms,\n"
    "X being the time from the change on disk to the diff written.\n"
    "If the new rules do not load, each problem is shown with pack/file:line,\n"
    "the previous rules stay in use and nothing is re-run; fixing the file\n"
    "recovers.  Editors that save through a temporary file and a rename work;\n"
    "their swap and backup files (.*, *~, *.swp) are not changes.\n"
    "\n"
    "Options: --input text|jsonl, --format jsonl|table, --date YYYY-MM-DD,\n"
    "--encoding auto|utf-8|gb18030, --pack NAME (see `engine --help`), and\n"
    "  --db FILE   store the documents and facts of every run, the first one\n"
    "              and each one after a change, in the SQLite database FILE\n"
    "              (created if missing), each as a run of its own, as\n"
    "              `engine run --db` does: the facts of a pack that changed\n"
    "              (a new pack version) are added and the older ones kept as\n"
    "              history; those of unchanged packs are replaced.  Query it\n"
    "              with `engine facts FILE`, also while the watch goes on\n"
    "              (docs/store.md).\n"
    "Inputs are files or folders (read again on every change), not -.\n"
    "\n"
    "Stop with Ctrl-C (or SIGTERM): exit status 0.  Exit status 1: the output\n"
    "or the watch failed, or a document could not be stored (reported on\n"
    "stderr); 2: RULES cannot be loaded or watched, the database cannot be\n"
    "used, bad usage.\n"
    "\n"
    "Examples:\n"
    "  engine watch rules/ --date 2024-12-15 article.txt\n"
    "  engine watch rules/ --db facts.db --input jsonl docs.jsonl\n";

static const char test_help[] =
    "usage: engine test RULES [--pack NAME]\n"
    "\n"
    "For every pack under RULES, run the packs on each tests/NAME.txt and\n"
    "compare the facts with tests/NAME.facts.jsonl.  Each difference is shown:\n"
    "  - missing     a fact the test expects and the rules did not emit\n"
    "  + unexpected  a fact the rules emitted and the test does not list\n"
    "  ~ changed     the same kind, name, entity and period, other values\n"
    "  ! forbidden   a fact matching one of the test's \"absent\" lines\n"
    "The file format: rules/README.md, \"Pack tests\".\n"
    "\n"
    "Exit status: 0 every test passed; 1 a test failed or a rule did not\n"
    "load; 2 the rules folder could not be read.\n";

static const char check_help[] =
    "usage: engine check RULES\n"
    "\n"
    "Load every pack under RULES without running it and report every problem\n"
    "at once, each with pack/file:line: syntax errors, unknown fields in a rule\n"
    "or a manifest, rules without keywords, duplicate rule names, keywords\n"
    "that can never match (the text is normalised before matching, so a\n"
    "full-width keyword never does), lexicon lines that do not parse, a pack\n"
    "that extends a missing pack.  Then list each pack with its version and\n"
    "rules.\n"
    "\n"
    "Exit status: 0 no problem; 1 problems (listed on stderr); 2 the rules\n"
    "folder could not be read.\n";

static const char pack_help[] =
    "usage: engine pack DIR [-o FILE]\n"
    "\n"
    "Write the rule pack in DIR (a folder with a pack.lua: manifest, rules,\n"
    "lib modules, lexicons, tests) into one file: NAME-VERSION.pack in the\n"
    "current folder, or FILE.  The pack is first loaded as `engine check`\n"
    "loads it (with the packs beside it, so that extends resolves) and is not\n"
    "written if it has problems.  The file is an SQLite archive (`sqlite3 -A\n"
    "-t -f FILE` lists it) with a SHA-256 checksum over its files; run, test\n"
    "and check take it wherever they take RULES, and refuse it when it was\n"
    "damaged or changed after packing.  To install it, copy it into a folder\n"
    "of packs, beside common: rules/NAME-VERSION.pack.  See rules/README.md,\n"
    "\"Shipping packs\".\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE   where to write the pack (replaced if it exists)\n"
    "\n"
    "Exit status: 0 packed; 1 the pack has problems (listed on stderr) and\n"
    "was not packed; 2 DIR is not a pack folder, the file cannot be written,\n"
    "or the usage is wrong.\n"
    "\n"
    "Examples:\n"
    "  engine pack rules/common\n"
    "  engine pack rules/caijing-feed -o dist/caijing-feed.pack\n"
    "  cp caijing-feed-0.1.0.pack /srv/engine/rules/\n";

typedef struct {
    const char *name;
    int (*run)(const cli_opts *o);
    const char *help;
} command;

static const command commands[] = {
    {"run", cmd_run, run_help},
    {"test", cmd_test, test_help},
    {"check", cmd_check, check_help},
    {"pack", cmd_pack, pack_help},
    {"facts", cmd_facts, facts_help},
    {"numbers", cmd_numbers, numbers_help},
    {"watch", cmd_watch, watch_help},
};

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "engine: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'engine --help'.\n");
    return EXIT_USAGE;
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

enum { OPT_INPUT = 256, OPT_FORMAT, OPT_DATE, OPT_ENCODING, OPT_PACK, OPT_VERSION,
       OPT_DB, OPT_ENTITY, OPT_NAME, OPT_KIND, OPT_PERIOD, OPT_ALL_RUNS, OPT_RELOAD };

static int set_option(int c, const char *arg, cli_opts *o)
{
    switch (c) {
    case OPT_INPUT:
        if (strcmp(arg, "text") && strcmp(arg, "jsonl"))
            return usage_error("--input must be text or jsonl, not '%s'", arg);
        o->jsonl = !strcmp(arg, "jsonl");
        return 0;
    case OPT_FORMAT:
        if (strcmp(arg, "jsonl") && strcmp(arg, "table") && strcmp(arg, "csv"))
            return usage_error("--format must be jsonl, table or csv, not '%s'", arg);
        o->format = !strcmp(arg, "table") ? OUT_TABLE : OUT_JSONL;
        o->facts.csv = !strcmp(arg, "csv");
        return 0;
    case OPT_DATE:
        if (cli_parse_date(arg, &o->date))
            return usage_error("--date wants a real date as YYYY-MM-DD, not '%s'", arg);
        return 0;
    case OPT_ENCODING:
        if (!strcmp(arg, "auto")) o->encoding = TEXT_ENC_AUTO;
        else if (!strcasecmp(arg, "utf-8") || !strcasecmp(arg, "utf8")) o->encoding = TEXT_ENC_UTF8;
        else if (!strcasecmp(arg, "gb18030") || !strcasecmp(arg, "gbk") || !strcasecmp(arg, "gb2312"))
            o->encoding = TEXT_ENC_GB18030;
        else return usage_error("--encoding must be auto, utf-8 or gb18030, not '%s'", arg);
        return 0;
    case OPT_PACK:
        o->pack = arg;
        return 0;
    case OPT_DB:
        o->db = arg;
        return 0;
    case 'o':
        o->output = arg;
        return 0;
    case OPT_ENTITY: o->facts.entity = arg; return 0;
    case OPT_NAME: o->facts.name = arg; return 0;
    case OPT_KIND: o->facts.kind = arg; return 0;
    case OPT_PERIOD: o->facts.period = arg; return 0;
    case OPT_ALL_RUNS: o->facts.all_runs = true; return 0;
    case OPT_RELOAD: o->reload = true; return 0;
    }
    return EXIT_USAGE;
}

/* Options only some commands take are refused elsewhere rather than
 * silently ignored. */
static int check_scope(const char *cmd, const cli_opts *o)
{
    bool facts = !strcmp(cmd, "facts");
    if (o->output && strcmp(cmd, "pack"))
        return usage_error("-o/--output is for pack, not %s", cmd);
    if (o->reload && strcmp(cmd, "run"))
        return usage_error("--reload is for run, not %s (watch always reloads)", cmd);
    if (o->db && !facts && strcmp(cmd, "run") && strcmp(cmd, "watch"))
        return usage_error("--db is for run, watch and facts, not %s", cmd);
    if (!facts && (o->facts.entity || o->facts.name || o->facts.kind ||
                   o->facts.period || o->facts.all_runs))
        return usage_error("--entity, --name, --kind, --period and --all-runs "
                           "are for facts, not %s", cmd);
    if (!facts && o->facts.csv)
        return usage_error("--format csv is for facts, not %s", cmd);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"input", required_argument, NULL, OPT_INPUT},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"date", required_argument, NULL, OPT_DATE},
        {"encoding", required_argument, NULL, OPT_ENCODING},
        {"pack", required_argument, NULL, OPT_PACK},
        {"db", required_argument, NULL, OPT_DB},
        {"output", required_argument, NULL, 'o'},
        {"entity", required_argument, NULL, OPT_ENTITY},
        {"name", required_argument, NULL, OPT_NAME},
        {"kind", required_argument, NULL, OPT_KIND},
        {"period", required_argument, NULL, OPT_PERIOD},
        {"all-runs", no_argument, NULL, OPT_ALL_RUNS},
        {"reload", no_argument, NULL, OPT_RELOAD},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    cli_opts o = {0};
    o.format = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_JSONL;
    bool help = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        if (c == 'h') {
            help = true;
        } else if (c == OPT_VERSION) {
            printf("engine %s\n", ENGINE_VERSION);
            return EXIT_OK;
        } else if (c == '?' || c == ':') {
            return usage_error("unknown option or missing argument: '%s'",
                               argv[optind - 1]);
        } else if (set_option(c, optarg, &o)) {
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fputs(usage_text, help ? stdout : stderr);
        return help ? EXIT_OK : EXIT_USAGE;
    }
    const command *cmd = find_command(argv[optind]);
    if (!cmd)
        return usage_error("unknown command '%s'", argv[optind]);
    if (help) {
        fputs(cmd->help, stdout);
        return EXIT_OK;
    }
    if (check_scope(cmd->name, &o))
        return EXIT_USAGE;
    o.command = cmd->name;
    o.args = argv + optind + 1;
    o.nargs = (size_t)(argc - optind - 1);
    return cmd->run(&o);
}
