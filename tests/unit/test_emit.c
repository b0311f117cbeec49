/*
 * test_emit.c — s:emit{...} to a JSON line: the names an emit table may
 * hold (read by their length: fields, control fields, reserved names, and
 * names of the same lengths that are none of these), the checks on kind,
 * name, value and qualifier, repeats, and the fact's own fields against
 * its extra ones, sorted, as engine run prints them; what the engine
 * knows of a stored fact (rule, pack, text, offsets) read from Lua.
 *
 * One tiny pack in a temporary rules tree; each emit runs under pcall, so
 * a refused one becomes a fact whose `msg` is the error.
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

static const char rule_lua[] =
    "local function try(s, label, t)\n"
    "  local ok, res = pcall(function() return s:emit(t) end)\n"
    "  if not ok then\n"
    "    s:emit{ kind = 'check', name = 'err_' .. label, msg = tostring(res):match('emit: (.*)'), evidence = { s } }\n"
    "  end\n"
    "  return ok and res or nil\n"
    "end\n"
    "return rule {\n"
    "  name = 'edge', keywords = { '营收' },\n"
    "  sentence = function(s)\n"
    "    for _, r in ipairs({ 'doc', 'pack', 'rule', 'pack_version', 'text', 'start', 'end' }) do\n"
    "      local t = { kind = 'metric', name = 'r', evidence = { s } }\n"
    "      t[r] = 'x'\n"
    "      try(s, r, t)\n"
    "    end\n"
    "    try(s, 'table', { kind = 'metric', name = 'b', foo = {}, evidence = { s } })\n"
    "    try(s, 'kind', { kind = 'bad', name = 'b', evidence = { s } })\n"
    "    try(s, 'name', { kind = 'metric', name = '', evidence = { s } })\n"
    "    try(s, 'value', { kind = 'metric', name = 'v', value = '3', evidence = { s } })\n"
    "    try(s, 'qualifier', { kind = 'metric', name = 'q', qualifier = 5, evidence = { s } })\n"
    "    try(s, 'numkey', { kind = 'metric', name = 'n', 'positional', evidence = { s } })\n"
    /* names as long as the special ones, and the special ones as values */
    "    try(s, 'alike', { kind = 'entity', name = 'alike', ent = 'kind', kid = 1, keys = true,\n"
    "      frm = 2, evidencf = 3, qualifies = 'x', pack_versio = 'y', pack_versions = 'z',\n"
    "      _hidden = 4, starts = 5, [''] = 'empty', entity = 'E', unit = 'U', period = 'P',\n"
    "      qualifier = 'approx', value = 1.5, evidence = { s } })\n"
    /* a key makes the second a repeat, whatever else it says */
    "    local a = try(s, 'k1', { kind = 'event', name = 'k', key = 'K', extra = 1, evidence = { s } })\n"
    "    local b = try(s, 'k2', { kind = 'event', name = 'k', key = 'K', extra = 2, evidence = { s } })\n"
    "    a.same = a == b\n"
    /* a key given by a metatable counts too */
    "    local mt = { __index = { key = 'M' } }\n"
    "    try(s, 'm1', setmetatable({ kind = 'event', name = 'm', z = 1, evidence = { s } }, mt))\n"
    "    try(s, 'm2', setmetatable({ kind = 'event', name = 'm', z = 2, evidence = { s } }, mt))\n"
    /* evidence that only a metatable fills: # and [i] through it */
    "    local proxy = setmetatable({}, { __len = function() return 1 end, __index = function() return s end })\n"
    "    try(s, 'proxy', { kind = 'event', name = 'proxy', evidence = proxy })\n"
    /* evidence read raw where the table holds it, through __index where
     * not: a start of its own and a stop from its metatable; evidence
     * itself from the rule table's metatable; a fact whose hidden span a
     * rule set on it */
    "    try(s, 'half', { kind = 'event', name = 'half',\n"
    "      evidence = { setmetatable({ start = 0 }, { __index = { stop = 6 } }) } })\n"
    "    try(s, 'evmt', setmetatable({ kind = 'event', name = 'evmt' }, { __index = { evidence = { { start = 3, stop = 6 } } } }))\n"
    "    local g = try(s, 'g0', { kind = 'event', name = 'g0', evidence = { s } })\n"
    "    g._nstart, g._nstop = 3, 6\n"
    "    try(s, 'fromraw', { kind = 'event', name = 'fromraw', from = { g } })\n"
    /* wrong both in a field and in its evidence: the evidence is told */
    "    try(s, 'both', { kind = 'metric', name = 'b', foo = {} })\n"
    /* the repeat key holds a value as tostring writes it: 0.0 and -0.0,
     * 2^53 and 2^53 as a float are two facts each; 1e21 twice, 0.1 + 0.2
     * and 0.3 (alike to 14 digits), a long string twice are one each */
    "    for _, v in ipairs({ 0.0, -0.0, 1e21, 1e21, 0.1 + 0.2, 0.3, 2^53, math.tointeger(2^53), 1.0862068965517242, 1.0862068965517 }) do\n"
    "      try(s, 'vals', { kind = 'metric', name = 'vals', value = v, evidence = { s } })\n"
    "    end\n"
    "    local long = string.rep('长', 200)\n"
    "    for _, t in ipairs({ long, long .. '', long .. 'x' }) do\n"
    "      try(s, 'long', { kind = 'entity', name = 'long', entity = t, evidence = { s } })\n"
    "    end\n"
    /* without a key, 21 and 21.0 are two facts */
    "    try(s, 'w1', { kind = 'metric', name = 'w', value = 21, evidence = { s } })\n"
    "    try(s, 'w2', { kind = 'metric', name = 'w', value = 21.0, evidence = { s } })\n"
    "    try(s, 'w3', { kind = 'metric', name = 'w', value = 21, evidence = { s } })\n"
    /* 64 fields and three control ones: more pairs than are kept on the
     * stack; 65 fields are refused */
    "    local big = { kind = 'metric', name = 'big', key = 'B', from = { a }, evidence = { s } }\n"
    "    for i = 1, 62 do big['f' .. i] = i end\n"
    "    local f = try(s, 'big', big)\n"
    "    local huge = { kind = 'metric', name = 'huge', evidence = { s } }\n"
    "    for i = 1, 63 do huge['f' .. i] = i end\n"
    "    try(s, 'huge', huge)\n"
    "    local n = 0\n"
    "    for _ in pairs(f) do n = n + 1 end\n"
    "    try(s, 'count', { kind = 'check', name = 'count', n = n, f62 = f.f62, from = { f }, evidence = { s } })\n"
    /* fields a rule adds to the stored fact are printed too, however many */
    "    for i = 1, 20 do f['g' .. i] = i end\n"
    "  end,\n"
    /* the facts by name, the big one's name read wherever it was */
    "  document = function(doc)\n"
    "    local n, w = 0, 0\n"
    "    for f in doc:facts{ name = 'big' } do n = n + 1 end\n"
    "    for f in doc:facts{ name = 'w' } do w = w + 1 end\n"
    "    doc:emit{ kind = 'check', name = 'byname', big = n, w = w, from = { doc:fact{ name = 'alike' } } }\n"
    /* a `from` of 100 facts with long names: far more JSON than 8 KB */
    "    local many = {}\n"
    "    for i = 1, 100 do\n"
    "      many[i] = doc:emit{ kind = 'entity', name = 'many', entity = string.rep('长', 30) .. i,\n"
    "                          from = { doc:fact{ name = 'alike' } } }\n"
    "    end\n"
    "    doc:emit{ kind = 'check', name = 'wide', from = many }\n"
    /* a `from` entry that is no fact: read through its own __index */
    "    local px = setmetatable({}, { __index = function(_, k)\n"
    "      return ({ name = 'px', entity = 'E', period = 'P', value = 2.5, start = 7, _nstart = 0, _nstop = 3 })[k] end })\n"
    "    doc:emit{ kind = 'check', name = 'fromproxy', from = { px } }\n"
    "  end,\n"
    "}\n";

/* The facts of the pack on the test's text. */
static const char *run_rules(rules_run *r)
{
    static const rules_file files[] = {{"common/pack.lua", pack_lua}, {"common/edge.lua", rule_lua}};
    return rules_run_text(r, files, 2, "商汤营收5亿元。\n");
}

/* The line of the fact named name (up to its newline). */
static char *line_of(const char *out, const char *name)
{
    char want[96];
    snprintf(want, sizeof want, "\"name\":\"%s\"", name);
    const char *at = strstr(out, want);
    if (!at)
        return NULL;
    const char *start = at, *end = strchr(at, '\n');
    while (start > out && start[-1] != '\n')
        start--;
    return strndup(start, (size_t)(end - start));
}

static void expect_line(const char *out, const char *name, const char *tail)
{
    char *line = line_of(out, name);
    if (!line)
        fail_msg("no fact named %s in:\n%s", name, out);
    const char *fixed = "{\"doc\":\"d\",\"pack\":\"common\",\"rule\":\"edge\",\"pack_version\":\"1+";
    assert_memory_equal(line, fixed, strlen(fixed));
    const char *rest = strstr(line, "\",\"kind\"");
    assert_non_null(rest);
    if (strcmp(rest + 2, tail))
        fail_msg("%s:\n  got  %s\n  want %s", name, rest + 2, tail);
    free(line);
}

#define SPAN "\"text\":\"商汤营收5亿元。\",\"start\":0,\"end\":22"

/* How many facts out has named name. */
static int count_named(const char *out, const char *name)
{
    char want[96];
    snprintf(want, sizeof want, "\"name\":\"%s\",", name);
    int n = 0;
    for (const char *p = out; (p = strstr(p, want)) != NULL; p++)
        n++;
    return n;
}

/* The fact that says emit refused the table tried as label, with msg. */
static void expect_error(const char *out, const char *label, const char *msg)
{
    char name[32], tail[256];
    snprintf(name, sizeof name, "err_%s", label);
    snprintf(tail, sizeof tail, "\"kind\":\"check\",\"name\":\"%s\"," SPAN ",\"msg\":\"%s\"}", name, msg);
    expect_line(out, name, tail);
}

static void test_refused(void **state)
{
    (void)state;
    rules_run r = {0};
    const char *out = run_rules(&r);
    static const char *const reserved[] = {"doc", "pack", "rule", "pack_version", "text", "start", "end"};
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++) {
        char msg[64];
        snprintf(msg, sizeof msg, "'%s' is set by the engine", reserved[i]);
        expect_error(out, reserved[i], msg);
    }
    static const char *const refused[][2] = {
        {"table", "field 'foo' must be a string, number or boolean, not table"},
        {"kind", "'kind' must be one of entity, metric, ratio, event, check"},
        {"name", "a fact needs a 'name'"},
        {"value", "'value' must be a number"},
        {"qualifier", "'qualifier' must be approx, gt, ge, lt or le"},
        {"numkey", "field names must be strings"},
        {"huge", "a fact has at most 64 fields"},
        {"both", "a fact needs evidence = { span, ... } (or from = { fact, ... } in a document rule)"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        expect_error(out, refused[i][0], refused[i][1]);
    rules_done(&r);
}

static void test_fields(void **state)
{
    (void)state;
    rules_run r = {0};
    const char *out = run_rules(&r);
    /* the fixed fields in their place, the others sorted; _hidden and
     * the evidence not at all */
    expect_line(out, "alike", "\"kind\":\"entity\",\"name\":\"alike\"," SPAN
                ",\"entity\":\"E\",\"value\":1.5,\"unit\":\"U\",\"period\":\"P\",\"qualifier\":\"approx\""
                ",\"\":\"empty\",\"ent\":\"kind\",\"evidencf\":3,\"frm\":2,\"keys\":true,\"kid\":1"
                ",\"pack_versio\":\"y\",\"pack_versions\":\"z\",\"qualifies\":\"x\",\"starts\":5}");
    expect_line(out, "k", "\"kind\":\"event\",\"name\":\"k\"," SPAN ",\"extra\":1,\"same\":true}");
    expect_line(out, "proxy", "\"kind\":\"event\",\"name\":\"proxy\"," SPAN "}");
    expect_line(out, "half", "\"kind\":\"event\",\"name\":\"half\",\"text\":\"商汤\",\"start\":0,\"end\":6}");
    expect_line(out, "evmt", "\"kind\":\"event\",\"name\":\"evmt\",\"text\":\"汤\",\"start\":3,\"end\":6}");
    expect_line(out, "fromraw", "\"kind\":\"event\",\"name\":\"fromraw\",\"text\":\"汤\",\"start\":3,\"end\":6,"
                "\"from\":[{\"name\":\"g0\",\"entity\":\"\",\"period\":\"\",\"value\":null,\"start\":0}]}");
    expect_line(out, "m", "\"kind\":\"event\",\"name\":\"m\"," SPAN ",\"z\":1}");
    /* values told apart as tostring tells them: 0.0, -0.0, 1e+21, 0.3,
     * 9.007199254741e+15, 9007199254740992, 1.0862068965517 (the last
     * two floats alike to 14 digits) */
    assert_int_equal(count_named(out, "vals"), 7);
    assert_int_equal(count_named(out, "long"), 2);
    /* 21 and 21.0 apart, 21 again a repeat */
    const char *w = strstr(out, "\"name\":\"w\"");
    assert_non_null(w);
    w = strstr(w + 1, "\"name\":\"w\"");
    assert_non_null(w);
    assert_null(strstr(w + 1, "\"name\":\"w\""));
    /* all 64 fields kept, and `from` printed; the stored table holds
     * them, from and _fact (the rest is the engine's, read when asked) */
    expect_line(out, "count", "\"kind\":\"check\",\"name\":\"count\"," SPAN
                ",\"f62\":62,\"from\":[{\"name\":\"big\",\"entity\":\"\",\"period\":\"\",\"value\":null,"
                "\"start\":0}],\"n\":66}");
    char *px = line_of(out, "fromproxy");
    assert_non_null(px);
    assert_non_null(strstr(px, "\"from\":[{\"name\":\"px\",\"entity\":\"E\",\"period\":\"P\","
                               "\"value\":2.5,\"start\":7}]"));
    free(px);
    /* a long `from` printed whole */
    char *wide = line_of(out, "wide");
    assert_non_null(wide);
    int items = 0;
    for (const char *p = wide; (p = strstr(p, "{\"name\":\"many\",\"entity\":\"")) != NULL; p++)
        items++;
    assert_int_equal(items, 100);
    assert_non_null(strstr(wide, "长100\",\"period\":\"\",\"value\":null,\"start\":0}]"));
    free(wide);
    /* the big fact printed whole: 62 + 20 extra fields and its from */
    char *big = line_of(out, "big");
    assert_non_null(big);
    int fs = 0, gs = 0;
    for (const char *p = big; (p = strstr(p, ",\"")) != NULL; p++)
        fs += p[2] == 'f' && p[3] >= '1' && p[3] <= '9', gs += p[2] == 'g';
    assert_int_equal(fs, 62);
    assert_int_equal(gs, 20);
    assert_non_null(strstr(big, ",\"from\":[{\"name\":\"k\""));
    free(big);
    expect_line(out, "byname", "\"kind\":\"check\",\"name\":\"byname\"," SPAN
                ",\"big\":1,\"from\":[{\"name\":\"alike\",\"entity\":\"E\",\"period\":\"P\",\"value\":1.5,"
                "\"start\":0}],\"w\":2}");
    rules_done(&r);
}

/* What the engine knows of a fact (who emitted it, where) is read from a
 * stored fact like its own fields, in the document that made it; a rule
 * may still set those fields after emit, and that is what is printed. */
static const char origin_lua[] =
    "local kept\n"
    "return rule {\n"
    "  name = 'origin', keywords = { '营收' },\n"
    "  sentence = function(s)\n"
    "    local f = s:emit{ kind = 'metric', name = 'rev', value = 5e8, evidence = { s:hits()() } }\n"
    "    local g = s:emit{ kind = 'metric', name = 'moved', evidence = { s } }\n"
    "    g.text, g.start, g.rule = 'set', 7, 'mine'\n"
    "    local mt_ok = pcall(setmetatable, f, {})\n"
    "    local raw = {}\n"
    "    for k in pairs(f) do raw[#raw + 1] = k end\n"
    "    table.sort(raw)\n"
    "    s:emit{ kind = 'check', name = 'seen', r = f.rule, p = f.pack, v = f.pack_version ~= nil,\n"
    "            t = f.text, a = f.start, b = f['end'], na = f._nstart, nb = f._nstop,\n"
    "            other = f.entity == nil and f[1] == nil and f.nothing == nil,\n"
    "            raw = table.concat(raw, ','), mt = mt_ok, evidence = { s } }\n"
    "    if kept then\n"
    "      s:emit{ kind = 'check', name = 'stale', t = kept.text == nil, r = kept.rule == nil,\n"
    "              own = kept.name, evidence = { s } }\n"
    "    end\n"
    "    kept = f\n"
    "  end,\n"
    "  document = function(doc)\n"
    "    local n = 0\n"
    "    for f in doc:facts{ rule = 'origin', text = '营收' } do n = n + 1 end\n"
    "    doc:emit{ kind = 'check', name = 'filter', n = n, from = { doc:fact{ name = 'rev' } } }\n"
    "  end,\n"
    "}\n";

static void test_origin(void **state)
{
    (void)state;
    static const rules_file files[] = {{"common/pack.lua", pack_lua}, {"common/origin.lua", origin_lua}};
    rules_run r = {0};
    const char *out = rules_run_text(&r, files, 2, "（商汤）营收5亿元。\n");
    char *line = line_of(out, "seen");
    assert_non_null(line);
    /* 营收 at bytes 12-18 of the input, 8-14 of the normalised text:
     * （ and ） fold to one byte each */
    assert_non_null(strstr(line, "\"a\":12,\"b\":18,\"mt\":false,\"na\":8,\"nb\":14,"
                                 "\"other\":true,\"p\":\"common\",\"r\":\"origin\","
                                 "\"raw\":\"_fact,kind,name,value\",\"t\":\"营收\",\"v\":true}"));
    free(line);
    line = line_of(out, "moved");
    assert_non_null(line);
    assert_non_null(strstr(line, "\"rule\":\"mine\""));
    assert_non_null(strstr(line, "\"text\":\"set\",\"start\":7,\"end\":"));
    free(line);
    line = line_of(out, "filter");
    assert_non_null(line);
    assert_non_null(strstr(line, "\"from\":[{\"name\":\"rev\",\"entity\":\"\",\"period\":\"\","
                                 "\"value\":500000000,\"start\":12}],\"n\":1}"));
    free(line);
    assert_null(strstr(out, "\"stale\""));
    /* a fact kept from the first document knows nothing of the second's */
    out = rules_run_again(&r, "营收。\n");
    line = line_of(out, "stale");
    assert_non_null(line);
    assert_non_null(strstr(line, "\"own\":\"rev\",\"r\":true,\"t\":true}"));
    free(line);
    rules_done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_origin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
