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
    "  test RULES           run each pack's own tests (tests/ in every pack)\n"
    "  check RULES          load and lint the packs, report every problem\n"
    "  numbers [INPUT...]   every number, amount, percentage, period and date\n"
    "                       found in the inputs, normalised (JSON Lines or table)\n"
    "\n"
    "Inputs are files, folders (every .txt and .md file below, sorted) or -\n"
    "for standard input (the default when none is given).\n"
    "\n"
    "Options:\n"
    "  --input text|jsonl   read each input as one text document (default), or\n"
    "                       as JSON Lines: one {\"id\", \"text\", \"date\"?,\n"
    "                       \"publication\"?} document per line\n"
    "  --format jsonl|table output format (default: table on a terminal,\n"
    "                       JSON Lines otherwise)\n"
    "  --date YYYY-MM-DD    the date relative periods (今年, 去年, 3月26日)\n"
    "                       resolve against; overrides a JSON Lines \"date\"\n"
    "  --encoding auto|utf-8|gb18030\n"
    "                       input encoding (default auto: UTF-8, else GB18030)\n"
    "  --pack NAME          (run) apply this publication pack, besides common,\n"
    "                       instead of asking each pack's detect()\n"
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
    "--encoding auto|utf-8|gb18030, --pack NAME (see `engine --help`).\n"
    "\n"
    "Exit status: 0 all went well; 1 a document or a rule failed (reported on\n"
    "stderr with pack/file:line; everything else still ran); 2 the rules\n"
    "could not be loaded at all or the usage is wrong.\n"
    "\n"
    "Examples:\n"
    "  engine run rules/ article.txt\n"
    "  engine run rules/ --date 2024-12-15 --format table articles/\n"
    "  engine run rules/ --input jsonl - < docs.jsonl > facts.jsonl\n";

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

typedef struct {
    const char *name;
    int (*run)(const cli_opts *o);
    const char *help;
} command;

static const command commands[] = {
    {"run", cmd_run, run_help},
    {"test", cmd_test, test_help},
    {"check", cmd_check, check_help},
    {"numbers", cmd_numbers, numbers_help},
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

enum { OPT_INPUT = 256, OPT_FORMAT, OPT_DATE, OPT_ENCODING, OPT_PACK, OPT_VERSION };

static int set_option(int c, const char *arg, cli_opts *o)
{
    switch (c) {
    case OPT_INPUT:
        if (strcmp(arg, "text") && strcmp(arg, "jsonl"))
            return usage_error("--input must be text or jsonl, not '%s'", arg);
        o->jsonl = !strcmp(arg, "jsonl");
        return 0;
    case OPT_FORMAT:
        if (strcmp(arg, "jsonl") && strcmp(arg, "table"))
            return usage_error("--format must be jsonl or table, not '%s'", arg);
        o->format = !strcmp(arg, "table") ? OUT_TABLE : OUT_JSONL;
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
    }
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"input", required_argument, NULL, OPT_INPUT},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"date", required_argument, NULL, OPT_DATE},
        {"encoding", required_argument, NULL, OPT_ENCODING},
        {"pack", required_argument, NULL, OPT_PACK},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    cli_opts o = {0};
    o.format = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_JSONL;
    bool help = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
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
    o.command = cmd->name;
    o.args = argv + optind + 1;
    o.nargs = (size_t)(argc - optind - 1);
    return cmd->run(&o);
}
