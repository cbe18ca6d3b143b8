/* saltare-http1: the one table of error statuses and reasons, indexed by
 * saltare_http1_error_t (part of the ABI). Its rows are those of
 * STATUS_AND_REASON in errors.py; tests/test_errors.py compares them. */
#include "api.h"

typedef struct {
    uint16_t status;
    const char *reason;
} error_info_t;

static const error_info_t error_table[SALTARE_HTTP1_E_COUNT] = {
    [SALTARE_HTTP1_E_OK] = {0, "no error"},
    [SALTARE_HTTP1_E_BAD_METHOD] = {400, "invalid method"},
    [SALTARE_HTTP1_E_BAD_TARGET] = {400, "invalid request target"},
    [SALTARE_HTTP1_E_TARGET_TOO_LONG] = {414, "request target too long"},
    [SALTARE_HTTP1_E_BAD_VERSION] = {400, "invalid HTTP version"},
    [SALTARE_HTTP1_E_UNSUPPORTED_VERSION] = {505, "HTTP version not supported"},
    [SALTARE_HTTP1_E_BAD_REQUEST_LINE] = {400, "invalid request line"},
    [SALTARE_HTTP1_E_BARE_CR] = {400, "bare CR in message"},
    [SALTARE_HTTP1_E_BARE_LF] = {400, "bare LF in message"},
    [SALTARE_HTTP1_E_BAD_HEADER_NAME] = {400, "invalid header name"},
    [SALTARE_HTTP1_E_SPACE_BEFORE_COLON] = {400, "whitespace between header name and colon"},
    [SALTARE_HTTP1_E_OBS_FOLD] = {400, "obsolete line folding"},
    [SALTARE_HTTP1_E_BAD_HEADER_VALUE] = {400, "invalid header value"},
    [SALTARE_HTTP1_E_HEAD_TOO_LARGE] = {431, "request head too large"},
    [SALTARE_HTTP1_E_TOO_MANY_HEADERS] = {431, "too many header fields"},
    [SALTARE_HTTP1_E_MISSING_HOST] = {400, "missing Host header"},
    [SALTARE_HTTP1_E_DUPLICATE_HOST] = {400, "more than one Host header"},
    [SALTARE_HTTP1_E_BAD_HOST] = {400, "invalid Host header"},
    [SALTARE_HTTP1_E_BAD_CONTENT_LENGTH] = {400, "invalid Content-Length"},
    [SALTARE_HTTP1_E_DUPLICATE_CONTENT_LENGTH] = {400, "more than one Content-Length"},
    [SALTARE_HTTP1_E_CONTENT_LENGTH_WITH_TRANSFER_ENCODING] = {400, "Content-Length and Transfer-Encoding together"},
    [SALTARE_HTTP1_E_BAD_TRANSFER_ENCODING] = {400, "invalid Transfer-Encoding"},
    [SALTARE_HTTP1_E_CHUNKED_NOT_FINAL] = {400, "chunked is not the final transfer coding"},
    [SALTARE_HTTP1_E_UNKNOWN_TRANSFER_CODING] = {501, "unsupported transfer coding"},
    [SALTARE_HTTP1_E_TRANSFER_ENCODING_HTTP10] = {400, "Transfer-Encoding in an HTTP/1.0 request"},
    [SALTARE_HTTP1_E_BODY_TOO_LARGE] = {413, "request body too large"},
    [SALTARE_HTTP1_E_BAD_CHUNK_SIZE] = {400, "invalid chunk size"},
    [SALTARE_HTTP1_E_CHUNK_SIZE_OVERFLOW] = {400, "chunk size too large"},
    [SALTARE_HTTP1_E_BAD_CHUNK_EXTENSION] = {400, "invalid chunk extension"},
    [SALTARE_HTTP1_E_CHUNK_EXTENSION_TOO_LONG] = {400, "chunk extension too long"},
    [SALTARE_HTTP1_E_BAD_CHUNK_END] = {400, "chunk data not followed by CRLF"},
    [SALTARE_HTTP1_E_TRAILERS_TOO_LARGE] = {431, "trailer section too large"},
    [SALTARE_HTTP1_E_INCOMPLETE_MESSAGE] = {400, "connection closed in the middle of a request"},
};

uint32_t saltare_http1_error_status(uint32_t error)
{
    return error < SALTARE_HTTP1_E_COUNT ? error_table[error].status : 0;
}

const char *saltare_http1_error_reason(uint32_t error)
{
    return error < SALTARE_HTTP1_E_COUNT ? error_table[error].reason : NULL;
}
