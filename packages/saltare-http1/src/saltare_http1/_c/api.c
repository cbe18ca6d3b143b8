/* saltare-http1: the hand-over table for saltare-core (api.h). */
#include "api.h"

static const saltare_http1_api_t api_table = {
    .abi_version = SALTARE_HTTP1_ABI_VERSION,
    .parse_head = saltare_http1_parse_head,
    .chunked_init = saltare_http1_chunked_init,
    .decode_chunked = saltare_http1_decode_chunked,
    .parse_trailers = saltare_http1_parse_trailers,
    .error_status = saltare_http1_error_status,
    .error_reason = saltare_http1_error_reason,
};

const saltare_http1_api_t *saltare_http1_api(void)
{
    return &api_table;
}
