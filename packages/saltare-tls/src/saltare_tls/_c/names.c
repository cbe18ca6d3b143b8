/* saltare-tls: SNI host name matching (pure C, no OpenSSL). */
#include <string.h>

#include "tls.h"

static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static int equal_nocase(const char *a, const char *b, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) return 0;
    return 1;
}

/* "*.example.com" matches exactly one more label: "a.example.com", not
 * "example.com" nor "a.b.example.com" (RFC 6125 6.4.3, leftmost only). */
int saltare_tls_name_matches(const char *pattern, size_t pattern_len, const char *host,
                             size_t host_len) {
    if (pattern_len == 0 || host_len == 0) return 0;
    if (host[host_len - 1] == '.') host_len--; /* a fully qualified name */
    if (pattern_len >= 2 && pattern[0] == '*' && pattern[1] == '.') {
        size_t suffix_len = pattern_len - 1; /* ".example.com" */
        if (host_len <= suffix_len) return 0;
        size_t label_len = host_len - suffix_len;
        if (memchr(host, '.', label_len) != NULL) return 0;
        return equal_nocase(pattern + 1, host + label_len, suffix_len);
    }
    return pattern_len == host_len && equal_nocase(pattern, host, host_len);
}

static int pick_pass(const char *const *names, const size_t *names_len, size_t count,
                     const char *host, size_t host_len, int wildcards) {
    for (size_t i = 0; i < count; i++) {
        const char *p = names[i];
        size_t left = names_len[i];
        while (left > 0) {
            const char *end = memchr(p, '\0', left);
            size_t len = end ? (size_t)(end - p) : left;
            int is_wild = len >= 2 && p[0] == '*';
            if (is_wild == wildcards && saltare_tls_name_matches(p, len, host, host_len))
                return (int)i;
            size_t step = end ? len + 1 : len;
            p += step;
            left -= step;
        }
    }
    return -1;
}

int saltare_tls_pick(const char *const *names, const size_t *names_len, size_t count,
                     const char *host, size_t host_len) {
    int i = pick_pass(names, names_len, count, host, host_len, 0);
    return i >= 0 ? i : pick_pass(names, names_len, count, host, host_len, 1);
}
