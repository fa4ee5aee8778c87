/*
 * server_internal.h - the server's state, shared by server.c (socket,
 * connections, event loop) and requests.c (the request handlers).
 */
#ifndef MVDM_SERVER_SERVER_INTERNAL_H
#define MVDM_SERVER_SERVER_INTERNAL_H

#include <cjson/cJSON.h>

#include "server/sched.h"
#include "server/server.h"

enum {
	SERVER_LINE_MAX = 65536,     /* longest request line (docs/server.md) */
	SERVER_MAX_CONNS = 1024,
	SERVER_PROTOCOL = 2,         /* 2: ids or names, create's profile and autoexec, screenshot, mouse; 1 accepted */
	CONN_MAX_FOCUS = 16,
};

/* A request held until something happens (wait, output with wait, kill
 * or pause of a VM a worker runs: until the worker has ended or parked it). */
enum pending_kind { PENDING_NONE, PENDING_WAIT, PENDING_OUTPUT, PENDING_SETTLE };

struct conn {
	int fd;
	int id;                      /* never reused: VMs remember their owner by it */
	char *in;                    /* bytes received, not yet a whole line */
	size_t in_len;
	bool discarding;             /* skipping the rest of an oversized line */
	bool eof;                    /* the client sent everything it will */
	char *out;                   /* response bytes not yet sent */
	size_t out_len, out_pos;
	enum pending_kind pending;
	cJSON *pending_req;          /* the held request (owned) */
	struct vdm *pending_vm;      /* with a reference */
	uint64_t pending_deadline;   /* monotonic ns, UINT64_MAX = none */
	uint32_t focus[CONN_MAX_FOCUS]; /* VMs this client holds in the foreground */
	unsigned nfocus;
};

struct server {
	struct server_config cfg;
	char socket_path[108];
	char config_dir[512];
	char home[512];
	struct sched sched;
	struct vm16_host *host;      /* shared by every VM: global VDDs, decoded code */
	int listen_fd;
	int event_fd;                /* eventfd: a VM ended or wrote output */
	int stop_fd;                 /* eventfd: server_stop() */
	int lock_fd;                 /* PATH.lock, flocked while the server runs */
	int spare_fd;                /* held to be given up when out of descriptors */
	bool inherited;              /* listen_fd came from systemd: its file is not ours */
	uint64_t accept_paused_until;/* monotonic ns: the listening socket is not polled before */
	bool fds_short_logged;       /* "out of descriptors" said, "again" not yet */
	struct conn *conns[SERVER_MAX_CONNS];
	unsigned nconns;
	int next_conn_id;
	uint32_t next_id;            /* guarded by sched.lock */
	bool shutting_down;
};

/* Handles one request line of c. Returns 0 when answered (the response is
 * queued on c; the caller frees req), 1 when the handler took req over
 * (held in c->pending_req, or already answered and freed). */
int server_handle(struct server *s, struct conn *c, cJSON *req);
/* Tries to answer c's held request; `expired` forces the timeout answer. */
void server_retry_pending(struct server *s, struct conn *c, bool expired);

/* Queues a response (adds "ok", the request's tag and the newline). */
void server_reply(struct conn *c, const cJSON *req, cJSON *result);
void server_reply_error(struct conn *c, const cJSON *req, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One line of the server's log (server_config.log), about VM vm (0: the
 * server). */
void server_log(struct server *s, uint32_t vm, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void server_log_level(struct server *s, int level, uint32_t vm, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* vm16_log_fn for every VM (ctx = its vdm): its log goes to the server's
 * with its id. */
void server_vm_log(void *ctx, struct vm *vm, enum vm16_log_category cat, const char *msg);

/* dos_config.start for every VM: START in the shell (ctx = the parent vdm). */
int server_start_child(void *ctx, const char *program, const char *tail, char *err, size_t errlen);

/* A client connection closed: kill the VMs it owns, leave its foregrounds. */
void server_conn_gone(struct server *s, struct conn *c);

#endif
