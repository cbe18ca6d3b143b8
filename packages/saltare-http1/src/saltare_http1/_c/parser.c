/* saltare-http1: parse_head, finding and checking one request head.
 *
 * The common case (a whole head in one read, last_len == 0) is a single
 * left-to-right pass: request line, field lines, then the semantic checks
 * on the stored fields. Field-line errors may only be reported once the
 * head is complete (RULES.md), so on the rare error path we look ahead for
 * the blank line before reporting.
 *
 * When a head arrives in pieces the caller passes last_len, and, as in
 * picohttpparser, only the new bytes (plus the three before them) are
 * searched for the blank line. Until it arrives only the request line is
 * checked, and not even that once its LF was seen by an earlier call.
 */
#include <limits.h>
#include <string.h>

#include "api.h"
#include "fields.h"
#include "head.h"

static int fail(saltare_http1_head_t *head, uint32_t error)
{
    head->error = error;
    return SALTARE_HTTP1_ERROR;
}

/* No end of head in the first `end` bytes: 431 once max_head_bytes bytes
 * have arrived without one (head_len would exceed the limit). */
static int not_yet(saltare_http1_head_t *head, int at_limit)
{
    if (at_limit)
        return fail(head, SALTARE_HTTP1_E_HEAD_TOO_LARGE);
    return SALTARE_HTTP1_INCOMPLETE;
}

static void fill_request_line(saltare_http1_head_t *head,
                              const sh1_request_line_t *rl)
{
    head->method_off = (uint32_t)rl->method_off;
    head->method_len = (uint32_t)rl->method_len;
    head->target_off = (uint32_t)rl->target_off;
    head->target_len = (uint32_t)rl->target_len;
    head->path_off = (uint32_t)rl->path_off;
    head->path_len = (uint32_t)rl->path_len;
    head->query_off = (uint32_t)rl->query_off;
    head->query_len = (uint32_t)rl->query_len;
    head->http_minor = rl->http_minor;
}

/* Parses the head in buf[0..end) from its first byte. `at_limit` says
 * that `end` is max_head_bytes rather than the end of the data. */
static int parse_from_start(char *buf, size_t end, int at_limit,
                            const saltare_http1_limits_t *limits,
                            saltare_http1_head_t *head,
                            saltare_http1_header_t *headers)
{
    sh1_request_line_t rl;
    size_t start = saltare_http1__skip_empty_lines(buf, end);
    int r = saltare_http1__parse_request_line(buf, start, end, limits, &rl);
    if (r == SH1_RL_ERROR)
        return fail(head, rl.error);
    if (r == SH1_RL_MORE)
        return not_yet(head, at_limit);

    sh1_fields_t f;
    r = saltare_http1__scan_fields(buf, rl.end, end, limits->max_headers,
                                   headers, &f);
    if (r == SH1_FIELDS_MORE)
        return not_yet(head, at_limit);
    if (r == SH1_FIELDS_ERROR) {
        /* The end of the head cannot start before the LF that ends the
         * line before the bad one: every earlier line ended in a plain CRLF
         * and none was empty. */
        if (saltare_http1__find_blank_line(buf, f.pos - 1, end) == 0)
            return not_yet(head, at_limit);
        return fail(head, f.error);
    }

    fill_request_line(head, &rl);
    head->num_headers = f.count;
    uint32_t e = saltare_http1__check_head(buf, rl.http_minor, headers,
                                           f.count, limits, head);
    if (e != SALTARE_HTTP1_E_OK)
        return fail(head, e);
    head->head_len = (uint32_t)f.pos;
    return (int)f.pos;
}

/* Whether an earlier call, which saw buf[start..seen), had the whole
 * request line: it then checked it, and it was valid or that call would
 * have failed. */
static int request_line_seen(const char *buf, size_t start, size_t seen)
{
    return seen > start && memchr(buf + start, '\n', seen - start) != NULL;
}

int saltare_http1_parse_head(char *buf, size_t len, size_t last_len,
                             const saltare_http1_limits_t *limits,
                             saltare_http1_head_t *head,
                             saltare_http1_header_t *headers)
{
    memset(head, 0, sizeof *head);
    /* The result is an int: a limit above INT_MAX is read as INT_MAX. */
    size_t limit = limits->max_head_bytes < (uint32_t)INT_MAX
                       ? limits->max_head_bytes
                       : (size_t)INT_MAX;
    size_t end = len < limit ? len : limit;
    int at_limit = len >= limit;
    if (last_len == 0 || last_len > len)
        return parse_from_start(buf, end, at_limit, limits, head, headers);

    size_t start = saltare_http1__skip_empty_lines(buf, end);
    size_t seen = last_len < end ? last_len : end;
    size_t from = seen >= start + 3 ? seen - 3 : start;
    size_t head_len = saltare_http1__find_blank_line(buf, from, end);
    if (head_len != 0)
        return parse_from_start(buf, head_len, 0, limits, head, headers);

    if (!request_line_seen(buf, start, seen)) {
        sh1_request_line_t rl;
        if (saltare_http1__parse_request_line(buf, start, end, limits, &rl) ==
            SH1_RL_ERROR)
            return fail(head, rl.error);
    }
    return not_yet(head, at_limit);
}
