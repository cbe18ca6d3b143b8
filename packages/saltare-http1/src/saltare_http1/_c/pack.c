#include "pack.h"

#include <string.h>

static size_t packed_length(const saltare_http1_head_t *head, const saltare_http1_header_t *headers)
{
    /* one separator after each part but the last */
    size_t n = (size_t)head->method_len + head->target_len + head->path_len + head->query_len + 3;
    for (uint32_t i = 0; i < head->num_headers; i++)
        n += (size_t)headers[i].name_len + headers[i].value_len + 2;
    return n;
}

static char *put(char *out, const char *src, uint32_t len, int last)
{
    memcpy(out, src, len);
    out += len;
    if (!last)
        *out++ = '\0';
    return out;
}

int64_t saltare_http1_pack_head(const char *buf, const saltare_http1_head_t *head,
                                const saltare_http1_header_t *headers, char *out,
                                size_t out_cap)
{
    size_t needed = packed_length(head, headers);
    if (needed > out_cap)
        return -(int64_t)needed;
    const uint32_t n = head->num_headers;
    char *p = out;
    p = put(p, buf + head->method_off, head->method_len, 0);
    p = put(p, buf + head->target_off, head->target_len, 0);
    p = put(p, buf + head->path_off, head->path_len, 0);
    p = put(p, buf + head->query_off, head->query_len, n == 0);
    for (uint32_t i = 0; i < n; i++) {
        p = put(p, buf + headers[i].name_off, headers[i].name_len, 0);
        p = put(p, buf + headers[i].value_off, headers[i].value_len, i + 1 == n);
    }
    return (int64_t)(p - out);
}

int saltare_http1_py_parse(saltare_http1_py_parser_t *p, char *buf, size_t len, size_t last_len)
{
    int rc = saltare_http1_parse_head(buf, len, last_len, &p->limits, &p->head, p->headers);
    if (rc > 0)
        p->packed_len = saltare_http1_pack_head(buf, &p->head, p->headers, p->packed, p->packed_cap);
    return rc;
}
