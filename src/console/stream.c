/*
 * stream.c - the DOS console as a byte stream (stream.h).
 */
#include "console/stream.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console/cp437.h"

enum { OUT_MAX = 8192, IN_MAX = 4096, CR = 0x0D, LF = 0x0A, UNKNOWN_CHAR = '?' };

struct con_stream {
	struct con_stream_opts o;
	/* Output: converted bytes not yet written, and the CRs held back until
	 * the next byte says whether they end a line. */
	size_t out_len;
	unsigned cr_held;
	uint8_t out[OUT_MAX];
	/* Input: raw bytes read, not yet decoded; whether the last byte given
	 * was CR (a LF right after it is dropped). */
	size_t in_pos, in_len;
	bool eof, gave_cr;
	uint8_t in[IN_MAX];
};

uint64_t con_stream_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int con_stream_open(struct con_stream **out, const struct con_stream_opts *o)
{
	/* The buffers are written before they are read: not zeroed (12 KiB,
	 * three pages a one-line program never touches). */
	struct con_stream *s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->o = *o;
	s->out_len = 0;
	s->cr_held = 0;
	s->in_pos = s->in_len = 0;
	s->eof = s->gave_cr = false;
	*out = s;
	return 0;
}

void con_stream_free(struct con_stream *s)
{
	if (!s)
		return;
	con_stream_finish(s);
	free(s);
}

/* Whether the host side is UTF-8 (o.utf8_query asked the first time). */
static bool host_utf8(struct con_stream *s)
{
	if (s->o.utf8_query) {
		s->o.utf8 = s->o.utf8_query(s->o.utf8_ctx);
		s->o.utf8_query = NULL;
	}
	return s->o.utf8;
}

/* ---- output ---- */

/* Writes all of buf (partial writes finished, EINTR retried, EAGAIN
 * waited out). 0 or -errno. */
static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			poll(&p, 1, -1);
			continue;
		}
		return n < 0 ? -errno : -EIO;
	}
	return 0;
}

int con_stream_flush(struct con_stream *s)
{
	int rc = write_all(s->o.out_fd, s->out, s->out_len);
	s->out_len = 0;
	return rc;
}

static void put_bytes(struct con_stream *s, const char *b, size_t n);

int con_stream_finish(struct con_stream *s)
{
	for (; s->cr_held; s->cr_held--)
		put_bytes(s, "\r", 1);
	return con_stream_flush(s);
}

static void put_bytes(struct con_stream *s, const char *b, size_t n)
{
	if (OUT_MAX - s->out_len < n)
		con_stream_flush(s);
	memcpy(s->out + s->out_len, b, n);
	s->out_len += n;
}

/* One guest byte, converted. */
static void put_char(struct con_stream *s, uint8_t ch)
{
	if (!s->o.crlf) {
		/* CR... LF is a line end (DOS echoes the Enter key as CR and then
		 * writes CR LF); CRs before anything else are kept. */
		if (ch == CR) {
			s->cr_held++;
			return;
		}
		if (ch == LF)
			s->cr_held = 0;
		for (; s->cr_held; s->cr_held--)
			put_bytes(s, "\r", 1);
	}
	char u[4];
	size_t n = 1;
	if (ch >= 0x80 && host_utf8(s)) /* ASCII is itself either way */
		n = cp437_stream_to_utf8(ch, u);
	else
		u[0] = (char)ch;
	put_bytes(s, u, n);
	if (ch == LF)
		con_stream_flush(s);
}

void con_stream_write(struct con_stream *s, const uint8_t *buf, size_t len)
{
	for (size_t k = 0; k < len; k++)
		put_char(s, buf[k]);
}

/* ---- input ---- */

/* Whether a whole character waits in the buffer (or the input ended). */
static bool char_ready(struct con_stream *s)
{
	if (s->in_pos < s->in_len) {
		if (s->in[s->in_pos] < 0x80 || s->eof || !host_utf8(s))
			return true;
		uint32_t cp;
		return utf8_decode(s->in + s->in_pos, s->in_len - s->in_pos, &cp) > 0;
	}
	return s->eof;
}

/* Reads more input: waits (block) until in_fd is readable, wake_fd is,
 * or the deadline passes. 0 after a read (or at its end), else -EAGAIN,
 * -EINTR, -ETIMEDOUT. */
static int fill(struct con_stream *s, bool block, uint64_t deadline_ns)
{
	if (s->in_pos > 0) {
		memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
		s->in_len -= s->in_pos;
		s->in_pos = 0;
	}
	for (;;) {
		int ms = 0;
		if (block) {
			ms = -1;
			if (deadline_ns) {
				uint64_t now = con_stream_now_ns();
				if (now >= deadline_ns)
					return -ETIMEDOUT;
				uint64_t left = (deadline_ns - now + 999999) / 1000000;
				ms = left > 60000 ? 60000 : (int)left;
			}
		}
		struct pollfd p[2] = { { .fd = s->o.in_fd, .events = POLLIN }, { .fd = s->o.wake_fd, .events = POLLIN } };
		int n = poll(p, s->o.wake_fd >= 0 ? 2 : 1, ms);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0 && (p[1].revents & POLLIN) && s->o.wake_fd >= 0)
			return -EINTR;
		if (n > 0 && p[0].revents) {
			ssize_t got = read(s->o.in_fd, s->in + s->in_len, IN_MAX - s->in_len);
			if (got < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (got <= 0)
				s->eof = true; /* the end, or an error that ends input just as well */
			else
				s->in_len += (size_t)got;
			return 0;
		}
		if (!block)
			return -EAGAIN;
		if (n == 0 && deadline_ns && con_stream_now_ns() >= deadline_ns)
			return -ETIMEDOUT;
	}
}

static int next_char(struct con_stream *s, uint8_t *b, bool block, uint64_t deadline_ns);

int con_stream_getc(struct con_stream *s, uint8_t *b, bool block, uint64_t deadline_ns)
{
	for (;;) {
		int n = next_char(s, b, block, deadline_ns);
		if (n != 1)
			return n;
		bool lf_after_cr = *b == LF && s->gave_cr;
		s->gave_cr = *b == CR;
		if (!lf_after_cr)
			return 1;
	}
}

static int next_char(struct con_stream *s, uint8_t *b, bool block, uint64_t deadline_ns)
{
	while (!char_ready(s)) {
		int rc = fill(s, block, deadline_ns);
		if (rc < 0)
			return rc;
	}
	if (s->in_pos == s->in_len)
		return 0;
	if (s->in[s->in_pos] < 0x80 || !host_utf8(s)) { /* ASCII decodes to itself */
		*b = s->in[s->in_pos++];
		return 1;
	}
	uint32_t cp;
	size_t n = utf8_decode(s->in + s->in_pos, s->in_len - s->in_pos, &cp);
	if (n == 0) /* the input ended inside a sequence */
		n = s->in_len - s->in_pos;
	s->in_pos += n;
	int ch = cp437_from_codepoint(cp);
	*b = ch < 0 ? UNKNOWN_CHAR : (uint8_t)ch;
	return 1;
}
