/*
 * test_segment.c — unit tests for engine/segment.c: text_segment on a table
 * of Chinese and English news-like lines, and text_safe_cut on a table of
 * cut positions.
 *
 * Each segment row gives an input and the sentences expected from it,
 * written "para:sentence" and joined by " | ".  Inputs go through
 * text_append first, as they do in the engine, so the expectations are in
 * normalised form: full-width ，！？；：（） appear as ASCII , ! ? ; : ( ).
 * Every sentence here was written for these tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

typedef struct {
    const char *name;
    const char *in;
    const char *want;
} seg_case;

static const seg_case seg_cases[] = {
    /* terminators */
    {"cjk_full_stop", "公司营收增长。利润有所下降。",
     "0:公司营收增长。 | 0:利润有所下降。"},
    {"cjk_bang_question", "这是真的吗？是的！股价大涨。",
     "0:这是真的吗? | 0:是的! | 0:股价大涨。"},
    {"cjk_semicolon", "收入增长两成；成本下降一成。",
     "0:收入增长两成; | 0:成本下降一成。"},
    {"ascii_bang_question", "Is growth back? Yes! Shares rallied.",
     "0:Is growth back? | 0:Yes! | 0:Shares rallied."},
    {"ascii_semicolon", "Sales rose; costs fell.",
     "0:Sales rose; | 0:costs fell."},
    {"terminator_run_once", "真的吗？！难以置信。",
     "0:真的吗?! | 0:难以置信。"},

    /* '.' */
    {"decimal_point", "营收为10.51亿元。净利润为0.8亿元。",
     "0:营收为10.51亿元。 | 0:净利润为0.8亿元。"},
    {"thousands_and_decimals", "Revenue was 1,234.56 million. Costs fell 3.5%.",
     "0:Revenue was 1,234.56 million. | 0:Costs fell 3.5%."},
    {"us_lowercase_next", "The U.S. economy grew. Hiring slowed.",
     "0:The U.S. economy grew. | 0:Hiring slowed."},
    {"us_capital_next", "Exports to the U.S. Treasury rose.",
     "0:Exports to the U.S. Treasury rose."},
    {"inc_lowercase_next", "Acme Inc. said orders rose. Its stock fell.",
     "0:Acme Inc. said orders rose. | 0:Its stock fell."},
    {"no_digit_next", "It is the No. 2 lender. Rivals lag.",
     "0:It is the No. 2 lender. | 0:Rivals lag."},
    {"title_abbreviation", "Mr. Wang resigned. Dr. Li takes over.",
     "0:Mr. Wang resigned. | 0:Dr. Li takes over."},
    {"initials", "J. K. Holdings raised its stake.",
     "0:J. K. Holdings raised its stake."},
    {"period_before_cjk", "Revenue rose.营收随之增长。",
     "0:Revenue rose. | 0:营收随之增长。"},
    {"company_before_cjk", "美国Acme Inc.宣布裁员。",
     "0:美国Acme Inc.宣布裁员。"},
    {"list_number", "1. Revenue grew quickly.", "0:1. Revenue grew quickly."},
    {"list_letter", "b. Costs fell. Margins rose.",
     "0:b. Costs fell. | 0:Margins rose."},
    {"url_and_query", "See example.com/?q=1 for data.",
     "0:See example.com/?q=1 for data."},
    {"comma_is_no_end", "Sales rose, costs fell, margins widened.",
     "0:Sales rose, costs fell, margins widened."},
    {"cjk_comma_is_no_end", "销售增长，成本下降，利润上升。",
     "0:销售增长,成本下降,利润上升。"},
    {"colon_is_no_end", "公司表示：订单充足。", "0:公司表示:订单充足。"},

    /* ellipses */
    {"ellipsis_mid_sentence", "电池、芯片……等业务均有增长。",
     "0:电池、芯片……等业务均有增长。"},
    {"ellipsis_end_of_para", "他停顿了一下……", "0:他停顿了一下……"},
    {"dots_then_capital", "Sales fell... Then they recovered.",
     "0:Sales fell... | 0:Then they recovered."},
    {"dots_then_lowercase", "Sales fell... then recovered.",
     "0:Sales fell... then recovered."},
    {"ellipsis_before_quote", "他说：“还有……”随后离场。",
     "0:他说:“还有……” | 0:随后离场。"},

    /* quotes */
    {"closing_quote_kept", "他说“这很好。”随后离开。",
     "0:他说“这很好。” | 0:随后离开。"},
    {"quote_spans_terminators", "她表示：“今年很难。明年会更好。”公司未回应。",
     "0:她表示:“今年很难。明年会更好。” | 0:公司未回应。"},
    {"corner_quote_spans", "他称「第一步完成。第二步开始。」市场反应平淡。",
     "0:他称「第一步完成。第二步开始。」 | 0:市场反应平淡。"},
    {"quote_then_comma", "“我们会继续投入。”，他补充道。",
     "0:“我们会继续投入。”,他补充道。"},
    {"nested_quotes", "他说：“她讲过『够了。』我同意。”会议结束。",
     "0:他说:“她讲过『够了。』我同意。” | 0:会议结束。"},
    {"unbalanced_quote_ignored", "他说“增长放缓。利润下降。",
     "0:他说“增长放缓。 | 0:利润下降。"},
    {"title_keeps_terminator", "电影《你好！》上映了。票房不错。",
     "0:电影《你好!》上映了。 | 0:票房不错。"},
    /* a line is read for its quotes only once it shows one, but always
     * from its start: a closing quote taken in with a terminator before
     * any opening one still leaves the line unbalanced */
    {"closer_before_opener", "完了。”他说“好。再见。”后来。",
     "0:完了。” | 0:他说“好。 | 0:再见。” | 0:后来。"},
    {"quote_after_blank_run", "        他说        “好。再见。”后来。",
     "0:他说        “好。再见。” | 0:后来。"},
    {"no_quote_then_quote_line", "好。再见。\n他说“好。再见。”后来。",
     "0:好。 | 0:再见。 | 1:他说“好。再见。” | 1:后来。"},
    {"ascii_quotes", "\"Demand was strong.\" Then prices rose.",
     "0:\"Demand was strong.\" | 0:Then prices rose."},
    {"question_in_quote_lowercase", "\"Really?\" he asked. Nobody replied.",
     "0:\"Really?\" he asked. | 0:Nobody replied."},
    {"bracket_after_terminator", "（注：数据未经审计。）下一句。",
     "0:(注:数据未经审计。) | 0:下一句。"},

    /* paragraphs, whitespace, empty sentences */
    {"heading_line", "半年报速览\n营收增长。利润下降。",
     "0:半年报速览 | 1:营收增长。 | 1:利润下降。"},
    {"blank_line_paragraphs", "第一段。\n\n\n第二段。",
     "0:第一段。 | 1:第二段。"},
    {"each_line_a_paragraph", "第一行\n第二行。第三句\n",
     "0:第一行 | 1:第二行。 | 1:第三句"},
    {"crlf_lines", "标题\r\n正文。\r\n", "0:标题 | 1:正文。"},
    {"spaces_trimmed", "　　开头缩进的段落。  后一句。   ",
     "0:开头缩进的段落。 | 0:后一句。"},
    {"punctuation_only_skipped", "好。 。\n——\n\n  \n结束。",
     "0:好。 | 1:结束。"},
    /* runs of spaces, as clean() leaves them, of every length around 8 */
    {"blanked_runs", "                   \n前。       后。         Next.  \n"
                     "                \n 末句。 ",
     "0:前。 | 0:后。 | 0:Next. | 1:末句。"},
    {"empty_text", "", ""},
};

/* ---- running a row ------------------------------------------------------- */

typedef struct {
    const char *text;
    char out[1024];
    size_t len;
    int stop_after;  /* stop after this many sentences (0 = never) */
    int count;
} joined;

static int join_sink(void *ud, size_t start, size_t end, size_t para)
{
    joined *j = ud;
    assert_true(start < end);
    int w = snprintf(j->out + j->len, sizeof j->out - j->len, "%s%zu:%.*s",
                     j->len ? " | " : "", para, (int)(end - start),
                     j->text + start);
    assert_true(w > 0 && (size_t)w < sizeof j->out - j->len);
    j->len += (size_t)w;
    j->count++;
    return j->stop_after && j->count == j->stop_after ? 7 : 0;
}

static void normalise(text_buf *tb, const char *in)
{
    text_error err;
    text_buf_init(tb);
    assert_int_equal(text_append(tb, in, strlen(in), TEXT_ENC_UTF8, true, &err),
                     (long)strlen(in));
}

static void run_seg_case(void **state)
{
    const seg_case *c = *state;
    text_buf tb;
    normalise(&tb, c->in);
    joined j = {.text = tb.buf};
    assert_int_equal(text_segment(tb.buf, tb.len, join_sink, &j), 0);
    if (strcmp(j.out, c->want) != 0)
        print_error("input: %s\n got: %s\nwant: %s\n", c->in, j.out, c->want);
    assert_string_equal(j.out, c->want);
    text_buf_free(&tb);
}

/* text_segment also reads text that was never normalised. */
static void test_unfolded_terminators(void **state)
{
    (void)state;
    const char *s = "增长！下降？持平；结束";
    joined j = {.text = s};
    assert_int_equal(text_segment(s, strlen(s), join_sink, &j), 0);
    assert_string_equal(j.out, "0:增长！ | 0:下降？ | 0:持平； | 0:结束");
}

static void test_sink_stops(void **state)
{
    (void)state;
    const char *s = "一。二。三。";
    joined j = {.text = s, .stop_after = 2};
    assert_int_equal(text_segment(s, strlen(s), join_sink, &j), 7);
    assert_string_equal(j.out, "0:一。 | 0:二。");
}

/* ---- text_safe_cut ------------------------------------------------------ */

/* before: the text the cut should leave in front of it (NULL: no cut). */
typedef struct {
    const char *name;
    const char *in;
    const char *before;
} cut_case;

static const cut_case cut_cases[] = {
    {"after_last_full_stop", "营收增长。利润下降。然后",
     "营收增长。利润下降。"},
    {"after_newline", "第一段。\n第二段没有结束", "第一段。\n"},
    {"newline_at_end", "完整的一行\n", "完整的一行\n"},
    {"not_between_stop_and_quote", "他说“这很好。”然后离开了公司",
     "他说“这很好。”"},
    {"stop_at_very_end_waits", "他说“这很好。", "他说“这很"},
    {"space_in_english", "revenue rose sharply", "revenue rose "},
    {"space_not_beside_amount", "rose to 5 billion", "rose "},
    {"no_cut_inside_amount_words", "raised 5 billion yuan", NULL},
    {"whole_amount_no_cut", "17.4亿元", NULL},
    {"digits_no_cut", "1234567890", NULL},
    {"one_word_no_cut", "abcdef", NULL},
    {"between_hanzi", "营业收入增长较快", "营业收入增长较"},
    {"not_inside_period", "2024年上半年营收", "2024年上半年营"},
    {"early_end_beats_late_char",
     "第一句。然后是一段很长很长很长很长的没有标点的文字", "第一句。"},
    {"late_space_beats_early_end",
     "Done! then a long run of words goes on here",
     "Done! then a long run of words goes on "},
    {"empty", "", NULL},
};

static void run_cut_case(void **state)
{
    const cut_case *c = *state;
    size_t want = c->before ? strlen(c->before) : 0;
    size_t got = text_safe_cut(c->in, strlen(c->in));
    if (got != want)
        print_error("input: %s\n cut before: %.*s\n", c->in, (int)got, c->in);
    assert_int_equal(got, want);
}

enum {
    N_SEG = sizeof seg_cases / sizeof seg_cases[0],
    N_CUT = sizeof cut_cases / sizeof cut_cases[0],
};

int main(void)
{
    struct CMUnitTest tests[N_SEG + N_CUT + 2];
    size_t k = 0;
    for (size_t i = 0; i < N_SEG; i++)
        tests[k++] = (struct CMUnitTest){seg_cases[i].name, run_seg_case, NULL,
                                         NULL, (void *)&seg_cases[i]};
    for (size_t i = 0; i < N_CUT; i++)
        tests[k++] = (struct CMUnitTest){cut_cases[i].name, run_cut_case, NULL,
                                         NULL, (void *)&cut_cases[i]};
    tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_unfolded_terminators);
    tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_sink_stops);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
