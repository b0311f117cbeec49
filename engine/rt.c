/*
 * rt.c — loading rule packs into the runtime (rt.h).
 *
 * Every pack gets its own sandboxed environment; its manifest (pack.lua)
 * and each rule file are run there once.  Then all keywords of all rules
 * and all lexicon surfaces are compiled into the one automaton.  A rule
 * file that fails is reported and left out; the rest of the pack loads.
 */
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "array.h"
#include "text.h"

void rt_report(rt_runtime *rt, const char *where, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rt->err(rt->err_ud, where, msg);
}

/* "common/revenue.lua" for /path/to/rules/common/revenue.lua. */
static char *shown_path(const rt_pack *p, const char *path)
{
    const char *rel = path + strlen(p->files.dir);
    while (*rel == '/')
        rel++;
    char *s = NULL;
    return asprintf(&s, "%s/%s", p->files.folder, rel) < 0 ? NULL : s;
}


static char *opt_string(lua_State *L, int t, const char *key)
{
    char *s = NULL;
    if (lua_getfield(L, t, key) == LUA_TSTRING)
        s = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return s;
}

static const char *const manifest_fields[] = {
    "name", "version", "description", "extends", "detect", "clean", NULL};

static bool known(const char *const *fields, const char *key)
{
    for (size_t i = 0; fields[i]; i++)
        if (!strcmp(fields[i], key))
            return true;
    return false;
}

/* Check the manifest table at the top of the stack and keep its fields. */
static int read_manifest(rt_runtime *rt, rt_pack *p, const char *shown)
{
    lua_State *L = rt->L;
    int bad = 0;
    if (!lua_istable(L, -1)) {
        rt_report(rt, shown, "pack.lua must return a table {name=, version=, ...}");
        return 1;
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) != LUA_TSTRING || !known(manifest_fields, lua_tostring(L, -2))) {
            rt_report(rt, shown, "unknown field '%s' in the manifest (known: name, version, description, extends, detect, clean)",
                      lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
            bad++;
        }
        lua_pop(L, 1);
    }
    p->name = opt_string(L, -1, "name");
    char *version = opt_string(L, -1, "version");
    p->description = opt_string(L, -1, "description");
    p->extends = opt_string(L, -1, "extends");
    if (!p->name)
        p->name = strdup(p->files.folder);
    if (asprintf(&p->version, "%s+%s", version ? version : "0", p->files.hash) < 0)
        p->version = NULL;
    free(version);
    int dt = lua_getfield(L, -1, "detect");
    if (dt == LUA_TFUNCTION || dt == LUA_TTABLE)
        p->detect_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    else
        lua_pop(L, 1);
    if (lua_getfield(L, -1, "clean") == LUA_TFUNCTION)
        p->clean_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    else
        lua_pop(L, 1);
    return bad;
}

static int load_manifest(rt_runtime *rt, rt_pack *p)
{
    char *path = NULL, *shown = NULL;
    sb_error e;
    int bad = 0;
    if (asprintf(&path, "%s/pack.lua", p->files.dir) < 0 || !(shown = shown_path(p, path))) {
        free(path);
        return 1;
    }
    lua_rawgeti(rt->L, LUA_REGISTRYINDEX, p->env_ref);
    if (sb_load_file(rt->sb, lua_gettop(rt->L), path, shown, &e) ||
        sb_call(rt->sb, 0, 1, &e)) {
        rt_report(rt, NULL, "%s", e.msg);
        bad = 1;
        p->name = strdup(p->files.folder);
        if (asprintf(&p->version, "0+%s", p->files.hash) < 0)
            p->version = NULL;
        lua_pop(rt->L, 1); /* env */
    } else {
        bad = read_manifest(rt, p, shown);
        lua_pop(rt->L, 2); /* manifest, env */
    }
    free(path);
    free(shown);
    return bad;
}

static int take_function(lua_State *L, int t, const char *key)
{
    if (lua_getfield(L, t, key) == LUA_TFUNCTION)
        return luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 1);
    return LUA_NOREF;
}

/* The rule table a rule file returned is at the top of the stack; rule{}
 * has already checked its fields. */
static int add_rule(rt_runtime *rt, size_t pack, const char *shown)
{
    lua_State *L = rt->L;
    if (!lua_istable(L, -1) || lua_getfield(L, -1, "name") != LUA_TSTRING) {
        if (lua_istable(L, -1)) lua_pop(L, 1);
        rt_report(rt, shown, "a rule file must return rule{ name = ..., ... }");
        return 1;
    }
    const char *name = lua_tostring(L, -1);
    for (size_t i = 0; i < rt->nrules; i++)
        if (rt->rules[i].pack == pack && !strcmp(rt->rules[i].name, name)) {
            rt_report(rt, shown, "duplicate rule name '%s' (also in %s)", name, rt->rules[i].file);
            lua_pop(L, 1);
            return 1;
        }
    if (array_reserve((void **)&rt->rules, &rt->caprules, rt->nrules, sizeof *rt->rules))
        return 1;
    rt_rule *r = &rt->rules[rt->nrules];
    memset(r, 0, sizeof *r);
    r->name = strdup(name);
    r->file = strdup(shown);
    lua_pop(L, 1);
    r->pack = pack;
    r->sentence_ref = take_function(L, -1, "sentence");
    r->document_ref = take_function(L, -1, "document");
    r->mentions_ref = take_function(L, -1, "mentions");
    r->needs = rt_api_rule_needs(L, -1); /* rule() has checked it */
    r->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    rt->nrules++;
    return 0;
}

static int load_rule_file(rt_runtime *rt, size_t pack, const char *path)
{
    rt_pack *p = &rt->packs[pack];
    char *shown = shown_path(p, path);
    sb_error e;
    int bad = 0;
    lua_rawgeti(rt->L, LUA_REGISTRYINDEX, p->env_ref);
    if (sb_load_file(rt->sb, lua_gettop(rt->L), path, shown, &e) ||
        sb_call(rt->sb, 0, 1, &e)) {
        rt_report(rt, NULL, "%s", e.msg);
        bad = 1;
    } else {
        bad = add_rule(rt, pack, shown ? shown : path);
    }
    lua_settop(rt->L, 0);
    free(shown);
    return bad;
}

static void lexicon_problem(void *ud, const char *where, const char *msg)
{
    rt_runtime *rt = ud;
    rt->err(rt->err_ud, where, msg);
}

static int load_lexicons(rt_runtime *rt, rt_pack *p)
{
    int bad = 0;
    lexicon_init(&p->lex);
    for (size_t i = 0; i < p->files.nlexicons; i++) {
        char *shown = shown_path(p, p->files.lexicons[i]);
        int rc = lexicon_load(&p->lex, p->files.lexicons[i], shown ? shown : p->files.lexicons[i],
                              lexicon_problem, rt);
        bad += rc < 0 ? 1 : rc;
        free(shown);
    }
    return bad;
}

static int load_pack(rt_runtime *rt, size_t k)
{
    rt_pack *p = &rt->packs[k];
    p->detect_ref = p->clean_ref = LUA_NOREF;
    if (sb_new_env(rt->sb, p->files.folder, p->files.dir)) {
        rt_report(rt, p->files.dir, "cannot create the pack's sandbox");
        return 1;
    }
    rt_api_install_rule_ctor(rt, lua_gettop(rt->L));
    p->env_ref = luaL_ref(rt->L, LUA_REGISTRYINDEX);
    int bad = load_manifest(rt, p);
    for (size_t i = 0; i < p->files.nrules; i++)
        bad += load_rule_file(rt, k, p->files.rules[i]);
    return bad + load_lexicons(rt, p);
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* The text is normalised before it is matched (full-width letters, digits
 * and punctuation folded), so a keyword that normalisation would change can
 * never match.  Returns NULL if kw is fine, else what the text would read. */
static char *unmatchable(const char *kw)
{
    text_buf tb;
    text_error e;
    text_buf_init(&tb);
    long used = text_append(&tb, kw, strlen(kw), TEXT_ENC_UTF8, true, &e);
    char *instead = NULL;
    if (used >= 0 && (tb.len != strlen(kw) || memcmp(tb.buf, kw, tb.len)))
        instead = strndup(tb.buf, tb.len);
    text_buf_free(&tb);
    return instead;
}

static bool blank_edges(const char *kw)
{
    size_t n = strlen(kw);
    return n == 0 || kw[0] == ' ' || kw[n - 1] == ' ';
}

static int add_pattern(rt_runtime *rt, const char *text, unsigned flags, rt_pattern pat)
{
    if (array_reserve((void **)&rt->patterns, &rt->cappatterns, rt->npatterns, sizeof *rt->patterns))
        return LEX_ENOMEM;
    int rc = lex_add(rt->ac, text, strlen(text), (uint32_t)rt->npatterns, flags);
    if (rc == LEX_OK)
        rt->patterns[rt->npatterns++] = pat;
    return rc;
}

/* Every keyword of every rule and every lexicon surface, in one automaton.
 * ASCII keywords match as whole words in any case ("Revenue", "revenue");
 * ASCII lexicon names as whole words, case kept ("Meta" is not "meta"). */
static int add_keywords(rt_runtime *rt, size_t r)
{
    lua_State *L = rt->L;
    int bad = 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->rules[r].ref);
    if (lua_getfield(L, -1, "keywords") == LUA_TTABLE) {
        lua_Integer n = luaL_len(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_geti(L, -1, i);
            const char *kw = lua_tostring(L, -1);
            unsigned flags = is_ascii(kw) ? LEX_ASCII_CASELESS | LEX_WORD : 0;
            char *instead = unmatchable(kw);
            if (instead || blank_edges(kw)) {
                rt_report(rt, rt->rules[r].file, "keyword '%s' can never match: %s%s%s", kw,
                          instead ? "the text it is matched against reads '" : "it starts or ends with a space",
                          instead ? instead : "", instead ? "' (text is normalised first)" : "");
                bad++;
            }
            free(instead);
            rt_pattern pat = {(int32_t)r, kw, NULL, rt->rules[r].pack};
            /* The string stays alive: the rule table holds it. */
            int rc = add_pattern(rt, kw, flags, pat);
            if (rc != LEX_OK) {
                rt_report(rt, rt->rules[r].file, "keyword '%s': %s", kw, lex_strerror(rc));
                bad++;
            }
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 2);
    return bad;
}

static int build_automaton(rt_runtime *rt)
{
    int bad = 0;
    if (!(rt->ac = lex_new()))
        return 1;
    for (size_t r = 0; r < rt->nrules; r++)
        bad += add_keywords(rt, r);
    for (size_t k = 0; k < rt->npacks; k++)
        for (size_t i = 0; i < rt->packs[k].lex.n; i++) {
            const lexicon_entry *e = &rt->packs[k].lex.v[i];
            rt_pattern pat = {-1, NULL, e, k};
            if (add_pattern(rt, e->surface, is_ascii(e->surface) ? LEX_WORD : 0, pat) != LEX_OK)
                bad++;
        }
    int rc = rt->npatterns ? lex_compile(rt->ac) : LEX_OK;
    if (rc != LEX_OK) {
        rt_report(rt, "rules", "cannot build the keyword automaton: %s", lex_strerror(rc));
        bad++;
    }
    return bad;
}

static size_t check_extends(rt_runtime *rt)
{
    size_t bad = 0;
    for (size_t k = 0; k < rt->npacks; k++) {
        const char *ext = rt->packs[k].extends;
        bool found = !ext;
        for (size_t j = 0; !found && j < rt->npacks; j++)
            found = !strcmp(rt->packs[j].name, ext);
        if (!found) {
            rt_report(rt, rt->packs[k].files.folder, "extends '%s', which is not among the loaded packs", ext);
            bad++;
        }
    }
    return bad;
}

rt_runtime *rt_load(const char *rules_dir, const rt_options *opt,
                    rt_error_fn err, void *ud, size_t *problems)
{
    rt_runtime *rt = calloc(1, sizeof *rt);
    pack_files *files = NULL;
    size_t n = 0;
    *problems = 0;
    if (!rt)
        return NULL;
    rt->opt = *opt;
    rt->err = err;
    rt->err_ud = ud;
    an_init(&rt->an);
    keyset_init(&rt->seen);
    keyset_init(&rt->entity_seen);
    sb_limits lim = {opt->mem_limit, opt->mem_per_call, opt->instr_per_call};
    if (pack_discover(rules_dir, &files, &n, err, ud) || !(rt->sb = sb_new(&lim)) ||
        !(rt->packs = calloc(n, sizeof *rt->packs))) {
        pack_files_free(files, n);
        (*problems)++;
        rt_free(rt);
        return NULL;
    }
    rt->L = sb_lua(rt->sb);
    /* Nearly everything a document allocates dies with it: the case the
     * generational mode is made for.  The rules' own state is small (about
     * 300 KB) next to what a document allocates, so with Lua's defaults
     * (a minor collection each time the heap grows by 20%, a major one at
     * 100%) a document saw several collections and what it still held at
     * each was promoted and swept again.  Collecting after 200% and 300%
     * costs 4.7% fewer instructions on real articles (1.3% on the dense
     * samples) for the same peak memory (scripts/bench-run). */
    lua_gc(rt->L, LUA_GCGEN, 200, 300);
    rt->npacks = n;
    for (size_t k = 0; k < n; k++)
        rt->packs[k].files = files[k];
    free(files); /* the strings now belong to rt->packs */
    rt_api_open(rt);
    for (size_t k = 0; k < n; k++)
        *problems += (size_t)load_pack(rt, k);
    *problems += (size_t)build_automaton(rt);
    *problems += check_extends(rt);
    return rt;
}

/* ENGINE_PROFILE=1: where the rules spend their time, slowest first. */
static void print_profile(const rt_runtime *rt)
{
    size_t *order = malloc(rt->nrules * sizeof *order + 1);
    if (!order)
        return;
    for (size_t i = 0; i < rt->nrules; i++)
        order[i] = i;
    for (size_t i = 1; i < rt->nrules; i++) /* few rules: insertion sort */
        for (size_t k = i; k > 0 && rt->rules[order[k]].seconds > rt->rules[order[k - 1]].seconds; k--) {
            size_t t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    fprintf(stderr, "%-28s %10s %10s %10s %10s\n", "rule", "calls", "no fact", "seconds", "us/call");
    for (size_t i = 0; i < rt->nrules; i++) {
        const rt_rule *r = &rt->rules[order[i]];
        fprintf(stderr, "%-28s %10zu %10zu %10.3f %10.1f\n", r->file, r->calls, r->idle, r->seconds,
                r->calls ? r->seconds * 1e6 / (double)r->calls : 0.0);
    }
    free(order);
}

void rt_free(rt_runtime *rt)
{
    if (!rt)
        return;
    if (rt->opt.profile)
        print_profile(rt);
    for (size_t k = 0; k < rt->npacks; k++) {
        rt_pack *p = &rt->packs[k];
        pack_files_clear(&p->files); /* also removes an extracted .pack's folder */
        free(p->name);
        free(p->version);
        free(p->description);
        free(p->extends);
        lexicon_free(&p->lex);
    }
    for (size_t r = 0; r < rt->nrules; r++) {
        free(rt->rules[r].name);
        free(rt->rules[r].file);
    }
    free(rt->packs);
    free(rt->rules);
    free(rt->patterns);
    free(rt->subject_in);
    free(rt->sentence_obj);
    keyset_free(&rt->seen);
    keyset_free(&rt->entity_seen);
    free(rt->key);
    free(rt->json);
    free(rt->origins);
    lex_free(rt->ac);
    an_free(&rt->an);
    sb_free(rt->sb);
    free(rt);
}

size_t rt_pack_count(const rt_runtime *rt) { return rt->npacks; }
const char *rt_pack_name(const rt_runtime *rt, size_t i) { return rt->packs[i].name; }
const char *rt_pack_dir(const rt_runtime *rt, size_t i) { return rt->packs[i].files.dir; }
const char *rt_pack_source(const rt_runtime *rt, size_t i)
{
    const pack_files *f = &rt->packs[i].files;
    return f->source ? f->source : f->dir;
}
const char *rt_pack_version(const rt_runtime *rt, size_t i) { return rt->packs[i].version; }
size_t rt_rule_count(const rt_runtime *rt) { return rt->nrules; }

rt_rule_info rt_rule_at(const rt_runtime *rt, size_t i)
{
    const rt_rule *r = &rt->rules[i];
    rt_rule_info info = {r->name, r->file, NULL, r->pack};
    lua_rawgeti(rt->L, LUA_REGISTRYINDEX, r->ref);
    if (lua_getfield(rt->L, -1, "description") == LUA_TSTRING)
        info.description = lua_tostring(rt->L, -1); /* the rule table keeps it alive */
    lua_pop(rt->L, 2);
    return info;
}

size_t rt_lexicon_size(const rt_runtime *rt, size_t pack)
{
    return rt->packs[pack].lex.n;
}
