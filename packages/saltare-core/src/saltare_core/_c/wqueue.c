/* saltare-core: writing: writev at once, the rest queued in pooled 16 KiB
 * buffers with EPOLLOUT armed, sendfile for files, water marks; output a
 * transport holds (T_WANT_WRITE) is flushed before anything else. */
#define _GNU_SOURCE
#include "engine_int.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#define IOV_BATCH 16
#define SENDFILE_CHUNK (1u << 20)
/* File bytes through a transport go through a stack buffer of this size. */
#define PREAD_CHUNK 16384u

void sc_wq_free(saltare_core_engine_t *e, sc_conn_t *c)
{
    sc_buf_t *b = c->wq_head;
    while (b) {
        sc_buf_t *next = b->next;
        sc_pool_put(&e->pool, b, sc_now_ms());
        b = next;
    }
    c->wq_head = c->wq_tail = NULL;
    c->pending = 0;
    if (c->file_fd >= 0)
        close(c->file_fd);
    c->file_fd = -1;
    c->file_left = 0;
}

/* Append to the queue; -1 when the pool cannot grow (what was appended
 * stays: the connection is then broken anyway). */
static int enqueue(saltare_core_engine_t *e, sc_conn_t *c, const char *data, size_t len)
{
    while (len) {
        sc_buf_t *tail = c->wq_tail;
        if (!tail || tail->end == tail->cap) {
            sc_buf_t *b = sc_pool_get(&e->pool, SC_LARGE);
            if (!b)
                return -1;
            b->next = NULL;
            if (tail)
                tail->next = b;
            else
                c->wq_head = b;
            c->wq_tail = tail = b;
        }
        size_t take = tail->cap - tail->end;
        if (take > len)
            take = len;
        memcpy(tail->mem + tail->end, data, take);
        tail->end += (uint32_t)take;
        c->pending += (uint32_t)take;
        data += take;
        len -= take;
    }
    return 0;
}

/* sendv through the table with the connection's state (total: the bytes
 * in iov); notes T_WANT_WRITE. */
static inline ssize_t sendv(saltare_core_engine_t *e, sc_conn_t *c, const struct iovec *iov, int n_iov,
                     size_t total)
{
    uint32_t tf = 0;
    ssize_t n = e->transport->sendv(e->transport_ctx, sc_tstate(e, c), c->fd, iov, n_iov, &tf);
    if (tf & SALTARE_CORE_T_WANT_WRITE)
        c->tflags |= TF_WANT_WRITE;
    if (n > 0 && (size_t)n > total) {
        /* More than offered would break the queue's accounting: a broken transport. */
        errno = EPROTO;
        return -1;
    }
    return n;
}

void sc_write_progress(saltare_core_engine_t *e, sc_conn_t *c)
{
    if (!sc_all_sent(c))
        c->write_deadline = e->cfg.write_timeout_ms
            ? (uint32_t)(sc_now_tick(e) + (e->cfg.write_timeout_ms + e->cfg.tick_ms - 1) / e->cfg.tick_ms)
            : 0;
    else
        c->write_deadline = 0;
    sc_rearm(e, c);
}

static void mark_broken(saltare_core_engine_t *e, sc_conn_t *c)
{
    c->flags |= CF_BROKEN;
    sc_pending_add(e, c);
}

/* File bytes through a transport (TLS has no sendfile without kTLS): pread
 * into a stack buffer, then sendv. What the transport did not take is read
 * again next time. 1: done or the file ended, 0: blocked, -1: error. */
static int send_file_through(saltare_core_engine_t *e, sc_conn_t *c)
{
    char chunk[PREAD_CHUNK];
    while (c->file_left) {
        size_t want = c->file_left < sizeof(chunk) ? (size_t)c->file_left : sizeof(chunk);
        ssize_t got = pread(c->file_fd, chunk, want, (off_t)c->file_off);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (got == 0)
            return 1;
        struct iovec iov = {.iov_base = chunk, .iov_len = (size_t)got};
        ssize_t n = sendv(e, c, &iov, 1, (size_t)got);
        if (n < 0)
            return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
        c->file_off += (uint64_t)n;
        c->file_left -= (uint64_t)n;
        sc_count(e, SALTARE_CORE_C_BYTES_OUT, (uint64_t)n);
        if (n < got)
            return 0;
    }
    return 1;
}

/* Send file bytes until done or blocked; -1 on error. Closes the file
 * when done (or when it turns out shorter than promised). */
static int send_file(saltare_core_engine_t *e, sc_conn_t *c)
{
    if (e->tstates) {
        int rc = send_file_through(e, c);
        if (rc <= 0)
            return rc;
        c->file_left = 0;
    }
    while (c->file_left) {
        size_t chunk = c->file_left < SENDFILE_CHUNK ? (size_t)c->file_left : SENDFILE_CHUNK;
        off_t off = (off_t)c->file_off;
        ssize_t n = sendfile(c->fd, c->file_fd, &off, chunk);
        if (n < 0)
            return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
        if (n == 0) {
            c->file_left = 0;
            break;
        }
        c->file_off += (uint64_t)n;
        c->file_left -= (uint64_t)n;
        sc_count(e, SALTARE_CORE_C_BYTES_OUT, (uint64_t)n);
    }
    close(c->file_fd);
    c->file_fd = -1;
    return 0;
}

/* Send queued memory until the socket is full; -1 on error. */
static int send_queue(saltare_core_engine_t *e, sc_conn_t *c)
{
    while (c->wq_head) {
        struct iovec iov[IOV_BATCH];
        int n_iov = 0;
        size_t total = 0;
        for (sc_buf_t *b = c->wq_head; b && n_iov < IOV_BATCH; b = b->next) {
            iov[n_iov].iov_base = b->mem + b->start;
            iov[n_iov].iov_len = b->end - b->start;
            total += iov[n_iov].iov_len;
            n_iov++;
        }
        ssize_t n = sendv(e, c, iov, n_iov, total);
        if (n < 0)
            return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
        sc_count(e, SALTARE_CORE_C_BYTES_OUT, (uint64_t)n);
        c->pending -= (uint32_t)n;
        size_t left = (size_t)n;
        while (c->wq_head && left >= c->wq_head->end - c->wq_head->start) {
            sc_buf_t *b = c->wq_head;
            left -= b->end - b->start;
            c->wq_head = b->next;
            sc_pool_put(&e->pool, b, sc_now_ms());
        }
        if (!c->wq_head)
            c->wq_tail = NULL;
        else
            c->wq_head->start += (uint32_t)left;
        if ((size_t)n < total)
            return 0;
    }
    return 0;
}

static void after_flush(saltare_core_engine_t *e, sc_conn_t *c)
{
    sc_write_progress(e, c);
    if ((c->flags & CF_HIGH) && c->pending <= e->cfg.low_water && !(c->tflags & TF_WANT_WRITE)) {
        c->flags &= (uint8_t)~CF_HIGH;
        if (c->flags & CF_KNOWN) {
            saltare_core_event_t *ev = sc_emit(e, SALTARE_CORE_EV_DRAINED, c, NULL, 0);
            if (ev)
                ev->value = c->pending;
        }
    }
    if (sc_all_sent(c)) {
        if (c->state == ST_CLOSING) {
            sc_close_flushed(e, c);
            return;
        }
        /* The keep-alive wait starts now that the response is out, not at
         * finish(): a slow download would otherwise leave it almost spent. */
        if (c->state == ST_IDLE)
            sc_set_read_deadline(e, c, e->cfg.keepalive_timeout_ms);
    }
    sc_update_interest(e, c);
}

/* Output the transport holds goes first: 1 when it is all sent, 0 while
 * some waits, -1 on a fatal error. */
static int flush_transport(saltare_core_engine_t *e, sc_conn_t *c)
{
    ssize_t left = e->transport->flush(e->transport_ctx, sc_tstate(e, c), c->fd);
    if (left < 0)
        return -1;
    if (left > 0)
        return 0;
    c->tflags &= (uint8_t)~TF_WANT_WRITE;
    return 1;
}

void sc_conn_writable(saltare_core_engine_t *e, sc_conn_t *c)
{
    if (c->tflags & TF_WANT_WRITE) {
        int rc = flush_transport(e, c);
        if (rc < 0) {
            sc_close_conn(e, c, SALTARE_CORE_CLOSE_RESET);
            return;
        }
        if (rc == 0) {
            sc_update_interest(e, c);
            return;
        }
    }
    if ((c->file_fd >= 0 && send_file(e, c) != 0) ||
        (c->file_fd < 0 && send_queue(e, c) != 0)) {
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_RESET);
        return;
    }
    after_flush(e, c);
}

/* Send the parts now, in one writev, and queue what the socket did not take. */
static int64_t write_parts(saltare_core_engine_t *e, uint64_t handle, const struct iovec *parts, int n_parts)
{
    sc_conn_t *c = sc_conn_get(e, handle);
    if (!c || (c->flags & CF_BROKEN))
        return SALTARE_CORE_STALE;
    if (c->state == ST_HANDSHAKE)
        return SALTARE_CORE_STATE;
    size_t len = 0;
    for (int i = 0; i < n_parts; i++)
        len += parts[i].iov_len;
    if ((uint64_t)c->pending + len > e->cfg.max_pending)
        return SALTARE_CORE_FULL;
    size_t sent = 0;
    int was_idle = !c->wq_head && c->file_fd < 0;
    uint8_t held = c->tflags & TF_WANT_WRITE;
    if (was_idle && len) {
        ssize_t n = sendv(e, c, parts, n_parts, len);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            mark_broken(e, c);
            return SALTARE_CORE_STALE;
        }
        if (n > 0) {
            sent = (size_t)n;
            sc_count(e, SALTARE_CORE_C_BYTES_OUT, (uint64_t)n);
        }
    }
    if (sent < len) {
        size_t skip = sent;
        for (int i = 0; i < n_parts; i++) {
            size_t part_len = parts[i].iov_len;
            if (skip >= part_len) {
                skip -= part_len;
                continue;
            }
            if (enqueue(e, c, (const char *)parts[i].iov_base + skip, part_len - skip) != 0) {
                mark_broken(e, c);
                return SALTARE_CORE_NOMEM;
            }
            skip = 0;
        }
        if (was_idle) {
            sc_write_progress(e, c);
            sc_update_interest(e, c);
        }
    } else if (was_idle && (c->tflags & TF_WANT_WRITE) && !held) {
        /* All taken, but the transport holds some: EPOLLOUT for its flush. */
        sc_write_progress(e, c);
        sc_update_interest(e, c);
    }
    if (c->pending > e->cfg.high_water)
        c->flags |= CF_HIGH;
    return (int64_t)c->pending + (int64_t)c->file_left;
}

int64_t saltare_core_engine_write(saltare_core_engine_t *e, uint64_t handle,
                                  const char *data, size_t len)
{
    struct iovec part = {.iov_base = (void *)data, .iov_len = len};
    return write_parts(e, handle, &part, 1);
}

int64_t saltare_core_engine_respond(saltare_core_engine_t *e, uint64_t handle,
                                    const char *data, size_t len,
                                    const char *body, size_t body_len, int keep_alive)
{
    /* Head and body go out in one writev: a large body is not first copied
     * behind its head. */
    struct iovec parts[2] = {{.iov_base = (void *)data, .iov_len = len},
                             {.iov_base = (void *)body, .iov_len = body_len}};
    int64_t pending = write_parts(e, handle, parts, body_len ? 2 : 1);
    if (pending < 0)
        return pending;
    int rc = saltare_core_engine_finish(e, handle, keep_alive);
    return rc < 0 ? rc : pending;
}

int64_t saltare_core_engine_sendfile(saltare_core_engine_t *e, uint64_t handle,
                                     int fd, int64_t offset, uint64_t count)
{
    sc_conn_t *c = sc_conn_get(e, handle);
    if (!c || (c->flags & CF_BROKEN))
        return SALTARE_CORE_STALE;
    if (c->wq_head || c->file_fd >= 0)
        return SALTARE_CORE_BUSY;
    if (offset < 0 || c->state == ST_HANDSHAKE)
        return SALTARE_CORE_STATE;
    if (!count)
        return 0;
    int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0)
        return SALTARE_CORE_OSERROR;
    c->file_fd = dup_fd;
    c->file_off = (uint64_t)offset;
    c->file_left = count;
    if (send_file(e, c) != 0) {
        mark_broken(e, c);
        return SALTARE_CORE_STALE;
    }
    sc_write_progress(e, c);
    sc_update_interest(e, c);
    return (int64_t)c->file_left;
}

int64_t saltare_core_engine_pending(const saltare_core_engine_t *e, uint64_t handle)
{
    const sc_conn_t *c = sc_conn_get(e, handle);
    if (!c)
        return SALTARE_CORE_STALE;
    return (int64_t)c->pending + (int64_t)c->file_left;
}
