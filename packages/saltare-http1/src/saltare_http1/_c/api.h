/* saltare-http1: the C contract.
 *
 * Used by _cbackend.py (through cffi) and by saltare-core, which receives
 * the saltare_http1_api_t table as a pointer at start-up (DESIGN.md §2) and
 * checks abi_version before using it.
 *
 * Every function is stateless apart from the caller-owned structs it is
 * given: no globals, no allocation. Offsets are relative to `buf`.
 */
#ifndef SALTARE_HTTP1_API_H
#define SALTARE_HTTP1_API_H

#include <stddef.h>
#include <stdint.h>

#define SALTARE_HTTP1_ABI_VERSION 1

/* Return codes; a non-negative return is a byte count. */
#define SALTARE_HTTP1_ERROR (-1)
#define SALTARE_HTTP1_INCOMPLETE (-2)

/* saltare_http1_head_t.flags */
#define SALTARE_HTTP1_F_KEEP_ALIVE 0x01u
#define SALTARE_HTTP1_F_EXPECT_CONTINUE 0x02u
#define SALTARE_HTTP1_F_CHUNKED 0x04u
#define SALTARE_HTTP1_F_CONTENT_LENGTH 0x08u
#define SALTARE_HTTP1_F_UPGRADE 0x10u

/* Errors. The numbering is part of the ABI and of errors.py (ErrorCode):
 * append only. Status and reason come from one table in errors.c. */
typedef enum {
    SALTARE_HTTP1_E_OK = 0,
    SALTARE_HTTP1_E_BAD_METHOD = 1,               /* 400 */
    SALTARE_HTTP1_E_BAD_TARGET = 2,               /* 400 */
    SALTARE_HTTP1_E_TARGET_TOO_LONG = 3,          /* 414 */
    SALTARE_HTTP1_E_BAD_VERSION = 4,              /* 400 */
    SALTARE_HTTP1_E_UNSUPPORTED_VERSION = 5,      /* 505 */
    SALTARE_HTTP1_E_BAD_REQUEST_LINE = 6,         /* 400 */
    SALTARE_HTTP1_E_BARE_CR = 7,                  /* 400 */
    SALTARE_HTTP1_E_BARE_LF = 8,                  /* 400 */
    SALTARE_HTTP1_E_BAD_HEADER_NAME = 9,          /* 400 */
    SALTARE_HTTP1_E_SPACE_BEFORE_COLON = 10,      /* 400 */
    SALTARE_HTTP1_E_OBS_FOLD = 11,                /* 400 */
    SALTARE_HTTP1_E_BAD_HEADER_VALUE = 12,        /* 400 */
    SALTARE_HTTP1_E_HEAD_TOO_LARGE = 13,          /* 431 */
    SALTARE_HTTP1_E_TOO_MANY_HEADERS = 14,        /* 431 */
    SALTARE_HTTP1_E_MISSING_HOST = 15,            /* 400 */
    SALTARE_HTTP1_E_DUPLICATE_HOST = 16,          /* 400 */
    SALTARE_HTTP1_E_BAD_HOST = 17,                /* 400 */
    SALTARE_HTTP1_E_BAD_CONTENT_LENGTH = 18,      /* 400 */
    SALTARE_HTTP1_E_DUPLICATE_CONTENT_LENGTH = 19,/* 400 */
    SALTARE_HTTP1_E_CONTENT_LENGTH_WITH_TRANSFER_ENCODING = 20, /* 400 */
    SALTARE_HTTP1_E_BAD_TRANSFER_ENCODING = 21,   /* 400 */
    SALTARE_HTTP1_E_CHUNKED_NOT_FINAL = 22,       /* 400 */
    SALTARE_HTTP1_E_UNKNOWN_TRANSFER_CODING = 23, /* 501 */
    SALTARE_HTTP1_E_TRANSFER_ENCODING_HTTP10 = 24,/* 400 */
    SALTARE_HTTP1_E_BODY_TOO_LARGE = 25,          /* 413 */
    SALTARE_HTTP1_E_BAD_CHUNK_SIZE = 26,          /* 400 */
    SALTARE_HTTP1_E_CHUNK_SIZE_OVERFLOW = 27,     /* 400 */
    SALTARE_HTTP1_E_BAD_CHUNK_EXTENSION = 28,     /* 400 */
    SALTARE_HTTP1_E_CHUNK_EXTENSION_TOO_LONG = 29,/* 400 */
    SALTARE_HTTP1_E_BAD_CHUNK_END = 30,           /* 400 */
    SALTARE_HTTP1_E_TRAILERS_TOO_LARGE = 31,      /* 431 */
    /* The peer closed mid-request: never returned by a parse call, found by
     * the caller at EOF; in the table so every caller answers alike. */
    SALTARE_HTTP1_E_INCOMPLETE_MESSAGE = 32,      /* 400 */
    SALTARE_HTTP1_E_COUNT = 33
} saltare_http1_error_t;

typedef struct {
    uint32_t max_head_bytes;      /* request line + fields + final CRLF   -> 431 */
    uint32_t max_target_bytes;    /* request-target                        -> 414 */
    uint32_t max_headers;         /* field lines in the head or trailers   -> 431 */
    uint32_t max_chunk_ext_bytes; /* bytes between chunk-size and its CRLF -> 400 */
    uint32_t max_trailer_bytes;   /* trailer section incl. final CRLF      -> 431 */
    uint32_t reserved;
    uint64_t max_body_bytes;      /* Content-Length or chunked total (UINT64_MAX: none) -> 413 */
} saltare_http1_limits_t;

typedef struct {
    uint32_t name_off, name_len, value_off, value_len;
} saltare_http1_header_t;

typedef struct {
    uint32_t head_len;            /* bytes consumed, leading CRLFs and final CRLF included */
    uint32_t method_off, method_len;
    uint32_t target_off, target_len;
    uint32_t path_off, path_len;  /* path component of the target (see README) */
    uint32_t query_off, query_len;/* after '?', without it */
    uint32_t num_headers;
    uint32_t flags;               /* SALTARE_HTTP1_F_* */
    uint32_t http_minor;          /* 0 or 1 (1.x with x >= 2 is read as 1.1) */
    uint32_t error;               /* saltare_http1_error_t when ERROR is returned */
    uint32_t reserved;
    uint64_t content_length;      /* valid when F_CONTENT_LENGTH */
} saltare_http1_head_t;

/* Resumable chunked decoder state: zero it (or call _init) per message. */
typedef struct {
    uint64_t chunk_remaining;     /* data bytes left in the current chunk */
    uint64_t body_total;          /* sum of chunk sizes so far */
    uint32_t ext_len;             /* extension bytes seen on the current size line */
    uint32_t state;               /* private */
    uint32_t error;               /* saltare_http1_error_t when ERROR is returned */
    uint32_t size_digits;         /* hex digits on the current size line (at most 16) */
} saltare_http1_chunked_t;

/* Parse one request head from buf[0..len). `last_len` is the length the
 * previous call on the same head saw (0 the first time): it lets the parser
 * skip rescanning. `headers` must have room for limits->max_headers entries.
 * Field names are lower-cased in place.
 * Returns head_len (> 0), SALTARE_HTTP1_INCOMPLETE, or SALTARE_HTTP1_ERROR
 * with head->error set.
 * Details: `headers` may be NULL when max_headers is 0. On INCOMPLETE and
 * ERROR every member of *head but `error` is 0, and some names may or may
 * not have been lower-cased already. A max_head_bytes above INT_MAX is read
 * as INT_MAX (the return is an int); so is max_trailer_bytes below. */
int saltare_http1_parse_head(char *buf, size_t len, size_t last_len,
                             const saltare_http1_limits_t *limits,
                             saltare_http1_head_t *head,
                             saltare_http1_header_t *headers);

void saltare_http1_chunked_init(saltare_http1_chunked_t *dec);

/* Decode chunked framing from buf[0..len) in place: chunk data is moved to
 * buf[0..*data_len). *consumed is the number of input bytes used.
 * Returns 0 when all input was consumed and more is needed, 1 when the
 * last-chunk line has been consumed (the trailer section starts at
 * buf + *consumed), or SALTARE_HTTP1_ERROR with dec->error set.
 * On ERROR, *consumed counts the bytes before the offending one and
 * buf[0..*data_len) holds the data decoded before it. Later calls return
 * ERROR again (after an error) or 1 (after the last chunk), consuming
 * nothing. */
int saltare_http1_decode_chunked(saltare_http1_chunked_t *dec, char *buf,
                                 size_t len,
                                 const saltare_http1_limits_t *limits,
                                 size_t *consumed, size_t *data_len);

/* Parse the trailer section (field lines then CRLF) from buf[0..len).
 * Returns its length, SALTARE_HTTP1_INCOMPLETE, or SALTARE_HTTP1_ERROR with
 * *error set. Field names are lower-cased in place. `last_len` and
 * `headers` are as for parse_head; *num_headers is 0 unless the section
 * is returned. */
int saltare_http1_parse_trailers(char *buf, size_t len, size_t last_len,
                                 const saltare_http1_limits_t *limits,
                                 saltare_http1_header_t *headers,
                                 uint32_t *num_headers, uint32_t *error);

uint32_t saltare_http1_error_status(uint32_t error);
const char *saltare_http1_error_reason(uint32_t error);

/* The hand-over table for saltare-core. */
typedef struct {
    uint32_t abi_version;
    int (*parse_head)(char *, size_t, size_t, const saltare_http1_limits_t *,
                      saltare_http1_head_t *, saltare_http1_header_t *);
    void (*chunked_init)(saltare_http1_chunked_t *);
    int (*decode_chunked)(saltare_http1_chunked_t *, char *, size_t,
                          const saltare_http1_limits_t *, size_t *, size_t *);
    int (*parse_trailers)(char *, size_t, size_t, const saltare_http1_limits_t *,
                          saltare_http1_header_t *, uint32_t *, uint32_t *);
    uint32_t (*error_status)(uint32_t);
    const char *(*error_reason)(uint32_t);
} saltare_http1_api_t;

const saltare_http1_api_t *saltare_http1_api(void);

#endif
