/*
 * rt_run.c — running the packs over one document (rt_run in rt.h).
 *
 * Phases, in order: annotate in C (sentences, quantities, keyword and
 * lexicon hits); mention rules (they may add entity mentions, e.g. aliases
 * the text declares); subjects carried from sentence to sentence; sentence
 * rules, each only where its keywords hit; document rules; output.
 */
#include <lauxlib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "find.h"
#include "rt_internal.h"
#include "utf8.h"

/* ---- which packs and rules apply ------------------------------------- */

void rt_set_force_pack(rt_runtime *rt, const char *name)
{
    rt->opt.force_pack = name;
}

/* Does any (want_all: every) string of the list at the top of the stack
 * occur in the document's text?  A single string counts as a list of one. */
static bool text_has(rt_runtime *rt, bool want_all)
{
    lua_State *L = rt->L;
    if (lua_type(L, -1) == LUA_TSTRING)
        return find_bytes(rt->an.text, rt->an.len, lua_tostring(L, -1), lua_rawlen(L, -1)) != NULL;
    if (!lua_istable(L, -1))
        return want_all;
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        size_t len = 0;
        lua_geti(L, -1, i);
        const char *w = lua_tolstring(L, -1, &len);
        bool hit = w && len && find_bytes(rt->an.text, rt->an.len, w, len) != NULL;
        lua_pop(L, 1);
        if (hit != want_all)
            return hit;
    }
    return want_all;
}

/* The declarative form of detect: { publication = "name" or {…},
 * contains = {…} (any), contains_all = {…} }; every matcher given must
 * accept the document. */
static bool detect_table(rt_runtime *rt, int ref)
{
    lua_State *L = rt->L;
    bool ok = true;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    if (lua_getfield(L, -1, "publication") != LUA_TNIL) {
        const char *pub = rt->doc->publication;
        bool hit = false;
        if (lua_type(L, -1) == LUA_TSTRING)
            hit = pub && !strcmp(pub, lua_tostring(L, -1));
        for (lua_Integer i = 1; lua_istable(L, -1) && !hit && i <= luaL_len(L, -1); i++) {
            lua_geti(L, -1, i);
            hit = pub && lua_type(L, -1) == LUA_TSTRING && !strcmp(pub, lua_tostring(L, -1));
            lua_pop(L, 1);
        }
        ok = hit;
    }
    lua_pop(L, 1);
    if (ok && lua_getfield(L, -1, "contains") != LUA_TNIL)
        ok = text_has(rt, false);
    lua_pop(L, 1);
    if (ok && lua_getfield(L, -1, "contains_all") != LUA_TNIL)
        ok = text_has(rt, true);
    lua_pop(L, 2);
    return ok;
}

static bool detect(rt_runtime *rt, rt_pack *p)
{
    if (p->detect_ref == LUA_NOREF)
        return false;
    sb_error e;
    lua_rawgeti(rt->L, LUA_REGISTRYINDEX, p->detect_ref);
    if (lua_istable(rt->L, -1)) {
        lua_pop(rt->L, 1);
        return detect_table(rt, p->detect_ref);
    }
    rt_api_push_doc(rt);
    if (sb_call(rt->sb, 1, 1, &e)) {
        rt_report(rt, rt->doc->id, "detect() of pack '%s': %s", p->name, e.msg);
        rt->errors++;
        return false;
    }
    bool yes = lua_toboolean(rt->L, -1);
    lua_pop(rt->L, 1);
    return yes;
}

static void choose_packs(rt_runtime *rt)
{
    const char *force = rt->opt.force_pack;
    for (size_t k = 0; k < rt->npacks; k++) {
        rt_pack *p = &rt->packs[k];
        bool common = !strcmp(p->files.folder, "common") || !strcmp(p->name, "common");
        if (force)
            p->active = common || !strcmp(p->name, force) || !strcmp(p->files.folder, force);
        else
            p->active = common || detect(rt, p);
    }
    /* A later pack's rule replaces an earlier pack's rule of the same name. */
    for (size_t r = 0; r < rt->nrules; r++) {
        rt_rule *rule = &rt->rules[r];
        rule->active = rt->packs[rule->pack].active;
        for (size_t o = r + 1; rule->active && o < rt->nrules; o++)
            if (rt->rules[o].pack != rule->pack && rt->packs[rt->rules[o].pack].active &&
                !strcmp(rt->rules[o].name, rule->name))
                rule->active = false;
    }
}

/* ---- subjects and periods -------------------------------------------- */

/* Is mention m a word for many companies at once (A股公司, 券商: lexicon
 * type collective)?  A sentence about them is about no one company.  Not
 * when a company's name runs into it: 中国平安保险公司 is 中国平安. */
static bool is_collective(const an_doc *d, size_t m)
{
    return !strcmp(d->ment[m].type, "collective") &&
           !(m > 0 && d->ment[m - 1].end == d->ment[m].start && an_is_entity(&d->ment[m - 1]));
}

/* A news outlet named as a source (据虎嗅报道, "(Reuters) -"), or a stock
 * exchange named as where a company is listed (在港交所上市, "(NYSE: DCH)"),
 * is not what the next sentences are about. */
static bool is_source(const an_mention *m)
{
    return !strcmp(m->extra, "media") || !strcmp(m->extra, "exchange");
}

/* Is a Chinese numeral (一 … 十) at text[p]? */
static bool zh_numeral_at(const char *text, size_t p, size_t end)
{
    static const char numerals[] = "一二三四五六七八九十"; /* 3 bytes each */
    for (size_t k = 0; k + 3 < sizeof numerals; k += 3)
        if (end - p >= 3 && !memcmp(text + p, numerals + k, 3))
            return true;
    return false;
}

/* Does text[at..end) open with a list number: 3、, 10、, 2. , (2), 二、?
 * A paragraph that does is an item of a digest or a round-up, about what
 * it names and not about what the item before it was about. */
static bool opens_item(const char *text, size_t at, size_t end)
{
    at = spaces_end(text, at, end);
    bool bracket = at < end && text[at] == '(';
    size_t first = at + bracket, p = first;
    while (p < end && text[p] >= '0' && text[p] <= '9')
        p++;
    if (p == first)
        while (zh_numeral_at(text, p, end))
            p += 3;
    if (p == first || p - first > 6)
        return false;
    if (bracket)
        return p < end && text[p] == ')';
    return (end - p >= 3 && !memcmp(text + p, "、", 3)) ||
           (end - p >= 2 && text[p] == '.' && text[p + 1] == ' ');
}

/* The first org of a sentence becomes the subject of what follows it. */
static int carry_subjects(rt_runtime *rt)
{
    an_doc *d = &rt->an;
    if (d->nsent > rt->capsubject) {
        const char **p = realloc(rt->subject_in, d->nsent * sizeof *p);
        if (!p)
            return -1;
        rt->subject_in = p;
        rt->capsubject = d->nsent;
    }
    const char *carry = NULL;
    for (size_t i = 0; i < d->nsent; i++) {
        bool new_para = i == 0 || d->sent[i - 1].para != d->sent[i].para;
        /* An item opening with a name is about it, even a news outlet's
         * (7、分众传媒发布半年报). */
        bool item = new_para && opens_item(d->text, d->sent[i].start, d->sent[i].end);
        if (item)
            carry = NULL;
        rt->subject_in[i] = carry;
        for (size_t m = an_first_mention(d, d->sent[i].start);
             m < d->nment && d->ment[m].start < d->sent[i].end; m++)
            if (is_collective(d, m)) {
                carry = NULL;
                break;
            } else if (an_is_entity(&d->ment[m]) && (item || !is_source(&d->ment[m]))) {
                carry = d->ment[m].canonical;
                break;
            }
    }
    return 0;
}

const char *rt_subject_at(rt_runtime *rt, size_t si, size_t pos)
{
    an_doc *d = &rt->an;
    const an_sentence *s = &d->sent[si];
    const char *before = NULL, *after = NULL;
    bool found = false;
    for (size_t m = an_first_mention(d, s->start); m < d->nment && d->ment[m].start < s->end; m++) {
        const an_mention *x = &d->ment[m];
        bool collective = is_collective(d, m);
        if (!collective && !an_is_entity(x))
            continue;
        if (x->end <= pos) { /* 上半年A股公司累计实现营收…: no one company's */
            before = collective ? NULL : x->canonical;
            found = true;
        } else if (!after && !collective) {
            after = x->canonical;
        }
    }
    if (found)
        return before;
    return rt->subject_in[si] ? rt->subject_in[si] : after;
}

static bool has_period(const num_quantity *q)
{
    return (q->kind == NUM_PERIOD || q->kind == NUM_DATE) && q->period[0] &&
           !(q->flags & NUM_F_ASOF);
}

/* The last period of sentence k, or NULL; -1 if its quantities cannot be read. */
static int last_period(an_doc *d, size_t k, const char **period)
{
    if (an_quantities(d, k))
        return -1;
    *period = NULL;
    for (size_t q = d->sent[k].q0; q < d->sent[k].q1; q++)
        if (has_period(&d->qty[q]))
            *period = d->qty[q].period;
    return 0;
}

/* Nearest period before pos in the sentence, else the first after it, else
 * the last one of an earlier sentence of the same paragraph. */
int rt_period_at(rt_runtime *rt, size_t si, size_t pos, const char **period)
{
    an_doc *d = &rt->an;
    const an_sentence *s = &d->sent[si];
    const char *before = NULL, *after = NULL;
    if (an_quantities(d, si))
        return -1;
    for (size_t q = s->q0; q < s->q1; q++) {
        if (!has_period(&d->qty[q]))
            continue;
        if (d->qty[q].start < pos)
            before = d->qty[q].period;
        else if (!after)
            after = d->qty[q].period;
    }
    *period = before ? before : after;
    for (size_t k = si; !*period && k-- > 0 && d->sent[k].para == s->para;)
        if (last_period(d, k, period))
            return -1;
    return 0;
}

/* ---- calling rules ---------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void call_rule(rt_runtime *rt, size_t r, int fn_ref, bool doc_arg, size_t sentence)
{
    sb_error e;
    double t0 = rt->opt.profile ? now() : 0;
    lua_Integer facts_before = rt->nfacts;
    rt->current_rule = r;
    lua_rawgeti(rt->L, LUA_REGISTRYINDEX, fn_ref);
    if (doc_arg)
        rt_api_push_doc(rt);
    else
        rt_api_push_sentence(rt, sentence);
    if (sb_call(rt->sb, 1, 0, &e)) {
        rt_report(rt, rt->doc->id, "rule '%s': %s", rt->rules[r].name, e.msg);
        rt->errors++;
    }
    if (rt->opt.profile) {
        rt->rules[r].calls++;
        rt->rules[r].seconds += now() - t0;
        rt->rules[r].idle += rt->nfacts == facts_before;
    }
}

static int ref_for(const rt_rule *r, rt_phase phase)
{
    return phase == RT_PHASE_MENTIONS ? r->mentions_ref
         : phase == RT_PHASE_SENTENCE ? r->sentence_ref : r->document_ref;
}

/* Every kind: a sentence whose quantities cannot be read (out of memory)
 * wakes its rules, and their own reads report the error. */
#define ALL_KINDS ((1u << (NUM_IDENT + 1)) - 1)

/* The kinds of quantity sentence i holds, one bit per num_kind. */
static unsigned sentence_kinds(an_doc *d, size_t i)
{
    if (an_quantities(d, i))
        return ALL_KINDS;
    unsigned kinds = 0;
    for (size_t q = d->sent[i].q0; q < d->sent[i].q1; q++)
        kinds |= 1u << d->qty[q].kind;
    return kinds;
}

/* Does sentence i hold a quantity the rule needs (rule{needs}), if it
 * needs any?  *kinds is the sentence's, or UINT_MAX until asked for. */
static bool has_needs(const rt_rule *rule, an_doc *d, size_t i, unsigned *kinds)
{
    if (!rule->needs)
        return true;
    if (*kinds == UINT_MAX)
        *kinds = sentence_kinds(d, i);
    return (rule->needs & *kinds) != 0;
}

/* Each sentence, each active rule of this phase woken by a hit in it (and
 * holding what the rule needs).  The first hit of each woken rule is noted
 * for s:hits(). */
static void sentence_phase(rt_runtime *rt, rt_phase phase, bool *woken)
{
    an_doc *d = &rt->an;
    rt->phase = phase;
    bool note = rt->hits_linked;
    for (size_t i = 0; i < d->nsent; i++) {
        memset(woken, 0, rt->nrules * sizeof *woken);
        bool any = false;
        unsigned kinds = UINT_MAX;
        for (size_t h = an_first_hit(d, d->sent[i].start); h < d->nhits && d->hits[h].start < d->sent[i].end; h++) {
            int32_t r = rt->patterns[d->hits[h].id].rule;
            if (r >= 0 && !woken[r] && rt->rules[r].active && ref_for(&rt->rules[r], phase) != LUA_NOREF &&
                has_needs(&rt->rules[r], d, i, &kinds)) {
                any = woken[r] = true;
                if (note)
                    d->group_first[r] = h;
            }
        }
        rt->hit_sentence = note ? i : SIZE_MAX;
        for (size_t r = 0; any && r < rt->nrules; r++)
            if (woken[r])
                call_rule(rt, r, ref_for(&rt->rules[r], phase), false, i);
    }
    rt->hit_sentence = SIZE_MAX;
}

static void document_phase(rt_runtime *rt)
{
    rt->phase = RT_PHASE_DOCUMENT;
    for (size_t r = 0; r < rt->nrules; r++)
        if (rt->rules[r].active && rt->rules[r].document_ref != LUA_NOREF)
            call_rule(rt, r, rt->rules[r].document_ref, true, 0);
}

/* Each hit of an active pack's lexicon entry is a mention, marked with
 * its pattern id so the API makes the entry's Lua strings once per run. */
static int lexicon_mentions(rt_runtime *rt)
{
    an_doc *d = &rt->an;
    for (size_t h = 0; h < d->nhits; h++) {
        const rt_pattern *p = &rt->patterns[d->hits[h].id];
        if (p->rule >= 0 || !rt->packs[p->pack].active)
            continue;
        if (an_add_mention(d, d->hits[h].start, d->hits[h].end, p->entry->canonical,
                           p->entry->type, p->entry->extra, false, d->hits[h].id + 1))
            return -1;
    }
    return 0;
}

/* The fact on top of the stack to fn.  Its extra fields fit on the stack
 * unless a rule added many to it after emit; then they go on the heap. */
static void output_fact(rt_runtime *rt, rt_fact_fn fn, void *ud)
{
    int t = lua_gettop(rt->L);
    fact f;
    fact_field extra[64], *more = NULL;
    int rc = rt_api_fact_to_c(rt, t, &f, extra, sizeof extra / sizeof *extra);
    if (rc == 1 && (more = malloc(f.nextra * sizeof *more)) != NULL)
        rc = rt_api_fact_to_c(rt, t, &f, more, f.nextra);
    if (rc == 0)
        fn(ud, &f);
    else if (rc > 0) {
        rt_report(rt, rt->doc->id, "out of memory");
        rt->errors++;
    }
    free(more);
}

static void output(rt_runtime *rt, rt_fact_fn fn, void *ud)
{
    lua_State *L = rt->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->facts_ref);
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, -1, i);
        output_fact(rt, fn, ud);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void end_document_state(rt_runtime *rt)
{
    rt_api_end_document(rt);
    rt->doc = NULL;
    rt->ctx = NULL;
    /* ctx lived on rt_run's stack: no quantity may be read against it
     * once the document is done (an_quantities reads lazily). */
    rt->an.ctx = NULL;
    /* Per-document tables are garbage now.  The generational collector
     * (set in rt_load) reclaims such young garbage cheaply; a full
     * collection per document would cost more than most documents. */
}

/* Read text as the document's, with fresh per-document caches. */
static int annotate(rt_runtime *rt, const char *text)
{
    if (an_build(&rt->an, text, rt->doc->len, rt->doc->orig, rt->ctx,
                 rt->npatterns ? rt->ac : NULL))
        return -1;
    rt->annotated = true;
    rt_api_new_caches(rt);
    return 0;
}

int rt_annotate(rt_runtime *rt)
{
    return rt->annotated ? 0 : annotate(rt, rt->an.text);
}

/* Every Lua call of one document: detect, clean, the three phases.
 * Returns 0 when the facts are ready for output. */
static int run_rules(rt_runtime *rt, bool *woken)
{
    choose_packs(rt);
    char *cleaned = rt_clean_text(rt);
    /* A publication pack's clean() blanked furniture out of the text: the
     * rules read the document as cleaned.  Mentions come after the packs
     * are chosen: only the lexicons of the packs that apply to this
     * document name its entities. */
    int r = (cleaned ? annotate(rt, cleaned) : rt_annotate(rt)) || lexicon_mentions(rt) ? -1 : 0;
    if (r == 0) {
        an_settle_mentions(&rt->an);
        sentence_phase(rt, RT_PHASE_MENTIONS, woken);
        an_settle_mentions(&rt->an);
        rt_api_mentions_settled(rt);
        r = carry_subjects(rt);
    }
    if (r == 0) {
        sentence_phase(rt, RT_PHASE_SENTENCE, woken);
        document_phase(rt);
    } else {
        rt_report(rt, rt->doc->id, "out of memory");
        rt->errors++;
    }
    free(cleaned);
    return r;
}

size_t rt_run(rt_runtime *rt, const rt_doc *doc, rt_fact_fn fn, void *ud)
{
    num_ctx ctx = {doc->date_value};
    rt->doc = doc;
    rt->ctx = &ctx;
    rt->errors = 0;
    bool *woken = calloc(rt->nrules ? rt->nrules : 1, sizeof *woken);
    if (!woken) {
        rt_report(rt, doc->id, "out of memory");
        return 1;
    }
    an_begin(&rt->an, doc->text, doc->len, doc->orig);
    rt->annotated = false;
    rt_api_begin_document(rt);
    /* One CPU ticker for all the calls (sandbox.h); output, which may
     * write to a database, runs after it stops. */
    sb_batch_begin(rt->sb);
    int r = run_rules(rt, woken);
    sb_batch_end(rt->sb);
    if (r == 0)
        output(rt, fn, ud);
    end_document_state(rt);
    free(woken);
    return rt->errors;
}
