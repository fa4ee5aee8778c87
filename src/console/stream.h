/*
 * stream.h - the DOS console as a byte stream on host file descriptors
 * (pipes, files, or a terminal left in its normal mode): what the guest
 * writes goes out as text, what comes in is the guest's input. Used by
 * `mvdm run` when it does not draw the screen (docs/console.md).
 *
 * Output (code page 437 bytes from the guest): as UTF-8 when `utf8` is set
 * (80h-FFh become their glyphs; the control characters 00h-1Fh and 7Fh stay
 * what they are), else the bytes as written. CR LF becomes LF unless
 * `crlf` is set (a CR alone, as progress lines use, stays). Output is
 * buffered and written at each LF, when the buffer fills and at
 * con_stream_flush(), so a prompt shows before the program waits and
 * little is lost if the process is killed.
 *
 * Input: the bytes read from in_fd, decoded from UTF-8 when `utf8` is set
 * (a character code page 437 lacks, or a malformed sequence, reads as
 * '?'), else taken as code page 437 bytes; a LF right after a CR is
 * dropped (CR LF is one line end, as DOS reads it, whoever reads the CR).
 * One queue serves every reader: the DOS kernel's CON reads and the keys
 * the host types for BIOS reads.
 *
 * Blocking reads end early when wake_fd (the caller's signalfd, say) is
 * readable or the deadline passes. No state outside the struct.
 */
#ifndef MVDM_CONSOLE_STREAM_H
#define MVDM_CONSOLE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct con_stream;

struct con_stream_opts {
	int in_fd, out_fd;
	bool utf8;    /* UTF-8 on the host side (else code page 437 bytes) */
	/* NULL, or what decides utf8 instead: called once, at the first byte
	 * (out or in) at or above 80h, as ASCII is the same either way (the
	 * answer may be dear: `mvdm run` reads the locale's files for it). */
	bool (*utf8_query)(void *ctx);
	void *utf8_ctx;
	bool crlf;    /* write CR LF as it comes (else CR LF becomes LF) */
	int wake_fd;  /* -1, or an fd whose readability ends a blocking read */
};

/* Returns 0 and *out, or -ENOMEM. */
int con_stream_open(struct con_stream **out, const struct con_stream_opts *o);
/* Writes what is pending (con_stream_finish) and frees s. NULL is fine. */
void con_stream_free(struct con_stream *s);

/* Guest output: buffered, converted; a full line is written at once. */
void con_stream_write(struct con_stream *s, const uint8_t *buf, size_t len);
/* Writes the buffered output (a CR held to see whether LF follows stays
 * held). Returns 0 or -errno of the write. */
int con_stream_flush(struct con_stream *s);
/* Writes everything, the held CR included (at the end of the run). */
int con_stream_finish(struct con_stream *s);

/* The next input byte (code page 437). With block false it only takes
 * what is there already or readable now. Returns 1 (*b set), 0 at the end
 * of input, -EAGAIN (nothing now: not blocking), -EINTR (wake_fd is
 * readable), -ETIMEDOUT (deadline_ns passed; monotonic ns, 0 = none). */
int con_stream_getc(struct con_stream *s, uint8_t *b, bool block, uint64_t deadline_ns);
/* CLOCK_MONOTONIC in ns (deadlines). */
uint64_t con_stream_now_ns(void);

#endif
