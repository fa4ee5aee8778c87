/*
 * client.h - the client side of the MVM server's request API (mvdmd,
 * docs/server.md, protocol version 2).
 *
 * A struct mvdm_client is one connection to the server's Unix socket. The
 * server answers the requests of a connection in order, one at a time, so
 * every call here sends one request line and blocks until its response
 * line has arrived. A `wait` (or an `output` with wait) therefore holds the
 * connection; open a second connection to do other things meanwhile.
 *
 * Threading: a struct mvdm_client is used by one thread at a time; separate
 * clients share nothing. The library keeps no global state, installs no
 * signal handlers (writes use MSG_NOSIGNAL, so a vanished server is -EPIPE,
 * never SIGPIPE) and prints nothing.
 *
 * Errors: every function returns 0 or a negative errno. When the server
 * refused a request, the errno is derived from its error code (table at
 * enum mvdm_error), and mvdm_client_error() / mvdm_client_error_code() give
 * the server's message and code until the next call on that client. A
 * transport failure (the server closed the connection, a malformed or
 * oversized response) makes the client "broken": that call and every later
 * one fail (-ENOTCONN after the first), since responses could no longer be
 * matched to requests. Output arguments are only written on success unless
 * a function says otherwise.
 *
 * IDs: VM ids are positive integers (the server never hands out 0 and never
 * reuses one while it runs), so 0 means "no VM" in the fields below.
 */
#ifndef MVDM_CLIENT_H
#define MVDM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mvdm/vm16.h"

struct mvdm_client;

enum {
	MVDM_PROTOCOL = 2,            /* the protocol version the library speaks (2: names, profiles, screenshot, mouse; docs/server.md) */
	MVDM_NAME_MAX = 64,           /* a VM name, bytes (docs/server.md, create) */
	MVDM_PROGRAM_MAX = 255,       /* program paths as returned by list/status */
	MVDM_REASON_MAX = 511,        /* the one-line reason of an ended VM */
	MVDM_REQUEST_MAX = 65536,     /* the longest request line the server reads */
	MVDM_SPAWN_WAIT_MS = 5000,    /* connect_or_spawn waits this long for the socket */
};

/* The server's error codes (docs/server.md "Responses") and the errno each
 * becomes. MVDM_ERR_TRANSPORT and MVDM_ERR_PROTOCOL are the library's own:
 * the connection failed, or the server's answer was not a valid response. */
enum mvdm_error {
	MVDM_ERR_NONE = 0,
	MVDM_ERR_BAD_JSON,            /* bad_json            -EINVAL */
	MVDM_ERR_TOO_LARGE,           /* too_large           -E2BIG */
	MVDM_ERR_UNSUPPORTED_VERSION, /* unsupported_version -EPROTONOSUPPORT */
	MVDM_ERR_BAD_REQUEST,         /* bad_request         -EINVAL */
	MVDM_ERR_UNKNOWN_OP,          /* unknown_op          -EOPNOTSUPP */
	MVDM_ERR_NO_SUCH_VM,          /* no_such_vm          -ESRCH */
	MVDM_ERR_BAD_STATE,           /* bad_state           -EBUSY */
	MVDM_ERR_BAD_SETTING,         /* bad_setting         -EINVAL */
	MVDM_ERR_CREATE_FAILED,       /* create_failed       -ENOEXEC */
	MVDM_ERR_TOO_MANY,            /* too_many            -EAGAIN */
	MVDM_ERR_VDD_ERROR,           /* vdd_error           -EIO */
	MVDM_ERR_TIMEOUT,             /* timeout             -ETIMEDOUT */
	MVDM_ERR_INTERNAL,            /* internal            -EREMOTEIO */
	MVDM_ERR_UNKNOWN,             /* a code this library does not know: -EPROTO */
	MVDM_ERR_TRANSPORT,           /* connection lost or unusable: -EPIPE, -ECONNRESET, -ENOTCONN... */
	MVDM_ERR_PROTOCOL,            /* the response is not valid:   -EPROTO, -EMSGSIZE */
	MVDM_ERR_LOCAL,               /* the arguments were refused before sending: -EINVAL, -ENOMEM */
};

/* The code's name as the protocol spells it ("no_such_vm"), or the
 * library's own name ("transport", "protocol", "local"). */
const char *mvdm_error_name(enum mvdm_error e);

/* ---- connections ---- */

/* The default socket path: $MVDM_SOCKET if set and not empty, else
 * $XDG_RUNTIME_DIR/mvdm/mvdmd.sock, else /tmp/mvdm-$UID/mvdmd.sock.
 * Returns 0, or -ENAMETOOLONG if it does not fit in buf[len]. */
int mvdm_client_default_socket(char *buf, size_t len);

/* The directory of socket_path (with create: made, mode 0700, if missing)
 * must be a real directory owned by this user that no one else can enter
 * (mode 0700): whoever else could write it could put their own server in
 * our place. Returns 0, or -ENOTDIR / -EPERM / another -errno with the
 * reason in err. A missing directory is fine without create (nothing
 * listens). mvdm_client_connect() checks the default path's directory this
 * way, mvdmd checks it before it listens there. */
int mvdm_socket_dir_check(const char *socket_path, bool create, char *err, size_t errlen);

/* Connects to the server at socket_path (NULL = the default path). Returns
 * 0 and *out, or a negative errno (-ENOENT / -ECONNREFUSED: no server
 * listens; -ENAMETOOLONG: the path does not fit a Unix socket address) with
 * a message in err[errlen] (err may be NULL). Nothing is sent: use
 * mvdm_client_hello() to check the server's version. */
int mvdm_client_connect(const char *socket_path, struct mvdm_client **out, char *err, size_t errlen);

/* As mvdm_client_connect(), but when nothing listens on the socket it runs
 * `mvdmd_path --socket PATH` (mvdmd_path NULL = "mvdmd" from PATH; a name
 * without '/' is looked up in PATH) with stdin and stdout on /dev/null and
 * stderr into a pipe (what it says before it fails ends up in err, nothing
 * on the caller's stderr), and retries for up to MVDM_SPAWN_WAIT_MS.
 * mvdmd detaches itself once it listens (its first process exits), so it
 * does not stay the caller's child: that first process is reaped when it
 * has exited within the wait. Errors as for connect, and -ETIMEDOUT; the
 * message says when mvdmd could not be run, exited before it listened or
 * did not listen in time. Concurrent callers may each start an mvdmd: the
 * server that loses the race for the socket exits, and every caller
 * connects to the one that listens. */
int mvdm_client_connect_or_spawn(const char *socket_path, const char *mvdmd_path, struct mvdm_client **out,
				 char *err, size_t errlen);

/* Closes the connection and frees c (NULL is fine). VMs created `owned`
 * on it are killed by the server. */
void mvdm_client_close(struct mvdm_client *c);

/* The server's message (or the library's) for the last failed call on c,
 * "" after a successful one. Valid until the next call on c. */
const char *mvdm_client_error(const struct mvdm_client *c);
enum mvdm_error mvdm_client_error_code(const struct mvdm_client *c);

/* The connection's socket (for poll(): it never has unread responses
 * between calls, since every call reads its own response). */
int mvdm_client_fd(const struct mvdm_client *c);

/* ---- the raw request ---- */

/* Sends request_json_line (one JSON object; a final '\n' is optional, other
 * line breaks are refused with -EINVAL) and reads its response.
 * *response_json receives the response line (malloc'd, without the '\n';
 * free() it) whenever one arrived, also for "ok": false. Returns 0 for
 * "ok": true, the error's errno for "ok": false (message and code as
 * above), or a transport/protocol errno with *response_json NULL. */
int mvdm_client_call(struct mvdm_client *c, const char *request_json_line, char **response_json);

/* ---- typed requests: one per request of docs/server.md ---- */

enum mvdm_mode {
	MVDM_MODE_CONCURRENT = 0,
	MVDM_MODE_EXCLUSIVE,
};

enum mvdm_vm_state {
	MVDM_STATE_UNKNOWN = 0,       /* a state this library does not know */
	MVDM_STATE_RUNNING,
	MVDM_STATE_IDLE,
	MVDM_STATE_PAUSED,
	MVDM_STATE_FROZEN,
	MVDM_STATE_EXITED,            /* the ended states from here on */
	MVDM_STATE_FAULTED,
	MVDM_STATE_KILLED,
	MVDM_STATE_TIMED_OUT,
};
/* "running", "timed_out"... ("unknown" for MVDM_STATE_UNKNOWN). */
const char *mvdm_state_name(enum mvdm_vm_state s);
bool mvdm_state_ended(enum mvdm_vm_state s);

/* The id of VM `vm`: its id written in decimal (taken as is, no request),
 * or its name (as create's `name` gave it, or vmID): asked of the server
 * (status with the name, protocol 2). Returns 0 and *id, -ESRCH (no such
 * VM) or another negative errno. */
int mvdm_client_find(struct mvdm_client *c, const char *vm, uint64_t *id);

struct mvdm_hello {
	int protocol;                 /* 1 */
	char server[64];              /* "mvdm 0.1.0" (truncated to fit) */
	unsigned workers;             /* worker threads */
	unsigned vms;                 /* VMs the server holds */
};
int mvdm_client_hello(struct mvdm_client *c, struct mvdm_hello *h);

/* A create request. Zero-initialise it and set what you need: every field
 * left 0/NULL/false is not sent, so the server's default applies. The
 * pointers are only read during the call. */
struct mvdm_create_req {
	const char *program;          /* required: a DOS path (C:\HELLO.COM, HELLO, Z:\COMMAND.COM) */
	const char *const *args;      /* NULL-terminated: the command tail's words, or NULL */
	const char *drives[26];       /* A..Z: absolute host directories, NULL = not mapped */
	const char *const *env;       /* NULL-terminated "NAME=VALUE", or NULL */
	const char *const *settings;  /* NULL-terminated "NAME=VALUE" DOS settings, or NULL;
				       * each value is sent as a JSON string */
	enum mvdm_mode mode;
	double timeout_s;             /* > 0: wall-clock limit; 0 = none */
	double mips;                  /* > 0: speed cap; 0 = the CPU_SPEED setting */
	const char *name;             /* at most MVDM_NAME_MAX bytes, or NULL */
	bool paused;                  /* create it paused */
	bool owned;                   /* killed when this connection closes */
	uint64_t like;                /* copy drives, env, settings, timeout, mips from this VM; 0 = none */
	/* Protocol 2: */
	const char *profile;          /* a profile the server reads (a name in its configuration
				       * directory, or an absolute path; mvdm/profile.h), or NULL */
	const char *autoexec;         /* start-up commands, "\r\n" after each line, or NULL */
};
/* Creates a VM. Returns 0 with *id (and its name in name[name_len] when
 * name is not NULL, truncated to fit). -EINVAL without a program, with an
 * `=`-less env or settings entry, or a name over MVDM_NAME_MAX bytes. */
int mvdm_client_create(struct mvdm_client *c, const struct mvdm_create_req *r, uint64_t *id, char *name,
		       size_t name_len);

/* One line of `list`; strings are truncated to fit. */
struct mvdm_vm_info {
	uint64_t id;
	char name[MVDM_NAME_MAX + 1];
	char program[MVDM_PROGRAM_MAX + 1];
	enum mvdm_vm_state state;
	enum mvdm_mode mode;
	bool has_exit_code;           /* exited: exit_code is the DOS return code */
	int exit_code;
};
/* Lists the VMs: *vms is a malloc'd array of *count entries (NULL when 0);
 * free() it. */
int mvdm_client_list(struct mvdm_client *c, struct mvdm_vm_info **vms, size_t *count);

struct mvdm_vm_status {
	struct mvdm_vm_info info;
	char reason[MVDM_REASON_MAX + 1]; /* faulted, killed, timed out; "" otherwise */
	uint64_t insns;               /* guest instructions retired */
	double cpu_s;                 /* host CPU seconds spent running it */
	double wall_s;                /* seconds since create */
	bool has_first_insn;
	double first_insn_us;         /* create request to the first guest instruction */
	uint64_t parent;              /* the VM whose START made it, 0 = none */
};
int mvdm_client_status(struct mvdm_client *c, uint64_t id, struct mvdm_vm_status *s);

/* How an ended VM ended. */
struct mvdm_wait_result {
	enum mvdm_vm_state state;
	bool has_exit_code;
	int exit_code;
	char reason[MVDM_REASON_MAX + 1];
};
/* Waits until VM id has ended (timeout_s > 0: at most that long, then
 * -ETIMEDOUT with code MVDM_ERR_TIMEOUT; <= 0: no limit). Holds c until
 * answered. */
int mvdm_client_wait(struct mvdm_client *c, uint64_t id, double timeout_s, struct mvdm_wait_result *r);

/* focus: this connection takes (on) or gives back the VM's foreground
 * until it closes (a VM with DOS_BACKGROUND_EXECUTION off runs only while
 * some connection holds it). *state (may be NULL) as below. */
int mvdm_client_focus(struct mvdm_client *c, uint64_t id, bool on, enum mvdm_vm_state *state);

/* pause, resume, kill, remove: *state (may be NULL) gets the VM's state
 * after the request (MVDM_STATE_UNKNOWN when the server gave none or one
 * this library does not know, such as "removed" after remove). */
int mvdm_client_pause(struct mvdm_client *c, uint64_t id, enum mvdm_vm_state *state);
int mvdm_client_resume(struct mvdm_client *c, uint64_t id, enum mvdm_vm_state *state);
int mvdm_client_kill(struct mvdm_client *c, uint64_t id, enum mvdm_vm_state *state);
int mvdm_client_remove(struct mvdm_client *c, uint64_t id, enum mvdm_vm_state *state);

/* The VM's text screen (an ended VM's last one). *s gets mode, size,
 * cursor row/col/visibility and the cells decoded from the hexadecimal
 * "cells" (character | attribute << 8); cursor_start/cursor_end are 0 (the
 * protocol does not carry them); cells beyond cols x rows are 0. A screen
 * over 80x50 cells is -EPROTO. When text is not NULL, *text gets the rows
 * of "text" (UTF-8, trailing blanks kept) joined with '\n' and ended with
 * one, malloc'd: free() it. */
int mvdm_client_screen(struct mvdm_client *c, uint64_t id, struct vm16_screen *s, char **text);

/* The VM's picture now (the screenshot request): a PNG at the frame's
 * native size, malloc'd into *png (free() it) with *len bytes; *info (may
 * be NULL) gets the size, the BIOS mode (FFh: a VBE mode), whether it is
 * a graphics mode and the frame serial. An ended VM has no picture
 * (-EBUSY, code bad_state). */
struct mvdm_picture {
	uint32_t width, height;
	int mode;
	bool graphics;
	uint64_t serial;
};
int mvdm_client_screenshot(struct mvdm_client *c, uint64_t id, uint8_t **png, size_t *len,
			   struct mvdm_picture *info);

/* The host's mouse to the VM (the mouse request): relative motion in
 * mickeys (dx, dy) with the buttons held (bit 0 left, 1 right, 2 middle). */
int mvdm_client_mouse(struct mvdm_client *c, uint64_t id, int dx, int dy, unsigned buttons);
/* The same as an absolute position (x, y) in the VM's picture (a window
 * showing its screenshots). */
int mvdm_client_mouse_at(struct mvdm_client *c, uint64_t id, int x, int y, unsigned buttons);

/* Types ASCII text on the VM's US keyboard ("\r" or "\n" Enter, "\t" Tab,
 * "\b" Backspace, "\x1b" Esc). Bytes 80h-FFh are refused (-EINVAL) before
 * sending. *queued (may be NULL) gets the key events that went in. A full
 * keyboard queue is -EBUSY (code bad_state). */
int mvdm_client_keys_text(struct mvdm_client *c, uint64_t id, const char *text, unsigned *queued);

/* One raw key event: a set-1 make code (1-127), E0-prefixed or not. */
struct mvdm_key {
	uint8_t make;
	bool extended;
	bool pressed;
};
/* Sends n raw key events in one request (n >= 1; make codes outside 1-127
 * are -EINVAL). *queued as above. */
int mvdm_client_keys_scancodes(struct mvdm_client *c, uint64_t id, const struct mvdm_key *keys, size_t n,
			       unsigned *queued);

/* An output request: bytes of the VM's console output from byte offset
 * `from` (0 = the start). */
struct mvdm_output_req {
	uint64_t from;
	size_t max;                   /* bytes at most; 0 = the server's default (65536) */
	bool wait;                    /* if nothing is there yet, wait for output or the end */
	double timeout_s;             /* with wait, > 0: at most that long (then -ETIMEDOUT) */
};
struct mvdm_output {
	char *text;                   /* malloc'd, NUL-terminated UTF-8 (control characters kept) */
	size_t len;                   /* bytes in text */
	uint64_t next;                /* the `from` of the next request */
	uint64_t lost;                /* bytes the ring no longer held, skipped */
	bool ended;                   /* the VM has ended and next is the end */
};
int mvdm_client_output(struct mvdm_client *c, uint64_t id, const struct mvdm_output_req *r,
		       struct mvdm_output *out);
/* Frees out->text and clears *out. */
void mvdm_output_free(struct mvdm_output *out);

/* ---- settings ---- */

enum mvdm_setting_type {
	MVDM_SETTING_UNKNOWN = 0,
	MVDM_SETTING_BOOL,
	MVDM_SETTING_INT,
	MVDM_SETTING_CHOICE,
};

/* One DOS setting. Values are text as a settings file would spell them:
 * booleans "true"/"false", integers in decimal, choices as given. */
struct mvdm_setting {
	char *name;
	enum mvdm_setting_type type;
	char *value;
	char *def;
	bool has_range;               /* min and max were given */
	int64_t min, max;
	char **choices;               /* NULL-terminated (choice settings), else NULL */
	bool live;                    /* can change while the VM runs */
	char *source;                 /* "default", "file:PATH", "request" */
	char *help;
};
struct mvdm_settings {
	size_t count;
	struct mvdm_setting *items;
};
/* The settings of VM id. Free *out with mvdm_settings_free(). */
int mvdm_client_settings(struct mvdm_client *c, uint64_t id, struct mvdm_settings *out);
/* The effective settings of a program that is not running: program and
 * drives as for create (at least one drive). */
int mvdm_client_settings_program(struct mvdm_client *c, const char *program, const char *const drives[26],
				 struct mvdm_settings *out);
/* Frees every string and clears *s (NULL is fine). */
void mvdm_settings_free(struct mvdm_settings *s);

/* Changes live settings of a running VM: settings is a NULL-terminated
 * "NAME=VALUE" list (at least one). All are checked before any applies. */
int mvdm_client_set(struct mvdm_client *c, uint64_t id, const char *const *settings);

/* ---- VDD channels (vdd.h request entry point) ---- */

int mvdm_client_vdd_open(struct mvdm_client *c, uint64_t id, const char *vdd, uint64_t *chan);
/* Sends in[0..in_len) with the VDD's own request code op; the answer (at
 * most max bytes, 0 = the server's default 4096) goes to out[0..max) and
 * its length to *out_len. An answer longer than max is -EPROTO. */
int mvdm_client_vdd_request(struct mvdm_client *c, uint64_t id, uint64_t chan, uint32_t op, const void *in,
			    size_t in_len, void *out, size_t max, size_t *out_len);
int mvdm_client_vdd_close(struct mvdm_client *c, uint64_t id, uint64_t chan);

/* Ends every VM and the server (answered before it goes). */
int mvdm_client_shutdown(struct mvdm_client *c);

/* ---- helpers for clients (pure functions) ---- */

/* Decodes C-style escapes in `in` into out[0..max): \r \n \t \b \e (Esc)
 * \a \f \v \\ \' \" and \xHH (one or two hex digits). Returns the
 * length written (out is NUL-terminated) or -EINVAL (an unknown escape, a
 * \x without digits, \x00 or a trailing backslash; *bad then points at the
 * offending backslash when bad is not NULL) or -ENOSPC (max too small,
 * including the NUL). */
int mvdm_unescape(const char *in, char *out, size_t max, const char **bad);

/* Decodes one row of the screen's "cells": 4 hexadecimal digits per cell
 * (character code, then attribute; either case) into cells[0..ncells) as
 * character | attribute << 8. Returns 0, or -EINVAL if hex is not exactly
 * 4 * ncells hexadecimal digits. */
int mvdm_decode_cells(const char *hex, uint16_t *cells, size_t ncells);

#endif
