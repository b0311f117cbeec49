/*
 * test_spans.c — the tables the API hands rules for mentions and hits:
 * doc:mentions() against a loop over the sentences' s:mentions() (the
 * same tables, in order) past the mentions push_mentions notes while
 * counting them, with a type and without; a mention a mention rule adds
 * shows in both; two lexicon entries with equal canonical text; and
 * s:hits() with and without a keyword, after other iterators ran; a
 * hit's text as written when its keyword matched in another case; and
 * s:clause_before with the clause marks and with stops given;
 * doc:occurrences; mention tables made while mention rules add more,
 * over two documents; a lexicon entry's strings, made once per run;
 * doc:mentions() leaves out mentions outside the sentences;
 * doc:entities() against the first of each name from doc:mentions().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_test.h"

static const char pack_lua[] = "return { name = \"common\", version = \"1\" }\n";

/* 甲公司 and 甲厂 are two entries of one canonical name. */
static const char names_tsv[] = "甲公司\t甲集团\torg\tA\n甲厂\t甲集团\torg\tA\n总裁\t总裁\ttitle\tceo\n";

static const char rule_lua[] =
    "local function same(a, b)\n"
    "  if #a ~= #b then return false end\n"
    "  for i = 1, #a do if a[i] ~= b[i] then return false end end\n"
    "  return true\n"
    "end\n"
    "local function by_sentence(doc, type)\n"
    "  local list = {}\n"
    "  for s in doc:sentences() do\n"
    "    for _, m in ipairs(s:mentions(type)) do list[#list + 1] = m end\n"
    "  end\n"
    "  return list\n"
    "end\n"
    "local function first_of_each(list)\n"
    "  local out, seen = {}, {}\n"
    "  for _, m in ipairs(list) do\n"
    "    if (m.type == 'org' or m.type == 'unit') and not seen[m.canonical] then\n"
    "      seen[m.canonical] = true\n"
    "      out[#out + 1] = m\n"
    "    end\n"
    "  end\n"
    "  return out\n"
    "end\n"
    "return rule {\n"
    "  name = 'spans', keywords = { '营收', '收入' },\n"
    "  mentions = function(s)\n"
    "    for kw in s:hits('营收') do\n"
    "      s:add_mention{ start = kw.start, stop = kw.stop, canonical = '营收名', type = 'metric' }\n"
    "    end\n"
    "  end,\n"
    "  sentence = function(s)\n"
    "    if s.index ~= 1 then return end\n"
    "    local all, only, n = {}, {}, 0\n"
    "    for kw in s:hits() do all[#all + 1] = kw.keyword end\n"
    "    for kw in s:hits('收入') do only[#only + 1] = kw.keyword .. kw.text end\n"
    "    for kw in s:hits('营收') do n = n + 1 end\n"
    "    s:emit{ kind = 'check', name = 'hits', all = table.concat(all, ','),\n"
    "            only = table.concat(only, ','), n = n, evidence = { s } }\n"
    "  end,\n"
    "  document = function(doc)\n"
    "    local all, orgs = doc:mentions(), doc:mentions('org')\n"
    "    local metric = doc:mentions('metric')\n"
    "    local a, b = orgs[1], orgs[2]\n"
    "    doc:emit{ kind = 'check', name = 'mentions', n = #all, orgs = #orgs, metrics = #metric,\n"
    "              titles = #doc:mentions('title'), all_same = same(all, by_sentence(doc)),\n"
    "              orgs_same = same(orgs, by_sentence(doc, 'org')),\n"
    "              metric_same = same(metric, by_sentence(doc, 'metric')),\n"
    "              last = all[#all].text, a = a.text .. a.canonical .. a.type .. a.extra,\n"
    "              b = b.text .. b.canonical .. b.type .. b.extra,\n"
    "              eq = a.canonical == b.canonical, m = metric[1].canonical .. metric[1].extra,\n"
    "              ents = #doc:entities(), ents_same = same(doc:entities(), first_of_each(all)),\n"
    "              ents_again = same(doc:entities(), doc:entities()),\n"
    "              evidence = { all[1] } }\n"
    "  end,\n"
    "}\n";

static const rules_file files[] = {
    {"common/pack.lua", pack_lua},
    {"common/lexicon/names.tsv", names_tsv},
    {"common/spans.lua", rule_lua},
};

/* The fact named name's line, up to its newline. */
static char *fact_line(const char *out, const char *name)
{
    char want[64];
    snprintf(want, sizeof want, "\"name\":\"%s\"", name);
    const char *at = strstr(out, want);
    if (!at)
        fail_msg("no fact named %s in:\n%s", name, out);
    return strndup(at, (size_t)(strchr(at, '\n') - at));
}

/* The line of the fact named name that the rule file rel (source lua),
 * beside the pack's manifest, emits on text. */
static char *one_rule_fact(const char *rel, const char *lua, const char *text, const char *name)
{
    const rules_file tree[] = {{"common/pack.lua", pack_lua}, {rel, lua}};
    rules_run r = {0};
    char *line = fact_line(rules_run_text(&r, tree, 2, text), name);
    rules_done(&r);
    return line;
}

/* Run the rule file rel (source lua) beside the pack's manifest and the
 * lexicon tsv on text, in r. */
static const char *run_with_lexicon(rules_run *r, const char *tsv, const char *rel, const char *lua,
                                    const char *text)
{
    const rules_file tree[] = {{"common/pack.lua", pack_lua}, {"common/lexicon/names.tsv", tsv},
                               {rel, lua}};
    return rules_run_text(r, tree, 3, text);
}

static void expect_in(const char *line, const char *part)
{
    if (!strstr(line, part))
        fail_msg("%s not in\n%s", part, line);
}

/* A text of n sentences 甲公司营收1亿元，甲厂收入。 (总裁 in the first):
 * four mentions each. */
static char *text_of(int n)
{
    static const char one[] = "甲公司营收1亿元，甲厂收入。\n";
    char *t = malloc((size_t)n * sizeof one + 16);
    assert_non_null(t);
    strcpy(t, "总裁");
    for (int i = 0; i < n; i++)
        strcat(t, one);
    return t;
}

static void check_mentions(int sentences)
{
    rules_run r = {0};
    char *text = text_of(sentences);
    const char *out = rules_run_text(&r, files, 3, text);
    char *line = fact_line(out, "mentions"), want[64];
    snprintf(want, sizeof want, "\"n\":%d", 3 * sentences + 1);
    expect_in(line, want);
    snprintf(want, sizeof want, "\"orgs\":%d", 2 * sentences);
    expect_in(line, want);
    snprintf(want, sizeof want, "\"metrics\":%d", sentences);
    expect_in(line, want);
    expect_in(line, "\"titles\":1");
    expect_in(line, "\"all_same\":true");
    expect_in(line, "\"orgs_same\":true");
    expect_in(line, "\"metric_same\":true");
    expect_in(line, "\"a\":\"甲公司甲集团orgA\"");
    expect_in(line, "\"b\":\"甲厂甲集团orgA\"");
    expect_in(line, "\"eq\":true");
    expect_in(line, "\"m\":\"营收名\"");
    expect_in(line, "\"last\":\"甲厂\"");
    expect_in(line, "\"ents\":1");
    expect_in(line, "\"ents_same\":true");
    expect_in(line, "\"ents_again\":true");
    free(line);
    line = fact_line(out, "hits");
    expect_in(line, "\"all\":\"营收,收入\"");
    expect_in(line, "\"only\":\"收入收入\"");
    expect_in(line, "\"n\":1");
    free(line);
    free(text);
    rules_done(&r);
}

/* Fewer mentions than push_mentions notes while counting, and more. */
static void test_few(void **state)
{
    (void)state;
    check_mentions(3);
}

static void test_many(void **state)
{
    (void)state;
    check_mentions(150);
}

/* A hit's text is the text as written, which is its keyword's string
 * unless case was folded to match it. */
static const char case_lua[] =
    "return rule {\n"
    "  name = 'case', keywords = { 'revenue', '营收' },\n"
    "  sentence = function(s)\n"
    "    local seen = {}\n"
    "    for kw in s:hits() do seen[#seen + 1] = kw.keyword .. '=' .. kw.text end\n"
    "    s:emit{ kind = 'check', name = 'case' .. s.index, seen = table.concat(seen, ','),\n"
    "            evidence = { s } }\n"
    "  end,\n"
    "}\n";

static void test_hit_text(void **state)
{
    (void)state;
    static const rules_file case_files[] = {
        {"common/pack.lua", pack_lua},
        {"common/case.lua", case_lua},
    };
    rules_run r = {0};
    const char *out = rules_run_text(&r, case_files, 2, "Revenue and REVENUE rose.\nrevenue 营收 fell.\n");
    char *line = fact_line(out, "case1");
    expect_in(line, "\"seen\":\"revenue=Revenue,revenue=REVENUE\"");
    free(line);
    line = fact_line(out, "case2");
    expect_in(line, "\"seen\":\"revenue=revenue,营收=营收\"");
    free(line);
    rules_done(&r);
}

/* s:clause_before: back from a keyword to the last stop character, within
 * n characters; the stops given (a multi-byte one, one in a list longer
 * than the search's blocks, none there) or the clause marks. */
static const char clause_lua[] =
    "return rule {\n"
    "  name = 'clause', keywords = { '收入' },\n"
    "  sentence = function(s)\n"
    "    for kw in s:hits('收入') do\n"
    "      s:emit{ kind = 'check', name = 'clause', marks = s:clause_before(kw, 10),\n"
    "              near = s:clause_before(kw, 10, '厂'), short = s:clause_before(kw, 2),\n"
    "              none = s:clause_before(kw, 10, 'x'), mid = s:clause_before(kw, 10, '司营'),\n"
    "              long = s:clause_before(kw, 10, string.rep('x', 70) .. '亿' .. string.rep('y', 9)),\n"
    "              evidence = { s } }\n"
    "    end\n"
    "  end,\n"
    "}\n";

static void test_clause_before(void **state)
{
    (void)state;
    char *line = one_rule_fact("common/clause.lua", clause_lua, "甲公司营收1亿元，甲厂收入。\n", "clause");
    expect_in(line, "\"marks\":\"甲厂\"");
    expect_in(line, "\"near\":\"\"");
    expect_in(line, "\"short\":\"甲厂\"");
    expect_in(line, "\"none\":\"公司营收1亿元,甲厂\"");
    expect_in(line, "\"mid\":\"收1亿元,甲厂\"");
    expect_in(line, "\"long\":\"元,甲厂\"");
    free(line);
}

/* doc:occurrences: every place, left to right, none overlapping the one
 * before; one at the very end; none of the empty text. */
static const char occ_lua[] =
    "local function places(doc, text)\n"
    "  local at = {}\n"
    "  for _, o in ipairs(doc:occurrences(text)) do at[#at + 1] = o.start .. '-' .. o.stop .. o.text end\n"
    "  return table.concat(at, ',')\n"
    "end\n"
    "return rule {\n"
    "  name = 'occ',\n"
    "  document = function(doc)\n"
    "    doc:emit{ kind = 'check', name = 'occ', aa = places(doc, 'aa'), han = places(doc, '甲厂'),\n"
    "              empty = places(doc, ''), none = places(doc, '乙'), evidence = { { start = 0, stop = 1 } } }\n"
    "  end,\n"
    "}\n";

static void test_occurrences(void **state)
{
    (void)state;
    char *line = one_rule_fact("common/occ.lua", occ_lua, "aaaaa甲厂 xx 甲厂", "occ");
    expect_in(line, "\"aa\":\"0-2aa,2-4aa\"");
    expect_in(line, "\"han\":\"5-11甲厂,15-21甲厂\"");
    expect_in(line, "\"empty\":\"\"");
    expect_in(line, "\"none\":\"\"");
    free(line);
}

/* Mention tables made while a mention rule adds more (one ahead of the
 * lexicon's, and one inside a name, which settling drops): a later
 * s:mentions() lists the new ones in their places, and every table keeps
 * its own mention's values once they are sorted; a second document, with
 * other names at the same places, gets its own. */
/* show(list): a list of mentions as start-stop:text/canonical/type/extra. */
#define SHOW_LUA                                                                                \
    "local function show(list)\n"                                                               \
    "  local out = {}\n"                                                                        \
    "  for _, m in ipairs(list) do\n"                                                           \
    "    out[#out + 1] = m.start .. '-' .. m.stop .. ':' .. m.text .. '/' .. m.canonical .. '/'\n" \
    "      .. m.type .. '/' .. m.extra\n"                                                       \
    "  end\n"                                                                                   \
    "  return table.concat(out, ',')\n"                                                         \
    "end\n"

static const char phase_lua[] =
    SHOW_LUA
    "local during\n"
    "return rule {\n"
    "  name = 'phase', keywords = { '营收', '收入' },\n"
    "  mentions = function(s)\n"
    "    local before = s:mentions()\n"
    "    for kw in s:hits() do\n"
    "      s:add_mention{ start = kw.start, stop = kw.stop, canonical = kw.text .. '名', type = 'metric' }\n"
    "    end\n"
    "    s:add_mention{ start = before[1].start + 3, stop = before[1].stop, canonical = '内' }\n"
    "    during = #before .. ';' .. show(s:mentions())\n"
    "  end,\n"
    "  document = function(doc)\n"
    "    doc:emit{ kind = 'check', name = 'phase', during = during, after = show(doc:mentions()),\n"
    "              evidence = { { start = 0, stop = 1 } } }\n"
    "  end,\n"
    "}\n";

static void test_mentions_phase(void **state)
{
    (void)state;
    rules_run r = {0};
    run_with_lexicon(&r, names_tsv, "common/phase.lua", phase_lua, "营收甲公司1亿元，甲厂收入。\n");
    const char *out = rules_run_again(&r, "收入甲厂1亿元，甲公司营收。\n");
    char *line = fact_line(out, "phase");
    expect_in(line, "\"during\":\"2;0-6:营收/营收名/metric/,6-15:甲公司/甲集团/org/A,"
                    "9-15:公司/内/org/,23-29:甲厂/甲集团/org/A,29-35:收入/收入名/metric/\"");
    expect_in(line, "\"after\":\"0-6:营收/营收名/metric/,6-15:甲公司/甲集团/org/A,"
                    "23-29:甲厂/甲集团/org/A,29-35:收入/收入名/metric/\"");
    free(line);
    line = fact_line(strchr(out, '\n') + 1, "phase");
    expect_in(line, "\"during\":\"2;0-6:收入/收入名/metric/,6-12:甲厂/甲集团/org/A,"
                    "9-12:厂/内/org/,20-29:甲公司/甲集团/org/A,29-35:营收/营收名/metric/\"");
    expect_in(line, "\"after\":\"0-6:收入/收入名/metric/,6-12:甲厂/甲集团/org/A,"
                    "20-29:甲公司/甲集团/org/A,29-35:营收/营收名/metric/\"");
    free(line);
    rules_done(&r);
}

/* Mentions a rule adds in one sentence do not hide the lexicon's in the
 * next ones: s:mentions() of each sentence, before its rule adds more,
 * after five were added in the first. */
static const char later_lua[] =
    "local seen = {}\n"
    "return rule {\n"
    "  name = 'later', keywords = { '营收' },\n"
    "  mentions = function(s)\n"
    "    local names = {}\n"
    "    for _, m in ipairs(s:mentions()) do names[#names + 1] = m.text end\n"
    "    seen[#seen + 1] = s.index .. ':' .. table.concat(names, '+')\n"
    "    for kw in s:hits() do\n"
    "      s:add_mention{ start = kw.start, stop = kw.stop, canonical = 'R', type = 'metric' }\n"
    "    end\n"
    "  end,\n"
    "  document = function(doc)\n"
    "    doc:emit{ kind = 'check', name = 'later', seen = table.concat(seen, ','),\n"
    "              evidence = { { start = 0, stop = 3 } } }\n"
    "    seen = {}\n"
    "  end,\n"
    "}\n";

static void test_mentions_later(void **state)
{
    (void)state;
    rules_run r = {0};
    const char *out = run_with_lexicon(&r, names_tsv, "common/later.lua", later_lua,
                                       "营收营收营收营收营收。\n营收甲公司。\n营收甲厂。\n");
    char *line = fact_line(out, "later");
    expect_in(line, "\"seen\":\"1:,2:甲公司,3:甲厂\"");
    free(line);
    rules_done(&r);
}

/* A lexicon entry's strings are made once per run and shared by its
 * mentions in every document: each mention still reads its own entry's
 * (two entries side by side, one of another type with an extra naming
 * the other), in the second document as in the first, and a mention a
 * rule adds over an entry's (which it hides) reads the rule's strings.
 * doc:mentions() walks the sentences beside the mentions: it leaves out
 * one before the first sentence and one in the blank lines between two. */
static const char entry_tsv[] = "甲公司\t甲集团\torg\tA\n乙厂\t乙工厂\tunit\t甲集团\n";

static const char entry_lua[] =
    SHOW_LUA
    "return rule {\n"
    "  name = 'entry', keywords = { '营收', '说' },\n"
    "  mentions = function(s)\n"
    "    for kw in s:hits('营收') do\n"
    "      s:add_mention{ start = kw.start, stop = kw.stop + 6, canonical = '甲公司', type = 'x' }\n"
    "    end\n"
    "    for kw in s:hits('说') do\n"
    "      s:add_mention{ start = 0, stop = 1, canonical = 'before' }\n"
    "      s:add_mention{ start = s.start - 1, stop = s.start, canonical = 'gap' }\n"
    "      s:add_mention{ start = kw.start, stop = kw.stop, canonical = 'said' }\n"
    "    end\n"
    "  end,\n"
    "  document = function(doc)\n"
    "    doc:emit{ kind = 'check', name = 'entry', all = show(doc:mentions()),\n"
    "              units = show(doc:mentions('unit')), evidence = { { start = 0, stop = 1 } } }\n"
    "  end,\n"
    "}\n";

static void test_entry_strings(void **state)
{
    (void)state;
    rules_run r = {0};
    const char *out = run_with_lexicon(&r, entry_tsv, "common/entry.lua", entry_lua,
                                       "甲公司乙厂。营收乙厂。\n");
    char *line = fact_line(out, "entry");
    expect_in(line, "\"all\":\"0-9:甲公司/甲集团/org/A,9-15:乙厂/乙工厂/unit/甲集团,"
                    "18-30:营收乙厂/甲公司/x/\"");
    free(line);
    out = rules_run_again(&r, "乙厂甲公司。营收甲公司\n");
    line = fact_line(strchr(out, '\n') + 1, "entry");
    expect_in(line, "\"all\":\"0-6:乙厂/乙工厂/unit/甲集团,6-15:甲公司/甲集团/org/A,"
                    "18-30:营收甲公/甲公司/x/\"");
    expect_in(line, "\"units\":\"0-6:乙厂/乙工厂/unit/甲集团\"");
    free(line);
    out = rules_run_again(&r, "  甲公司。\n\n  乙厂说。\n");
    line = fact_line(strrchr(out, '{'), "entry");
    expect_in(line, "\"all\":\"2-11:甲公司/甲集团/org/A,18-24:乙厂/乙工厂/unit/甲集团,"
                    "24-27:说/said/org/\"");
    free(line);
    rules_done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_few),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_hit_text),
        cmocka_unit_test(test_clause_before),
        cmocka_unit_test(test_occurrences),
        cmocka_unit_test(test_mentions_phase),
        cmocka_unit_test(test_mentions_later),
        cmocka_unit_test(test_entry_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
