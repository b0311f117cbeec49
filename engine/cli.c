/*
 * cli.c — small helpers the commands share.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int cli_parse_date(const char *s, num_date *d)
{
    int y, m, day, n = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &day, &n) != 3 ||
        n != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    if (y < 1 || m < 1 || m > 12 || day < 1 || day > days_in_month(y, m))
        return -1;
    d->year = y;
    d->month = m;
    d->day = day;
    return 0;
}

void cli_doc_date(const cli_opts *o, const in_doc *d, num_date *date,
                  char shown[CLI_DATE_LEN])
{
    *date = o->date;
    shown[0] = '\0';
    if (date->year) {
        snprintf(shown, CLI_DATE_LEN, "%04u-%02u-%02u", (unsigned)date->year % 10000u,
                 (unsigned)date->month % 100u, (unsigned)date->day % 100u);
        return;
    }
    if (!d->date)
        return;
    if (cli_parse_date(d->date, date)) {
        fprintf(stderr, "engine: %s: ignoring \"date\" '%s': not a YYYY-MM-DD date\n",
                d->name, d->date);
        *date = (num_date){0, 0, 0};
        return;
    }
    snprintf(shown, CLI_DATE_LEN, "%s", d->date);
}

void cli_report(void *ud, const char *where, const char *msg)
{
    (void)ud;
    if (where)
        fprintf(stderr, "engine: %s: %s\n", where, msg);
    else
        fprintf(stderr, "engine: %s\n", msg);
}

void cli_rt_doc(const cli_opts *o, const in_doc *d, const doc_block *b,
                doc_reader *reader, rt_doc *doc, char date[CLI_DATE_LEN])
{
    *doc = (rt_doc){d->name, NULL, d->publication, {0, 0, 0}, b->text, b->len, b->orig, reader};
    cli_doc_date(o, d, &doc->date_value, date);
    doc->date = date[0] ? date : NULL;
}
