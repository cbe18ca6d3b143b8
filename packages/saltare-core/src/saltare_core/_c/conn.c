/* saltare-core: reading a connection and running HTTP/1 framing over its
 * pooled buffer with the parser handed over by saltare-http1. */
#define _GNU_SOURCE
#include "engine_int.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static void consume(sc_conn_t *c, uint32_t n)
{
    memmove(c->rbuf->mem, c->rbuf->mem + n, c->rlen - n);
    c->rlen -= n;
}

/* The request is read: no read deadline until the caller finishes it. The
 * buffer goes back to the pool unless bytes past the request are in it (a
 * reading-ahead connection takes one again when the client writes): under
 * load, the requests with the caller hold no buffer. */
static void request_read(saltare_core_engine_t *e, sc_conn_t *c)
{
    c->state = ST_RESPONDING;
    c->read_deadline = 0;
    if (!c->rlen)
        sc_release_rbuf(e, c);
    sc_rearm(e, c);
    sc_update_interest(e, c);
}

/* Reading stops; the caller, told by an ERROR event, answers and closes. */
static void fail_request(saltare_core_engine_t *e, sc_conn_t *c)
{
    c->flags |= CF_KNOWN;
    c->state = ST_ERROR;
    c->read_deadline = 0;
    sc_rearm(e, c);
    sc_update_interest(e, c);
}

static void protocol_error(saltare_core_engine_t *e, sc_conn_t *c, uint32_t error)
{
    saltare_core_event_t *ev = sc_emit(e, SALTARE_CORE_EV_ERROR, c, NULL, 0);
    if (ev) {
        ev->aux = error;
        ev->value = e->http1->error_status(error);
    }
    fail_request(e, c);
}

/* A request begun and not complete in time (its head or its body): an ERROR
 * 408 for the caller to answer (RFC 9110 §15.5.9); 0 when the event queue is
 * full. */
int sc_request_timeout(saltare_core_engine_t *e, sc_conn_t *c)
{
    saltare_core_event_t *ev = sc_emit(e, SALTARE_CORE_EV_ERROR, c, NULL, 0);
    if (!ev)
        return 0;
    ev->value = 408; /* aux 0: no parser error */
    fail_request(e, c);
    return 1;
}

static int copy_headers(saltare_core_engine_t *e, saltare_core_event_t *ev, uint32_t num)
{
    uint32_t words = 4 * num;
    if (words > e->hw_cap - e->hw_used)
        return -1;
    ev->hdr_index = e->hw_used;
    ev->num_headers = num;
    memcpy(e->hwords + e->hw_used, e->headers, sizeof(uint32_t) * words);
    e->hw_used += words;
    return 0;
}

static void emit_head(saltare_core_engine_t *e, sc_conn_t *c, uint32_t head_len)
{
    const saltare_http1_head_t *h = &e->head;
    saltare_core_event_t *ev = sc_emit(e, SALTARE_CORE_EV_HEAD, c, c->rbuf->mem, head_len);
    if (!ev)
        return;
    ev->value = h->content_length;
    ev->aux = h->flags;
    ev->method_off = h->method_off;
    ev->method_len = h->method_len;
    ev->target_off = h->target_off;
    ev->target_len = h->target_len;
    ev->path_off = h->path_off;
    ev->path_len = h->path_len;
    ev->query_off = h->query_off;
    ev->query_len = h->query_len;
    ev->http_minor = h->http_minor;
    copy_headers(e, ev, h->num_headers);
}

/* One step of the HTTP/1 framing; returns 1 to go on, 0 to wait for bytes. */
static int step(saltare_core_engine_t *e, sc_conn_t *c)
{
    const saltare_http1_limits_t *limits = &e->cfg.limits;
    char *buf = c->rbuf ? c->rbuf->mem : NULL;
    switch (c->state) {
    case ST_HEAD: {
        if (!c->rlen)
            return 0;
        int rc = e->http1->parse_head(buf, c->rlen, c->last_len, limits, &e->head, e->headers);
        if (rc == SALTARE_HTTP1_INCOMPLETE) {
            c->last_len = c->rlen;
            return 0;
        }
        if (rc < 0) {
            protocol_error(e, c, e->head.error);
            return 0;
        }
        emit_head(e, c, (uint32_t)rc);
        c->flags |= CF_KNOWN;
        c->last_len = 0;
        sc_count(e, SALTARE_CORE_C_REQUESTS, 1);
        consume(c, (uint32_t)rc);
        if (e->head.flags & SALTARE_HTTP1_F_CHUNKED) {
            e->http1->chunked_init(&c->chunked);
            c->state = ST_BODY_CHUNK;
        } else if ((e->head.flags & SALTARE_HTTP1_F_CONTENT_LENGTH) && e->head.content_length) {
            c->body_left = e->head.content_length;
            c->state = ST_BODY_CL;
        } else {
            request_read(e, c);
            return 0;
        }
        sc_set_read_deadline(e, c, (c->flags & CF_PAUSED) ? 0 : e->cfg.body_timeout_ms);
        return 1;
    }
    case ST_BODY_CL: {
        uint32_t take = c->rlen;
        if (take > c->body_left)
            take = (uint32_t)c->body_left;
        if (take) {
            sc_emit(e, SALTARE_CORE_EV_BODY, c, buf, take);
            consume(c, take);
            c->body_left -= take;
        }
        if (c->body_left)
            return 0;
        sc_emit(e, SALTARE_CORE_EV_END, c, NULL, 0);
        request_read(e, c);
        return 0;
    }
    case ST_BODY_CHUNK: {
        if (!c->rlen)
            return 0;
        size_t consumed = 0, data_len = 0;
        int rc = e->http1->decode_chunked(&c->chunked, buf, c->rlen, limits, &consumed, &data_len);
        if (rc < 0) {
            protocol_error(e, c, c->chunked.error);
            return 0;
        }
        if (data_len)
            sc_emit(e, SALTARE_CORE_EV_BODY, c, buf, (uint32_t)data_len);
        consume(c, (uint32_t)consumed);
        if (rc == 0)
            return 0;
        c->state = ST_TRAILERS;
        c->last_len = 0;
        return 1;
    }
    case ST_TRAILERS: {
        if (!c->rlen)
            return 0;
        uint32_t num = 0, error = 0;
        int rc = e->http1->parse_trailers(buf, c->rlen, c->last_len, limits, e->headers, &num, &error);
        if (rc == SALTARE_HTTP1_INCOMPLETE) {
            c->last_len = c->rlen;
            return 0;
        }
        if (rc < 0) {
            protocol_error(e, c, error);
            return 0;
        }
        saltare_core_event_t *ev = sc_emit(e, SALTARE_CORE_EV_END, c, buf, (uint32_t)rc);
        if (ev)
            copy_headers(e, ev, num);
        consume(c, (uint32_t)rc);
        c->last_len = 0;
        request_read(e, c);
        return 0;
    }
    case ST_RAW:
        if (c->rlen) {
            sc_emit(e, SALTARE_CORE_EV_RAW, c, buf, c->rlen);
            c->rlen = 0;
        }
        sc_release_rbuf(e, c);
        return 0;
    default:
        return 0;
    }
}

void sc_conn_process(saltare_core_engine_t *e, sc_conn_t *c)
{
    while (step(e, c))
        ;
}

/* Make room to read: a buffer when there is none, the large one when the
 * small one is full (a long head, trailers). 0 on success. */
static int make_room(saltare_core_engine_t *e, sc_conn_t *c)
{
    if (!c->rbuf) {
        c->rbuf = sc_pool_get(&e->pool, SC_SMALL);
        c->rlen = 0;
        return c->rbuf ? 0 : -1;
    }
    if (c->rlen < c->rbuf->cap)
        return 0;
    if (c->rbuf->cls == SC_LARGE)
        return -1; /* the limits keep every unit within one large buffer */
    sc_buf_t *large = sc_pool_get(&e->pool, SC_LARGE);
    if (!large)
        return -1;
    memcpy(large->mem, c->rbuf->mem, c->rlen);
    sc_pool_put(&e->pool, c->rbuf, sc_now_ms());
    c->rbuf = large;
    return 0;
}

/* Bytes were appended to rbuf: the framing state and its deadlines, then
 * the framing itself. */
static inline void got_bytes(saltare_core_engine_t *e, sc_conn_t *c)
{
    if (c->state == ST_IDLE) {
        c->state = ST_HEAD;
        /* A fresh connection's header deadline runs from accept (or from
         * the handshake's end); after a keep-alive wait, from the first
         * byte of the new request. */
        if (c->flags & CF_SERVED)
            sc_set_read_deadline(e, c, e->cfg.header_timeout_ms);
    } else if (sc_in_body(c)) {
        if (!(c->flags & CF_PAUSED))
            sc_set_read_deadline(e, c, e->cfg.body_timeout_ms);
    }
    sc_conn_process(e, c);
}

/* The handshake is done: the caller learns of the connection (EV_SECURE
 * with the ALPN protocol) and picks what comes next, so reading waits for
 * its resume_reading() or set_raw(); plaintext already read stays. */
static void secured(saltare_core_engine_t *e, sc_conn_t *c)
{
    char alpn[255]; /* an ALPN protocol name is 1 to 255 bytes (RFC 7301) */
    size_t alpn_len = e->transport->alpn(e->transport_ctx, sc_tstate(e, c), alpn, sizeof(alpn));
    if (alpn_len > sizeof(alpn))
        alpn_len = 0; /* a transport that ignored cap: report no protocol rather than overread */
    e->handshaking--;
    sc_emit(e, SALTARE_CORE_EV_SECURE, c, alpn, (uint32_t)alpn_len);
    c->flags |= CF_KNOWN | CF_PAUSED;
    c->tflags |= TF_HOLD;
    if (e->http1) {
        c->state = ST_IDLE;
        sc_set_read_deadline(e, c, e->cfg.header_timeout_ms);
    } else {
        c->state = ST_RAW;
        c->read_deadline = 0;
        sc_rearm(e, c);
    }
}

/* Reading through a transport other than the plain one: its out flags,
 * the handshake's end, and plaintext it still holds (T_MORE). */
static void transport_readable(saltare_core_engine_t *e, sc_conn_t *c)
{
    uint32_t tf = 0;
    size_t room = c->rbuf->cap - c->rlen;
    ssize_t n = e->transport->recv(e->transport_ctx, sc_tstate(e, c), c->fd,
                                   c->rbuf->mem + c->rlen, room, &tf);
    int err = errno; /* before alpn() or anything else can change it */
    if (n > 0 && (size_t)n > room) {
        /* A transport claiming more than the room it was given broke the buffer. */
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_RESET);
        return;
    }
    if ((tf & SALTARE_CORE_T_WANT_WRITE) && !(c->tflags & TF_WANT_WRITE)) {
        c->tflags |= TF_WANT_WRITE;
        sc_write_progress(e, c);
    }
    c->tflags = (uint8_t)((c->tflags & ~TF_MORE) | ((tf & SALTARE_CORE_T_MORE) ? TF_MORE : 0));
    if (n > 0) {
        c->rlen += (uint32_t)n;
        sc_count(e, SALTARE_CORE_C_BYTES_IN, (uint64_t)n);
    }
    if ((tf & SALTARE_CORE_T_READY) && c->state == ST_HANDSHAKE)
        secured(e, c);
    if (n == 0) {
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_PEER);
        return;
    }
    if (n < 0 && err != EAGAIN && err != EINTR) {
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_RESET);
        return;
    }
    if (n > 0 && c->state != ST_HANDSHAKE && !(c->flags & CF_PAUSED))
        got_bytes(e, c);
    else if (!c->rlen && (c->state == ST_IDLE || c->state == ST_RAW || c->state == ST_HANDSHAKE))
        sc_release_rbuf(e, c);
    sc_update_interest(e, c); /* also queues a T_MORE re-read while reading */
}

/* ST_LINGER: drop what the client still sends; its EOF (or an error)
 * ends the linger. A few reads per wake-up, so one client cannot hold the
 * poll. */
static void linger_readable(saltare_core_engine_t *e, sc_conn_t *c)
{
    char sink[4096];
    for (int i = 0; i < 16; i++) {
        ssize_t n = read(c->fd, sink, sizeof(sink));
        if (n > 0)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_LOCAL);
        return;
    }
}

void sc_conn_readable(saltare_core_engine_t *e, sc_conn_t *c)
{
    if (c->state == ST_LINGER) {
        linger_readable(e, c);
        return;
    }
    /* While the request is with the caller (sc_reading_ahead), bytes are
     * kept for finish() within the buffer the connection has. */
    int ahead = c->state == ST_RESPONDING;
    if (ahead && c->rbuf && c->rlen == c->rbuf->cap) {
        sc_update_interest(e, c);
        return;
    }
    if (make_room(e, c) != 0) {
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_RESET);
        return;
    }
    if (e->tstates) {
        transport_readable(e, c);
        return;
    }
    /* The plain transport: no state, no out flags. */
    ssize_t n = e->transport->recv(e->transport_ctx, NULL, c->fd, c->rbuf->mem + c->rlen,
                                   c->rbuf->cap - c->rlen, NULL);
    if (n == 0) {
        /* Also while responding: the client left (a half-close counts, as
         * in uvicorn), and the caller learns it at once (http.disconnect). */
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_PEER);
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            sc_close_conn(e, c, SALTARE_CORE_CLOSE_RESET);
            return;
        }
        if (!c->rlen && (c->state == ST_IDLE || c->state == ST_RAW || ahead))
            sc_release_rbuf(e, c);
        return;
    }
    c->rlen += (uint32_t)n;
    sc_count(e, SALTARE_CORE_C_BYTES_IN, (uint64_t)n);
    if (ahead)
        sc_update_interest(e, c); /* a full buffer stops reading until finish() */
    else
        got_bytes(e, c);
}
