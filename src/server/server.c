/*
 * server.c - mvdmd's socket, connections and event loop (server.h).
 *
 * One thread polls the listening socket, every connection and two
 * eventfds (VM events from the workers, stop). Each connection's requests
 * are answered in order, one at a time (docs/server.md "Framing"): a new
 * line is read only when the previous response was sent and nothing is
 * held, so a client that does not read its answers only stalls itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "server/decode.h"
#include "server/server_internal.h"
#include "server/vdm_build.h"

enum { POLL_MS = 100, READ_CHUNK = 16384, ACCEPT_PAUSE_MS = 100 };

/* ---- the log ---- */

static void log_va(struct server *s, int level, uint32_t vm, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void log_va(struct server *s, int level, uint32_t vm, const char *fmt, va_list ap)
{
	if (!s->cfg.log)
		return;
	char msg[768];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *p = msg; *p; p++) /* one line each: a guest's name holds no newline */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	s->cfg.log(s->cfg.log_ctx, level, vm, msg);
}

void server_log(struct server *s, uint32_t vm, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_va(s, SERVER_LOG_INFO, vm, fmt, ap);
	va_end(ap);
}

void server_log_level(struct server *s, int level, uint32_t vm, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_va(s, level, vm, fmt, ap);
	va_end(ap);
}

void server_vm_log(void *ctx, struct vm *vm, enum vm16_log_category cat, const char *msg)
{
	(void)vm;
	struct vdm *v = ctx;
	server_log_level(v->server, SERVER_LOG_WARNING, v->id, "%s: %s", vm16_log_category_name(cat), msg);
}

/* sched.ended (sched.lock held): say how it ended, wake the loop. */
static void vm_ended(void *ctx, struct vdm *v)
{
	struct server *s = ctx;
	if (v->state == VDM_EXITED)
		server_log(s, v->id, "exited with code %d", v->exit_code);
	else
		server_log(s, v->id, "%s: %s", vdm_state_name(v->state), v->reason);
	uint64_t one = 1;
	ssize_t n = write(s->event_fd, &one, sizeof(one));
	(void)n;
}

static void notify(void *ctx, struct vdm *v)
{
	(void)v;
	struct server *s = ctx;
	uint64_t one = 1;
	ssize_t n = write(s->event_fd, &one, sizeof(one));
	(void)n; /* a full counter still wakes the loop */
}

/* ---- responses ---- */

static void queue_bytes(struct conn *c, const char *data, size_t len)
{
	if (c->out_pos == c->out_len)
		c->out_pos = c->out_len = 0;
	char *o = realloc(c->out, c->out_len + len);
	if (!o)
		return; /* out of memory: the client sees no answer and may retry */
	c->out = o;
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
}

/* Queues resp as one line, valid UTF-8 whatever its strings held (a
 * guest's file name in a reason, a message cut mid-character). */
static void send_json(struct conn *c, cJSON *resp)
{
	char *json = cJSON_PrintUnformatted(resp);
	size_t len = 0;
	char *text = json ? utf8_scrub(json, strlen(json), &len) : NULL;
	cJSON_free(json);
	if (text) {
		queue_bytes(c, text, len);
		queue_bytes(c, "\n", 1);
		free(text);
	} else {
		static const char oom[] =
			"{\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}\n";
		queue_bytes(c, oom, sizeof(oom) - 1);
	}
}

static void add_tag(cJSON *resp, const cJSON *req)
{
	const cJSON *tag = req ? cJSON_GetObjectItemCaseSensitive(req, "tag") : NULL;
	if (tag)
		cJSON_AddItemToObject(resp, "tag", cJSON_Duplicate(tag, true));
}

void server_reply(struct conn *c, const cJSON *req, cJSON *result)
{
	cJSON *resp = cJSON_CreateObject();
	cJSON_AddBoolToObject(resp, "ok", true);
	add_tag(resp, req);
	if (result) {
		while (result->child) {
			cJSON *m = cJSON_DetachItemViaPointer(result, result->child);
			cJSON_AddItemToObject(resp, m->string, m);
		}
		cJSON_Delete(result);
	}
	send_json(c, resp);
	cJSON_Delete(resp);
}

void server_reply_error(struct conn *c, const cJSON *req, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cJSON *resp = cJSON_CreateObject();
	cJSON_AddBoolToObject(resp, "ok", false);
	add_tag(resp, req);
	cJSON *e = cJSON_AddObjectToObject(resp, "error");
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	send_json(c, resp);
	cJSON_Delete(resp);
}

/* ---- connections ---- */

static void conn_close(struct server *s, unsigned k)
{
	struct conn *c = s->conns[k];
	if (c->pending_vm)
		sched_put(&s->sched, c->pending_vm);
	cJSON_Delete(c->pending_req);
	server_conn_gone(s, c);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
	s->conns[k] = s->conns[--s->nconns];
}

/* Out of file descriptors (EMFILE, ENFILE): the pending connection stays
 * in the backlog and poll() reports the socket readable at once, again and
 * again. The spare descriptor held for this is given up to accept the
 * connection and close it with an answer, so the client learns why; when
 * even that fails, accepting pauses for ACCEPT_PAUSE_MS. Never a busy loop. */
static void refuse_for_lack_of_fds(struct server *s, int err)
{
	if (!s->fds_short_logged) {
		server_log(s, 0, "cannot accept a connection: %s (connections are refused until some close)",
			   strerror(err));
		s->fds_short_logged = true;
	}
	if (s->spare_fd >= 0) {
		close(s->spare_fd);
		s->spare_fd = -1;
	}
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0) {
		static const char full[] = "{\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":"
					   "\"the server is out of file descriptors\"}}\n";
		ssize_t n = write(fd, full, sizeof(full) - 1);
		(void)n;
		close(fd);
	}
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || s->spare_fd < 0)
		s->accept_paused_until = sched_now_ns() + ACCEPT_PAUSE_MS * 1000000ull;
}

static void accept_conn(struct server *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			refuse_for_lack_of_fds(s, errno);
		else if (errno == ENOBUFS || errno == ENOMEM)
			s->accept_paused_until = sched_now_ns() + ACCEPT_PAUSE_MS * 1000000ull;
		return;
	}
	if (s->fds_short_logged && s->spare_fd >= 0) {
		server_log(s, 0, "accepting connections again");
		s->fds_short_logged = false;
	}
	struct conn *c = s->nconns < SERVER_MAX_CONNS ? calloc(1, sizeof(*c)) : NULL;
	if (c)
		c->in = malloc(SERVER_LINE_MAX + 1);
	if (!c || !c->in) {
		static const char full[] =
			"{\"ok\":false,\"error\":{\"code\":\"internal\",\"message\":\"too many connections\"}}\n";
		ssize_t n = write(fd, full, sizeof(full) - 1);
		(void)n;
		close(fd);
		if (c)
			free(c);
		return;
	}
	c->fd = fd;
	c->id = ++s->next_conn_id;
	s->conns[s->nconns++] = c;
}

/* Handles the complete lines in c->in while c may take a request. */
static void process_lines(struct server *s, struct conn *c)
{
	while (c->pending == PENDING_NONE && c->out_pos == c->out_len && !s->shutting_down) {
		char *nl = memchr(c->in, '\n', c->in_len);
		if (!nl)
			return;
		size_t len = (size_t)(nl - c->in);
		if (c->discarding) {
			c->discarding = false;
		} else {
			char why[160];
			cJSON *req = request_decode(c->in, len, why, sizeof(why));
			if (!req) {
				server_reply_error(c, NULL, "bad_json", "%s", why);
			} else if (server_handle(s, c, req) == 0) {
				cJSON_Delete(req);
			} /* else held: c->pending_req owns it */
		}
		memmove(c->in, nl + 1, c->in_len - len - 1);
		c->in_len -= len + 1;
	}
}

/* Reads what the client sent. Returns false when the connection is done. */
static bool conn_read(struct server *s, struct conn *c)
{
	for (;;) {
		if (c->in_len == SERVER_LINE_MAX) {
			/* No newline in a full buffer: the line is too long. */
			if (!c->discarding)
				server_reply_error(c, NULL, "too_large", "a request line is longer than %d bytes",
						   SERVER_LINE_MAX);
			c->discarding = true;
			c->in_len = 0;
		}
		ssize_t n = read(c->fd, c->in + c->in_len, SERVER_LINE_MAX - c->in_len);
		if (n == 0) {
			/* End of input: the requests already sent are still
			 * answered (a half-closed socket), unless one is held. */
			c->eof = true;
			process_lines(s, c);
			return c->pending == PENDING_NONE;
		}
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		size_t old = c->in_len;
		c->in_len += (size_t)n;
		if (c->discarding) {
			char *nl = memchr(c->in + old, '\n', c->in_len - old);
			if (!nl) {
				c->in_len = 0;
				continue;
			}
			size_t rest = c->in_len - (size_t)(nl + 1 - c->in);
			memmove(c->in, nl + 1, rest);
			c->in_len = rest;
			c->discarding = false;
		}
		process_lines(s, c);
		if (c->pending != PENDING_NONE || c->out_pos != c->out_len)
			return true; /* read more only once this one is answered */
	}
}

static bool conn_write(struct conn *c)
{
	while (c->out_pos < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_pos, c->out_len - c->out_pos, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->out_pos += (size_t)n;
	}
	return true;
}

/* ---- the loop ---- */

/* How long the loop may sleep: until the next deadline it must act on (a
 * paused VM's time limit, a held request's timeout), at most POLL_MS. */
static int poll_timeout_ms(const struct server *s, uint64_t vm_deadline)
{
	uint64_t next = vm_deadline, now = sched_now_ns();
	for (unsigned k = 0; k < s->nconns; k++)
		if (s->conns[k]->pending != PENDING_NONE && s->conns[k]->pending_deadline < next)
			next = s->conns[k]->pending_deadline;
	if (next <= now)
		return 0;
	uint64_t ms = (next - now + 999999) / 1000000;
	return ms < POLL_MS ? (int)ms : POLL_MS;
}

int server_run(struct server *s)
{
	struct pollfd *fds = calloc(SERVER_MAX_CONNS + 3, sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	uint64_t last_tick = 0;
	while (!s->shutting_down) {
		/* Paused and frozen VMs whose time ran out end here (the
		 * workers end the others); the loop wakes for the next one. */
		uint64_t vm_deadline = sched_check_deadlines(&s->sched);
		bool accepting = sched_now_ns() >= s->accept_paused_until;
		fds[0] = (struct pollfd){ .fd = s->listen_fd, .events = accepting ? POLLIN : 0 };
		fds[1] = (struct pollfd){ .fd = s->event_fd, .events = POLLIN };
		fds[2] = (struct pollfd){ .fd = s->stop_fd, .events = POLLIN };
		for (unsigned k = 0; k < s->nconns; k++) {
			struct conn *c = s->conns[k];
			short ev = c->out_pos < c->out_len			 ? POLLOUT
				   : c->pending == PENDING_NONE && !c->eof ? POLLIN
									     : 0;
			fds[3 + k] = (struct pollfd){ .fd = c->fd, .events = ev };
		}
		unsigned n = s->nconns;
		poll(fds, 3 + n, poll_timeout_ms(s, vm_deadline));
		uint64_t counter;
		if (fds[2].revents & POLLIN)
			break;
		bool vm_events = false;
		if (fds[1].revents & POLLIN)
			vm_events = read(s->event_fd, &counter, sizeof(counter)) > 0;
		uint64_t now = sched_now_ns();
		bool tick = now - last_tick > POLL_MS * 1000000ull;
		if (tick)
			last_tick = now;
		/* Connections, last first so closing one does not skip another. */
		for (unsigned k = n; k-- > 0;) {
			struct conn *c = s->conns[k];
			bool alive = true;
			if (fds[3 + k].revents & (POLLERR | POLLNVAL))
				alive = false;
			if (alive && (fds[3 + k].revents & POLLOUT))
				alive = conn_write(c);
			if (alive && (fds[3 + k].revents & (POLLIN | POLLHUP)))
				alive = conn_read(s, c);
			if (alive && c->pending != PENDING_NONE && (vm_events || tick || now >= c->pending_deadline))
				server_retry_pending(s, c, now >= c->pending_deadline);
			if (alive && c->out_pos < c->out_len)
				alive = conn_write(c);
			if (alive && c->out_pos == c->out_len && c->pending == PENDING_NONE && c->in_len)
				process_lines(s, c); /* lines that came with the last read */
			if (alive && c->out_pos < c->out_len)
				alive = conn_write(c);
			if (alive && c->eof && c->out_pos == c->out_len && c->pending == PENDING_NONE &&
			    !memchr(c->in, '\n', c->in_len))
				alive = false; /* all answered */
			if (!alive)
				conn_close(s, k);
		}
		if (fds[0].revents & POLLIN)
			accept_conn(s);
	}
	/* Send the answer to `shutdown` (and any other) before leaving. */
	for (unsigned k = 0; k < s->nconns; k++) {
		int fl = fcntl(s->conns[k]->fd, F_GETFL);
		fcntl(s->conns[k]->fd, F_SETFL, fl & ~O_NONBLOCK);
		conn_write(s->conns[k]);
	}
	free(fds);
	return 0;
}

void server_stop(struct server *s)
{
	uint64_t one = 1;
	ssize_t n = write(s->stop_fd, &one, sizeof(one));
	(void)n;
}

/* ---- lifecycle ---- */

/* Serves on the listening socket systemd passed (socket activation): it
 * must be a listening Unix stream socket. The path is only for the log;
 * systemd owns the file, so it stays when the server ends. */
static int listen_inherited(struct server *s, char *err, size_t errlen)
{
	int fd = s->cfg.listen_fd, type = 0, listening = 0;
	socklen_t len = sizeof(type);
	struct sockaddr_un sa;
	socklen_t salen = sizeof(sa);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &(socklen_t){ sizeof(listening) }) < 0 ||
	    !listening || getsockname(fd, (struct sockaddr *)&sa, &salen) < 0 || sa.sun_family != AF_UNIX) {
		snprintf(err, errlen, "the inherited descriptor %d is not a listening Unix stream socket", fd);
		return -ENOTSOCK;
	}
	if (salen > offsetof(struct sockaddr_un, sun_path) && sa.sun_path[0])
		snprintf(s->socket_path, sizeof(s->socket_path), "%.*s",
			 (int)(salen - offsetof(struct sockaddr_un, sun_path)), sa.sun_path);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	s->listen_fd = fd;
	s->inherited = true;
	return 0;
}

/* Takes PATH.lock (made if missing). A lock file another server removed
 * while we waited for it locks nothing: then try again with the file that
 * is there now. Returns 0 or -errno. */
static int take_lock(struct server *s, const char *lock)
{
	for (int tries = 0; tries < 100; tries++) {
		int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		struct stat held, now;
		if (flock(fd, LOCK_EX) < 0 || fstat(fd, &held) < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (stat(lock, &now) == 0 && now.st_dev == held.st_dev && now.st_ino == held.st_ino) {
			s->lock_fd = fd;
			return 0;
		}
		close(fd);
	}
	return -EAGAIN;
}

static int listen_on(struct server *s, char *err, size_t errlen)
{
	if (s->cfg.listen_fd > 0)
		return listen_inherited(s, err, errlen);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(s->cfg.socket_path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", s->cfg.socket_path);
		return -ENAMETOOLONG;
	}
	snprintf(s->socket_path, sizeof(s->socket_path), "%s", s->cfg.socket_path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s->socket_path);
	/* One server per socket: whoever holds PATH.lock probes, replaces a
	 * stale file and binds; a second server waits for the lock and then
	 * finds the first one live. The lock is held while the server runs
	 * and its file removed when the server ends (take_lock() copes with
	 * a file removed under a waiting server). */
	char lock[sizeof(s->socket_path) + 8];
	snprintf(lock, sizeof(lock), "%s.lock", s->socket_path);
	int rc = take_lock(s, lock);
	if (rc < 0) {
		errno = -rc;
		goto fail;
	}
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		goto fail;
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EADDRINUSE)
			goto fail;
		/* Someone answering there is a live server; else a stale file. */
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		bool live = probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		if (probe >= 0)
			close(probe);
		if (live) {
			snprintf(err, errlen, "a server already listens on %s", s->socket_path);
			close(s->listen_fd);
			s->listen_fd = -1;
			return -EADDRINUSE;
		}
		unlink(s->socket_path);
		if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			goto fail;
	}
	chmod(s->socket_path, 0600);
	if (listen(s->listen_fd, 128) < 0)
		goto fail;
	return 0;
fail:;
	int e = errno;
	snprintf(err, errlen, "cannot listen on %s: %s", s->socket_path, strerror(e));
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	s->listen_fd = -1;
	return -e;
}

int server_create(const struct server_config *cfg, struct server **out, char *err, size_t errlen)
{
	*out = NULL;
	struct server *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->cfg = *cfg;
	if (!s->cfg.max_vms)
		s->cfg.max_vms = 4096;
	if (!s->cfg.workers) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		s->cfg.workers = n > 0 ? (unsigned)n : 1;
	}
	if (s->cfg.workers > SCHED_MAX_WORKERS)
		s->cfg.workers = SCHED_MAX_WORKERS;
	if (cfg->config_dir)
		snprintf(s->config_dir, sizeof(s->config_dir), "%s", cfg->config_dir);
	s->cfg.config_dir = cfg->config_dir ? s->config_dir : NULL;
	if (cfg->home)
		snprintf(s->home, sizeof(s->home), "%s", cfg->home);
	s->cfg.home = cfg->home ? s->home : NULL;
	s->next_id = 1;
	s->listen_fd = s->event_fd = s->stop_fd = s->lock_fd = -1;
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC); /* for refuse_for_lack_of_fds() */
	int rc = vm16_host_create(&s->host);
	if (rc) {
		snprintf(err, errlen, "out of memory");
		free(s);
		return rc;
	}
	rc = sched_init(&s->sched, s->cfg.workers);
	if (rc) {
		snprintf(err, errlen, "bad worker count %u", s->cfg.workers);
		vm16_host_destroy(s->host);
		free(s);
		return rc;
	}
	s->sched.max_vms = s->cfg.max_vms;
	s->sched.ended = vm_ended;
	s->sched.parked = notify;
	s->sched.output = notify;
	s->sched.ctx = s;
	s->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->event_fd < 0 || s->stop_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	rc = listen_on(s, err, errlen);
	if (rc)
		goto fail;
	rc = sched_start(&s->sched);
	if (rc) {
		snprintf(err, errlen, "cannot start the workers: %s", strerror(-rc));
		goto fail;
	}
	server_log(s, 0, "listening on %s%s (%u workers, at most %u VMs)", s->socket_path,
		   s->inherited ? " (from systemd)" : "", s->cfg.workers, s->cfg.max_vms);
	*out = s;
	return 0;
fail:
	server_destroy(s);
	return rc;
}

void server_destroy(struct server *s)
{
	if (!s)
		return;
	while (s->nconns)
		conn_close(s, s->nconns - 1);
	sched_fini(&s->sched);
	vm16_host_destroy(s->host); /* after its VMs */
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		if (!s->inherited)
			unlink(s->socket_path);
	}
	if (s->event_fd >= 0)
		close(s->event_fd);
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	if (s->lock_fd >= 0) {
		/* No stale PATH.lock stays behind: removed while still held. */
		char lock[sizeof(s->socket_path) + 8];
		snprintf(lock, sizeof(lock), "%s.lock", s->socket_path);
		unlink(lock);
		close(s->lock_fd); /* releases the lock */
	}
	if (s->spare_fd >= 0)
		close(s->spare_fd);
	free(s);
}
