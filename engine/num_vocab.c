/*
 * num_vocab.c — the word lists of the quantity scanner: units, scales,
 * qualifiers, range separators and bases after a figure; currencies,
 * qualifiers, change verbs and bases before it.  num_words.c matches them
 * against the text.
 *
 * Each list is grouped by the character that touches the figure — a
 * unit's first character, a qualifier's or verb's last — and a switch
 * picks the group.  A lookup then compares a handful of words instead of
 * a hundred, which is what keeps a scan of news text fast: every figure
 * asks these lists several times.  ASCII keys are lower case; English
 * words match in any case.
 *
 * Adding a word: put it in the group of its touching character (create
 * the case if needed).  Longest match wins inside a group, so 个 and
 * 个百分点 may share one.
 */
#include "num_int.h"

#include <uchar.h>

#define N(t) (sizeof(t) / sizeof((t)[0]))
#define G(...)                                              \
    {                                                       \
        static const num_word g_[] = {__VA_ARGS__};         \
        return (num_group){g_, N(g_)};                      \
    }

#define ZH(s, a, p, f, c, v) {s, sizeof(s) - 1, false, a, p, f, c, v}
#define EN(s, a, p, f, c, v) {s, sizeof(s) - 1, true, a, p, f, c, v}

/* ---- units ------------------------------------------------------------ */

#define MONEY(s, c) ZH(s, NUM_U_MONEY, 0, 0, c, NULL)
#define MONEY_EN(s, c) EN(s, NUM_U_MONEY, 0, 0, c, NULL)
#define PCT(s, u, p) ZH(s, NUM_U_PERCENT, p, 0, u, NULL)
#define PCT_EN(s, u, p) EN(s, NUM_U_PERCENT, p, 0, u, NULL)
#define COUNT(s) ZH(s, NUM_U_COUNT, 0, 0, s, NULL)
#define COUNT_AS(s, u) ZH(s, NUM_U_COUNT, 0, 0, u, NULL)
#define COUNT_EN(s, u) EN(s, NUM_U_COUNT, 0, 0, u, NULL)
#define COUNT_VETO(s, v) ZH(s, NUM_U_COUNT, 0, 0, s, v)

num_group num_units_from(uint32_t first)
{
    switch (first) {
    /* money: the currency's ISO 4217 code; 元 alone yields to a currency
     * stated before the figure (港币5亿元 is HKD) */
    case u'元': G(ZH("元", NUM_U_MONEY, 0, NUM_W_GENERIC, "CNY", "素旦宇件器老首帅"),
                  MONEY("元人民币", "CNY"), MONEY("元港币", "HKD"), MONEY("元新台币", "TWD"),
                  MONEY("元台币", "TWD"))
    case u'人': G(MONEY("人民币", "CNY"), COUNT("人次"), COUNT_VETO("人", "民"))
    case u'块': G(MONEY("块钱", "CNY"))
    case u'港': G(MONEY("港元", "HKD"), MONEY("港币", "HKD"))
    case u'美': G(MONEY("美元", "USD"), MONEY("美金", "USD"))
    case u'欧': G(MONEY("欧元", "EUR"))
    case u'日': G(MONEY("日元", "JPY"), MONEY("日圆", "JPY"))
    case u'英': G(MONEY("英镑", "GBP"))
    case u'韩': G(MONEY("韩元", "KRW"))
    case u'澳': G(MONEY("澳元", "AUD"), MONEY("澳门元", "MOP"))
    case u'加': G(MONEY("加元", "CAD"))
    case u'新': G(MONEY("新台币", "TWD"), MONEY("新加坡元", "SGD"),
                  ZH("新元", NUM_U_MONEY, 0, 0, "SGD", "素"))
    case u'台': G(MONEY("台币", "TWD"), COUNT("台"))
    case u'瑞': G(MONEY("瑞郎", "CHF"), MONEY("瑞士法郎", "CHF"))
    case u'卢': G(MONEY("卢布", "RUB"), MONEY("卢比", "INR"))
    case u'泰': G(MONEY("泰铢", "THB"))
    case 'y': G(MONEY_EN("yuan", "CNY"), MONEY_EN("yen", "JPY"))
    case 'r': G(MONEY_EN("renminbi", "CNY"), MONEY_EN("RMB", "CNY"))
    case 'c': G(MONEY_EN("CNY", "CNY"))
    case 'h': G(MONEY_EN("HKD", "HKD"), MONEY_EN("Hong Kong dollars", "HKD"),
                MONEY_EN("HK dollars", "HKD"))
    case 'u': G(MONEY_EN("USD", "USD"), MONEY_EN("US dollars", "USD"),
                MONEY_EN("U.S. dollars", "USD"))
    case 'e': G(MONEY_EN("EUR", "EUR"), MONEY_EN("euros", "EUR"),
                MONEY_EN("euro", "EUR"))
    case 'j': G(MONEY_EN("JPY", "JPY"))
    case 'd': G(MONEY_EN("dollars", "USD"))
    /* percentages: the figure stays a percent; basis points become pp */
    case '%': G(PCT("%", "%", 0))
    case u'‰': G(PCT("‰", "‰", 0))
    case u'百': G(PCT("百分点", "pp", 0))
    case u'基': G(PCT("基点", "pp", -2))
    case 'p': G(PCT_EN("percent", "%", 0), PCT_EN("per cent", "%", 0),
                PCT_EN("pct", "%", 0), PCT_EN("percentage points", "pp", 0),
                PCT_EN("percentage point", "pp", 0), COUNT_EN("people", "人"))
    case 'b': G(PCT_EN("basis points", "pp", -2), PCT_EN("basis point", "pp", -2),
                PCT_EN("bps", "pp", -2), PCT_EN("bp", "pp", -2))
    /* 成 is tenths; the words it starts are not (3成交, 50成分股), but
     * 两成为 is "two tenths are", so 为 stays out of the list */
    case u'成': G(ZH("成", NUM_U_CHENG, 1, 0, "%",
                     "交本立功长果员都熟品绩型就分效色材像年人份败"))
    case u'倍': G(ZH("倍", NUM_U_TIMES, 0, 0, "倍", NULL))
    /* counters with longer words or vetoes; plain ones are in counters[] */
    case u'个': G(PCT("个百分点", "pp", 0), PCT("个基点", "pp", -2), COUNT("个"),
                  COUNT("个月"), COUNT("个小时"), COUNT("个季度"),
                  COUNT("个交易日"), COUNT("个工作日"),
                  ZH("个多月", NUM_U_COUNT, 0, NUM_W_GT, "个月", NULL),
                  ZH("个多小时", NUM_U_COUNT, 0, NUM_W_GT, "个小时", NULL))
    case u'股': G(COUNT_VETO("股", "东权"))
    case u'部': G(COUNT("部门"), COUNT_VETO("部", "分"))
    case u'项': G(COUNT_VETO("项", "目"))
    case u'单': G(COUNT_VETO("单", "位"))
    case u'平': G(COUNT("平方米"), COUNT("平米"))
    case u'公': G(COUNT("公里"))
    case u'千': G(COUNT("千瓦时"), COUNT("千瓦"))
    case u'兆': G(COUNT("兆瓦"))
    case u'吉': G(COUNT("吉瓦"))
    case u'小': G(COUNT("小时"))
    case u'分': G(COUNT("分钟"))
    case u'交': G(COUNT("交易日"))
    case u'工': G(COUNT("工作日"))
    case 's': G(COUNT_EN("shares", "股"))
    case 'g': G(MONEY_EN("GBP", "GBP"), COUNT_EN("GWh", "GWh"), COUNT_EN("GW", "GW"))
    case 'm': G(COUNT_EN("MWh", "MWh"), COUNT_EN("MW", "MW"))
    case 'k': G(COUNT_EN("kWh", "kWh"))
    default: return (num_group){NULL, 0};
    }
}

/* Counters that are one character, start no longer unit and need no veto:
 * the unit is the character itself. */
const char *num_counter_char(uint32_t cp)
{
    switch (cp) {
    case u'手': return "手"; case u'家': return "家"; case u'辆': return "辆";
    case u'名': return "名"; case u'款': return "款"; case u'次': return "次";
    case u'位': return "位"; case u'件': return "件"; case u'只': return "只";
    case u'户': return "户"; case u'套': return "套"; case u'间': return "间";
    case u'座': return "座"; case u'条': return "条"; case u'张': return "张";
    case u'份': return "份"; case u'笔': return "笔"; case u'批': return "批";
    case u'架': return "架"; case u'艘': return "艘"; case u'枚': return "枚";
    case u'颗': return "颗"; case u'支': return "支"; case u'所': return "所";
    case u'种': return "种"; case u'类': return "类"; case u'篇': return "篇";
    case u'轮': return "轮"; case u'例': return "例"; case u'岁': return "岁";
    case u'吨': return "吨"; case u'亩': return "亩"; case u'天': return "天";
    default: return NULL;
    }
}

/* ---- qualifiers before a figure --------------------------------------- */

#define QZ(s, q) ZH(s, q, 0, 0, NULL, NULL)
#define QE(s, q) EN(s, q, 0, 0, NULL, NULL)

num_group num_quals_to(uint32_t last)
{
    switch (last) {
    /* 约 after 违 签 合… is part of 违约 (default), 签约 (sign) … */
    case u'约': G(ZH("约", NUM_Q_APPROX, 0, 0, NULL,
                     "违签合履预节制公条契缔解特邀相失践新毁誓"),
                  QZ("大约", NUM_Q_APPROX))
    /* 最近, 附近: "recent", "nearby" */
    case u'近': G(ZH("近", NUM_Q_APPROX, 0, NUM_W_NEAR, NULL, "最附靠亲临贴逼就"),
                  QZ("将近", NUM_Q_APPROX), QZ("接近", NUM_Q_APPROX),
                  QZ("几近", NUM_Q_APPROX))
    case u'合': G(QZ("约合", NUM_Q_APPROX))
    case u'为': G(QZ("约为", NUM_Q_APPROX))
    case u'占': G(QZ("约占", NUM_Q_APPROX))
    case u'概': G(QZ("大概", NUM_Q_APPROX))
    case u'多': G(QZ("差不多", NUM_Q_APPROX), QZ("至多", NUM_Q_LE), QZ("最多", NUM_Q_LE))
    case u'超': G(ZH("超", NUM_Q_GT, 0, 0, NULL, "高赶"))
    case u'过': G(QZ("超过", NUM_Q_GT), QZ("不超过", NUM_Q_LE))
    case u'逾': G(QZ("逾", NUM_Q_GT))
    case u'出': G(QZ("超出", NUM_Q_GT))
    case u'于': G(QZ("多于", NUM_Q_GT), QZ("高于", NUM_Q_GT), QZ("大于", NUM_Q_GT),
                  QZ("不少于", NUM_Q_GE), QZ("不低于", NUM_Q_GE),
                  QZ("低于", NUM_Q_LT), QZ("少于", NUM_Q_LT), QZ("小于", NUM_Q_LT),
                  QZ("不高于", NUM_Q_LE), QZ("不多于", NUM_Q_LE))
    case u'少': G(QZ("至少", NUM_Q_GE), QZ("最少", NUM_Q_GE))
    case u'码': G(QZ("起码", NUM_Q_GE))
    case u'足': G(QZ("不足", NUM_Q_LT))
    case u'到': G(QZ("不到", NUM_Q_LT))
    case u'满': G(QZ("未满", NUM_Q_LT))
    case u'高': G(QZ("最高", NUM_Q_LE))
    case 't': G(QE("about", NUM_Q_APPROX), QE("almost", NUM_Q_APPROX),
                QE("at least", NUM_Q_GE), QE("at most", NUM_Q_LE))
    case 'd': G(QE("around", NUM_Q_APPROX))
    case 'y': G(QE("nearly", NUM_Q_APPROX), QE("approximately", NUM_Q_APPROX),
                QE("roughly", NUM_Q_APPROX))
    case 'o': G(QE("close to", NUM_Q_APPROX), QE("up to", NUM_Q_LE))
    case 'n': G(QE("more than", NUM_Q_GT), QE("greater than", NUM_Q_GT),
                QE("no less than", NUM_Q_GE), QE("no fewer than", NUM_Q_GE),
                QE("less than", NUM_Q_LT), QE("fewer than", NUM_Q_LT),
                QE("no more than", NUM_Q_LE), QE("not more than", NUM_Q_LE))
    case 'r': G(QE("over", NUM_Q_GT), QE("under", NUM_Q_LT))
    case 'e': G(QE("above", NUM_Q_GT))
    case 'f': G(QE("in excess of", NUM_Q_GT), QE("upwards of", NUM_Q_GT))
    case 'w': G(QE("below", NUM_Q_LT))
    default: return (num_group){NULL, 0};
    }
}

/* ---- change verbs ------------------------------------------------------- */

/* The verb must touch the figure (with at most 了/达/by and a qualifier
 * between): 增长至 is "grew to", a level, and never matches. */
#define UP(s) ZH(s, NUM_CHANGE_UP, 0, 0, NULL, NULL)
#define DOWN(s) ZH(s, NUM_CHANGE_DOWN, 0, 0, NULL, NULL)
#define UP_EN(s) EN(s, NUM_CHANGE_UP, 0, 0, NULL, NULL)
#define DOWN_EN(s) EN(s, NUM_CHANGE_DOWN, 0, 0, NULL, NULL)

num_group num_verbs_to(uint32_t last)
{
    switch (last) {
    case u'长': G(UP("增长"))
    case u'加': G(UP("增加"))
    case u'升': G(UP("上升"), UP("提升"), UP("攀升"), UP("回升"), UP("飙升"),
                  UP("跃升"), UP("升"))
    case u'涨': G(UP("上涨"), UP("大涨"), UP("暴涨"), UP("涨"))
    case u'高': G(UP("提高"))
    case u'大': G(UP("扩大"))
    case u'扬': G(UP("上扬"))
    case u'增': G(UP("大增"), UP("激增"), UP("猛增"), UP("劲增"), UP("新增"), UP("增"))
    case u'速': G(UP("增速"))
    case u'率': G(UP("增长率"))
    case u'为': G(UP("增幅为"), UP("涨幅为"), UP("增速为"), UP("增长率为"),
                  DOWN("降幅为"), DOWN("跌幅为"))
    case u'达': G(UP("增幅达"), UP("涨幅达"), UP("增速达"), UP("增长率达"),
                  DOWN("降幅达"), DOWN("跌幅达"))
    case u'幅': G(UP("增幅"), UP("涨幅"), UP("升幅"), DOWN("降幅"), DOWN("跌幅"),
                  DOWN("减幅"))
    case u'息': G(DOWN("降息"), UP("加息"))
    case u'降': G(DOWN("下降"), DOWN("大降"), DOWN("降"))
    case u'少': G(DOWN("减少"))
    case u'滑': G(DOWN("下滑"))
    case u'跌': G(DOWN("下跌"), DOWN("大跌"), DOWN("暴跌"), DOWN("跌"))
    case u'低': G(DOWN("降低"), DOWN("走低"))
    case u'落': G(DOWN("回落"))
    case u'减': G(DOWN("缩减"), DOWN("锐减"), DOWN("减"))
    case u'水': G(DOWN("缩水"))
    case u'窄': G(DOWN("收窄"))
    case u'缩': G(DOWN("萎缩"))
    case u'挫': G(DOWN("下挫"))
    case 'e': G(UP_EN("rose"), UP_EN("rise"), UP_EN("increase"),
                DOWN_EN("decline"), DOWN_EN("decrease"))
    case 's': G(UP_EN("rises"), UP_EN("increases"), UP_EN("grows"), UP_EN("gains"),
                UP_EN("jumps"), UP_EN("climbs"), UP_EN("surges"),
                DOWN_EN("falls"), DOWN_EN("drops"), DOWN_EN("declines"),
                DOWN_EN("decreases"))
    case 'n': G(UP_EN("risen"), UP_EN("gain"), DOWN_EN("fallen"), DOWN_EN("down"))
    case 'g': G(UP_EN("rising"), DOWN_EN("falling"))
    case 'd': G(UP_EN("increased"), UP_EN("gained"), UP_EN("jumped"),
                UP_EN("climbed"), UP_EN("surged"), UP_EN("soared"),
                UP_EN("advanced"), DOWN_EN("dropped"), DOWN_EN("declined"),
                DOWN_EN("decreased"), DOWN_EN("slipped"), DOWN_EN("slid"),
                DOWN_EN("slumped"), DOWN_EN("plunged"), DOWN_EN("tumbled"),
                DOWN_EN("contracted"), UP_EN("improved"), UP_EN("widened"),
                UP_EN("expanded"), DOWN_EN("narrowed"))
    case 'w': G(UP_EN("grew"), UP_EN("grow"))
    case 'f': G(UP_EN("growth of"))
    case 'p': G(UP_EN("up"), DOWN_EN("drop"))
    case 'l': G(DOWN_EN("fell"), DOWN_EN("fall"))
    case 'k': G(DOWN_EN("shrank"))
    default: return (num_group){NULL, 0};
    }
}

/* ---- currencies before a figure ----------------------------------------- */

#define CUR(s, c) ZH(s, 0, 0, 0, c, NULL)
#define CUR_EN(s, c) EN(s, 0, 0, 0, c, NULL)

num_group num_currencies_to(uint32_t last)
{
    switch (last) {
    /* a lone $ after a letter belongs to a code we do not know (R$) */
    case '$': G(ZH("$", 0, 0, 0, "USD",
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
                CUR_EN("US$", "USD"), CUR_EN("HK$", "HKD"), CUR_EN("S$", "SGD"),
                CUR_EN("A$", "AUD"), CUR_EN("C$", "CAD"), CUR_EN("NT$", "TWD"))
    case u'¥': G(ZH("¥", 0, 0, NUM_W_YEN, NULL, NULL))
    case u'￥': G(ZH("￥", 0, 0, NUM_W_YEN, NULL, NULL))
    case u'€': G(CUR("€", "EUR"))
    case u'£': G(CUR("£", "GBP"))
    case 'b': G(CUR_EN("RMB", "CNY"))
    case 'y': G(CUR_EN("CNY", "CNY"), CUR_EN("JPY", "JPY"))
    case 'd': G(CUR_EN("USD", "USD"), CUR_EN("HKD", "HKD"))
    case 'r': G(CUR_EN("EUR", "EUR"))
    case 'p': G(CUR_EN("GBP", "GBP"))
    case u'币': G(CUR("人民币", "CNY"), CUR("港币", "HKD"), CUR("新台币", "TWD"), CUR("台币", "TWD"))
    case u'元': G(CUR("港元", "HKD"), CUR("美元", "USD"), CUR("欧元", "EUR"),
                  CUR("日元", "JPY"))
    default: return (num_group){NULL, 0};
    }
}

bool num_currency_sign(uint32_t cp)
{
    return cp == '$' || cp == u'¥' || cp == u'￥' || cp == u'€' || cp == u'£';
}

/* ---- what may end right before a figure --------------------------------- */

/* Whether key k may end any word num_prefix_words looks for: the last
 * characters of num_currencies_to, num_quals_to and num_verbs_to, the
 * signs, 有, and the fillers 了 达 by.  It spares most characters before a
 * figure (的, 。, 收入) the three lookups; test_num's test_prefix_key checks
 * that it covers the lists — add a new last character here too. */
bool num_prefix_key(uint32_t k)
{
    switch (k) {
    /* signs, 有 (约有), fillers */
    case '-': case '+': case u'−': case u'有': case u'了': case u'达':
    /* currency words (the signs: below) */
    case u'币': case u'元':
    /* qualifiers */
    case u'约': case u'近': case u'合': case u'为': case u'占': case u'概':
    case u'多': case u'超': case u'过': case u'逾': case u'出': case u'于':
    case u'少': case u'码': case u'足': case u'到': case u'满': case u'高':
    /* verbs */
    case u'长': case u'加': case u'升': case u'涨': case u'大': case u'扬':
    case u'增': case u'速': case u'率': case u'幅': case u'息': case u'降':
    case u'滑': case u'跌': case u'低': case u'落': case u'减': case u'水':
    case u'窄': case u'缩': case u'挫':
    /* English, lower case: every letter that ends a word of the lists */
    case 'b': case 'd': case 'e': case 'f': case 'g': case 'k': case 'l':
    case 'n': case 'o': case 'p': case 'r': case 's': case 't': case 'w':
    case 'y':
        return true;
    default:
        return num_currency_sign(k);
    }
}

/* ---- after the unit: qualifiers, scales, range separators -------------- */

num_group num_quals_from(uint32_t first)
{
    switch (first) {
    case u'左': G(QZ("左右", NUM_Q_APPROX))
    case u'上': G(ZH("上下", NUM_Q_APPROX, 0, 0, NULL, "游班级文")) /* 上下游 */
    case u'以': G(QZ("以上", NUM_Q_GT), QZ("以下", NUM_Q_LT), QZ("以内", NUM_Q_LE))
    case u'之': G(QZ("之内", NUM_Q_LE))
    case u'有': G(QZ("有余", NUM_Q_GT))
    case u'出': G(QZ("出头", NUM_Q_GT))
    case u'开': G(QZ("开外", NUM_Q_GT))
    case u'多': G(ZH("多", NUM_Q_GT, 0, 0, NULL, "少数种样元"))
    case u'余': G(ZH("余", NUM_Q_GT, 0, 0, NULL, "额"))  /* 余额: a balance */
    case 'o': G(QE("or more", NUM_Q_GE), QE("or so", NUM_Q_APPROX),
                QE("or less", NUM_Q_LE))
    case 'a': G(QE("and above", NUM_Q_GE))
    default: return (num_group){NULL, 0};
    }
}

#define SCALE(s, p) EN(s, p, 0, 0, NULL, NULL)

num_group num_scales_from(uint32_t first)
{
    switch (first) {
    case 't': G(SCALE("thousand", 3), SCALE("trillion", 12), SCALE("tn", 12),
                SCALE("trn", 12))
    case 'm': G(SCALE("million", 6), SCALE("mn", 6), SCALE("mln", 6))
    case 'b': G(SCALE("billion", 9), SCALE("bn", 9), SCALE("bln", 9))
    default: return (num_group){NULL, 0};
    }
}

/* a = 1: the separator also means "to a level" (至, 到, to);
 * a = 2: only after "between" (between 3 and 5) */
#define SEP(s, to) ZH(s, to, 0, 0, NULL, NULL)

num_group num_seps_from(uint32_t first)
{
    switch (first) {
    case u'至': G(SEP("至", 1))
    case u'到': G(SEP("到", 1))
    case '-': G(SEP("-", 0))
    case '~': G(SEP("~", 0))
    case u'–': G(SEP("–", 0))
    case u'—': G(SEP("—", 0))
    case u'〜': G(SEP("〜", 0))
    case 't': G(EN("to", 1, 0, 0, NULL, NULL))
    case 'a': G(EN("and", 2, 0, 0, NULL, NULL))
    default: return (num_group){NULL, 0};
    }
}

/* ---- bases: 同比 before the verb, "year on year" after the figure ---- */

#define YOY(s) ZH(s, NUM_BASIS_YOY, 0, 0, NULL, NULL)
#define QOQ(s) ZH(s, NUM_BASIS_QOQ, 0, 0, NULL, NULL)
#define YOY_EN(s) EN(s, NUM_BASIS_YOY, 0, 0, NULL, NULL)
#define QOQ_EN(s) EN(s, NUM_BASIS_QOQ, 0, 0, NULL, NULL)

num_group num_bases_to(uint32_t last)
{
    switch (last) {
    case u'比': G(YOY("同比"), QOQ("环比"), YOY("与上年同期相比"),
                  YOY("与去年同期相比"))
    case u'年': G(YOY("按年"), YOY("较上年"), YOY("较去年"), YOY("比上年"),
                  YOY("比去年"))
    case u'季': G(QOQ("按季"))
    case u'期': G(YOY("较上年同期"), YOY("较去年同期"), YOY("比上年同期"),
                  YOY("比去年同期"))
    case u'度': G(QOQ("较上季度"), QOQ("较上一季度"), QOQ("比上季度"))
    default: return (num_group){NULL, 0};
    }
}

num_group num_bases_from(uint32_t first)
{
    switch (first) {
    case 'y': G(YOY_EN("year on year"), YOY_EN("year-on-year"),
                YOY_EN("year over year"), YOY_EN("year-over-year"),
                YOY_EN("yoy"), YOY_EN("y/y"))
    case 'f': G(YOY_EN("from a year earlier"), YOY_EN("from a year ago"),
                YOY_EN("from the previous year"),
                QOQ_EN("from the previous quarter"), QOQ_EN("from the prior quarter"))
    case 'q': G(QOQ_EN("quarter on quarter"), QOQ_EN("quarter-on-quarter"),
                QOQ_EN("q/q"), QOQ_EN("qoq"))
    case 's': G(QOQ_EN("sequentially"))
    default: return (num_group){NULL, 0};
    }
}
