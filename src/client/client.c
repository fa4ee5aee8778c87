/*
 * client.c - connections to mvdmd and the request/response exchange
 * (docs/server.md "Framing" and "Responses"): one JSON object per line
 * each way, answered in order.
 *
 * Sources: unix(7) for AF_UNIX stream sockets and the sun_path limit,
 * send(2) MSG_NOSIGNAL, posix_spawn(3).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/client_internal.h"

extern char **environ;

/* ---- errors ---- */

/* The protocol's codes, in enum mvdm_error order, with their errno. */
static const struct {
	const char *name;
	int err;
} error_table[] = {
	[MVDM_ERR_NONE] = {"", 0},
	[MVDM_ERR_BAD_JSON] = {"bad_json", -EINVAL},
	[MVDM_ERR_TOO_LARGE] = {"too_large", -E2BIG},
	[MVDM_ERR_UNSUPPORTED_VERSION] = {"unsupported_version", -EPROTONOSUPPORT},
	[MVDM_ERR_BAD_REQUEST] = {"bad_request", -EINVAL},
	[MVDM_ERR_UNKNOWN_OP] = {"unknown_op", -EOPNOTSUPP},
	[MVDM_ERR_NO_SUCH_VM] = {"no_such_vm", -ESRCH},
	[MVDM_ERR_BAD_STATE] = {"bad_state", -EBUSY},
	[MVDM_ERR_BAD_SETTING] = {"bad_setting", -EINVAL},
	[MVDM_ERR_CREATE_FAILED] = {"create_failed", -ENOEXEC},
	[MVDM_ERR_TOO_MANY] = {"too_many", -EAGAIN},
	[MVDM_ERR_VDD_ERROR] = {"vdd_error", -EIO},
	[MVDM_ERR_TIMEOUT] = {"timeout", -ETIMEDOUT},
	[MVDM_ERR_INTERNAL] = {"internal", -EREMOTEIO},
	[MVDM_ERR_UNKNOWN] = {"unknown", -EPROTO},
	[MVDM_ERR_TRANSPORT] = {"transport", -EPIPE},
	[MVDM_ERR_PROTOCOL] = {"protocol", -EPROTO},
	[MVDM_ERR_LOCAL] = {"local", -EINVAL},
};
enum { ERROR_COUNT = sizeof(error_table) / sizeof(error_table[0]) };

const char *mvdm_error_name(enum mvdm_error e)
{
	return (unsigned)e < ERROR_COUNT ? error_table[e].name : "unknown";
}

int client_code_errno(enum mvdm_error code)
{
	return (unsigned)code < ERROR_COUNT ? error_table[code].err : -EPROTO;
}

int client_fail(struct mvdm_client *c, enum mvdm_error code, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	c->code = code;
	if (code == MVDM_ERR_TRANSPORT || code == MVDM_ERR_PROTOCOL)
		c->broken = true;
	return err;
}

void client_clear(struct mvdm_client *c)
{
	c->code = MVDM_ERR_NONE;
	c->msg[0] = 0;
}

const char *mvdm_client_error(const struct mvdm_client *c)
{
	return c ? c->msg : "no connection";
}

enum mvdm_error mvdm_client_error_code(const struct mvdm_client *c)
{
	return c ? c->code : MVDM_ERR_TRANSPORT;
}

int mvdm_client_fd(const struct mvdm_client *c)
{
	return c ? c->fd : -1;
}

/* ---- connecting ---- */

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool getenv_nonempty(const char *name)
{
	const char *v = getenv(name);
	return v && v[0];
}

int mvdm_client_default_socket(char *buf, size_t len)
{
	const char *env = getenv("MVDM_SOCKET");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;
	if (env && env[0])
		n = snprintf(buf, len, "%s", env);
	else if (xdg && xdg[0])
		n = snprintf(buf, len, "%s/mvdm/mvdmd.sock", xdg);
	else
		n = snprintf(buf, len, "/tmp/mvdm-%u/mvdmd.sock", (unsigned)getuid());
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int mvdm_socket_dir_check(const char *socket_path, bool create, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	size_t n = strlen(socket_path);
	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, socket_path, n + 1);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0; /* the root or the current directory: not ours to judge */
	*slash = 0;
	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST) {
		set_err(err, errlen, "cannot make the socket directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	struct stat st;
	if (lstat(dir, &st) < 0) {
		if (errno == ENOENT && !create)
			return 0; /* nothing listens there yet */
		set_err(err, errlen, "the socket directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	/* Anyone who could make or write this directory could put a server
	 * of theirs there (or remove ours): it must be a real directory of
	 * ours that nobody else can write. */
	if (!S_ISDIR(st.st_mode)) {
		set_err(err, errlen, "the socket directory %s is not a directory (a link?): refusing it", dir);
		return -ENOTDIR;
	}
	if (st.st_uid != getuid()) {
		set_err(err, errlen, "the socket directory %s belongs to uid %u, not to you (uid %u): refusing it", dir,
			(unsigned)st.st_uid, (unsigned)getuid());
		return -EPERM;
	}
	if (st.st_mode & 077) {
		set_err(err, errlen, "the socket directory %s is open to others (mode %04o, want 0700): refusing it",
			dir, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* Resolves NULL to the default path into buf. */
static int socket_path_or_default(const char *path, char *buf, size_t len)
{
	if (!path)
		return mvdm_client_default_socket(buf, len);
	if (strlen(path) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, path);
	return 0;
}

/* One connect attempt: 0 and *fd, or -errno. */
static int try_connect(const char *path, int *fd)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	while (connect(s, (const struct sockaddr *)&a, sizeof(a)) < 0) {
		if (errno == EINTR)
			continue;
		int rc = -errno;
		close(s);
		return rc;
	}
	*fd = s;
	return 0;
}

/* The client on a connected socket (closed on failure). */
static int client_from_fd(int fd, struct mvdm_client **out, char *err, size_t errlen)
{
	struct mvdm_client *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->fd = fd;
	*out = c;
	return 0;
}

int mvdm_client_connect(const char *socket_path, struct mvdm_client **out, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc = socket_path_or_default(socket_path, path, sizeof(path));
	int fd = -1;
	/* The default path's directory must be the user's own (the fallback
	 * /tmp/mvdm-UID could have been made by someone else first). */
	if (rc == 0 && !socket_path && !getenv_nonempty("MVDM_SOCKET")) {
		rc = mvdm_socket_dir_check(path, false, err, errlen);
		if (rc < 0)
			return rc;
	}
	if (rc == 0)
		rc = try_connect(path, &fd);
	if (rc < 0) {
		if (rc == -ENOENT || rc == -ECONNREFUSED)
			set_err(err, errlen, "no server listens on %s", path);
		else
			set_err(err, errlen, "cannot connect to %s: %s", path, strerror(-rc));
		return rc;
	}
	return client_from_fd(fd, out, err, errlen);
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Starts `mvdmd --socket path` with stdin and stdout on /dev/null and
 * stderr into a pipe whose non-blocking read end goes to *err_fd (mvdmd
 * puts its stderr on /dev/null once it listens, so the pipe holds only
 * what it said before: the reason it failed). Returns 0 and *pid or
 * -errno. */
static int spawn_server(const char *mvdmd, const char *path, pid_t *pid, int *err_fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	posix_spawn_file_actions_t fa;
	int rc = posix_spawn_file_actions_init(&fa);
	if (rc) {
		close(p[0]);
		close(p[1]);
		return -rc;
	}
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!rc)
		rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (!rc)
		rc = posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	if (!rc) {
		char *argv[] = {(char *)mvdmd, (char *)"--socket", (char *)path, NULL};
		rc = posix_spawnp(pid, mvdmd, &fa, NULL, argv, environ);
	}
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc) {
		close(p[0]);
		return -rc;
	}
	*err_fd = p[0];
	return 0;
}

/* Appends ": <what the spawned server wrote>" (one line) to err. */
static void append_server_words(char *err, size_t errlen, int err_fd)
{
	char said[256];
	ssize_t n = read(err_fd, said, sizeof(said) - 1);
	if (!err || !errlen || n <= 0)
		return;
	said[n] = 0;
	said[strcspn(said, "\n")] = 0;
	size_t used = strlen(err);
	if (said[0] && used < errlen)
		snprintf(err + used, errlen - used, ": %s", said);
}

/* Reaps the spawned process if it has ended. Returns true when it has
 * (with its wait status in *status). */
static bool reap(pid_t pid, int *status)
{
	pid_t r;
	do {
		r = waitpid(pid, status, WNOHANG);
	} while (r < 0 && errno == EINTR);
	return r == pid || (r < 0 && errno == ECHILD);
}

static bool exit_failed(int status)
{
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

/* Waits up to MVDM_SPAWN_WAIT_MS for the server started as pid to listen
 * on path and connects: 0 and *fd, or a negative errno with a message. */
static int await_server(const char *path, const char *prog, pid_t pid, int err_fd, int *fd, char *err,
			size_t errlen)
{
	double deadline = mono_ms() + MVDM_SPAWN_WAIT_MS;
	bool ended = false;
	int status = 0, rc;
	for (;;) {
		rc = try_connect(path, fd);
		if (rc != -ENOENT && rc != -ECONNREFUSED)
			break;
		if (!ended)
			ended = reap(pid, &status);
		if (ended && exit_failed(status)) {
			/* Maybe another caller's server won the socket
			 * meanwhile: one more try. */
			rc = try_connect(path, fd);
			if (rc == 0)
				break;
			if (WIFEXITED(status))
				set_err(err, errlen, "%s exited with status %d before it listened on %s", prog,
					WEXITSTATUS(status), path);
			else
				set_err(err, errlen, "%s ended by signal %d before it listened on %s", prog,
					WIFSIGNALED(status) ? WTERMSIG(status) : 0, path);
			append_server_words(err, errlen, err_fd);
			return -ECONNREFUSED;
		}
		if (mono_ms() >= deadline) {
			set_err(err, errlen, "%s did not listen on %s within %d s", prog, path, MVDM_SPAWN_WAIT_MS / 1000);
			return -ETIMEDOUT;
		}
		sleep_ms(20);
	}
	/* mvdmd's first process exits right after the socket listens (it
	 * detaches); reap it so no zombie stays. */
	while (!ended && mono_ms() < deadline) {
		sleep_ms(2);
		ended = reap(pid, &status);
	}
	if (rc < 0)
		set_err(err, errlen, "cannot connect to %s: %s", path, strerror(-rc));
	return rc;
}

int mvdm_client_connect_or_spawn(const char *socket_path, const char *mvdmd_path, struct mvdm_client **out,
				 char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc = socket_path_or_default(socket_path, path, sizeof(path));
	if (rc < 0) {
		set_err(err, errlen, "the socket path is too long");
		return rc;
	}
	int fd = -1;
	rc = try_connect(path, &fd);
	if (rc == -ENOENT || rc == -ECONNREFUSED) {
		const char *prog = mvdmd_path ? mvdmd_path : "mvdmd";
		pid_t pid;
		int err_fd = -1;
		rc = spawn_server(prog, path, &pid, &err_fd);
		if (rc < 0) {
			set_err(err, errlen, "cannot run %s: %s", prog, strerror(-rc));
			return rc;
		}
		rc = await_server(path, prog, pid, err_fd, &fd, err, errlen);
		close(err_fd);
		if (rc < 0)
			return rc;
	} else if (rc < 0) {
		set_err(err, errlen, "cannot connect to %s: %s", path, strerror(-rc));
		return rc;
	}
	return client_from_fd(fd, out, err, errlen);
}

void mvdm_client_close(struct mvdm_client *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c->rbuf);
	free(c);
}

/* ---- one exchange ---- */

static int send_all(struct mvdm_client *c, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			return client_fail(c, MVDM_ERR_TRANSPORT, -e, "sending to the server: %s", strerror(e));
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads until rbuf holds a '\n'; returns its index or a negative errno. */
static long read_line_end(struct mvdm_client *c)
{
	size_t scanned = 0;
	for (;;) {
		char *nl = c->rlen > scanned ? memchr(c->rbuf + scanned, '\n', c->rlen - scanned) : NULL;
		if (nl)
			return nl - c->rbuf;
		scanned = c->rlen;
		if (c->rlen >= CLIENT_RESPONSE_MAX)
			return client_fail(c, MVDM_ERR_PROTOCOL, -EMSGSIZE, "a response is longer than %d bytes",
					   CLIENT_RESPONSE_MAX);
		if (c->rcap - c->rlen < 4096) {
			size_t cap = c->rcap ? c->rcap * 2 : 16384;
			char *p = realloc(c->rbuf, cap);
			if (!p)
				return client_fail(c, MVDM_ERR_LOCAL, -ENOMEM, "out of memory");
			c->rbuf = p;
			c->rcap = cap;
		}
		ssize_t n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			return client_fail(c, MVDM_ERR_TRANSPORT, -e, "reading from the server: %s", strerror(e));
		}
		if (n == 0)
			return client_fail(c, MVDM_ERR_TRANSPORT, c->rlen ? -EPROTO : -ECONNRESET,
					   "the server closed the connection%s", c->rlen ? " in a response" : "");
		c->rlen += (size_t)n;
	}
}

int client_exchange(struct mvdm_client *c, const char *line, size_t len, char **resp)
{
	if (c->broken)
		return client_fail(c, MVDM_ERR_TRANSPORT, -ENOTCONN,
				   "the connection to the server failed earlier and cannot be used");
	if (len > MVDM_REQUEST_MAX) /* the limit counts the line without its '\n' */
		return client_fail(c, MVDM_ERR_LOCAL, -E2BIG, "the request is longer than %d bytes",
				   MVDM_REQUEST_MAX);
	/* One send for the line and its '\n'. */
	char *buf = malloc(len + 1);
	if (!buf)
		return client_fail(c, MVDM_ERR_LOCAL, -ENOMEM, "out of memory");
	memcpy(buf, line, len);
	buf[len] = '\n';
	int rc = send_all(c, buf, len + 1);
	free(buf);
	if (rc < 0)
		return rc;
	long end = read_line_end(c);
	if (end < 0)
		return (int)end;
	char *r = malloc((size_t)end + 1);
	if (!r)
		return client_fail(c, MVDM_ERR_LOCAL, -ENOMEM, "out of memory");
	memcpy(r, c->rbuf, (size_t)end);
	r[end] = 0;
	if ((size_t)end > 0 && r[end - 1] == '\r')
		r[end - 1] = 0;
	c->rlen -= (size_t)end + 1;
	memmove(c->rbuf, c->rbuf + end + 1, c->rlen);
	*resp = r;
	return 0;
}

static enum mvdm_error code_from_name(const char *name)
{
	for (unsigned k = MVDM_ERR_BAD_JSON; k < MVDM_ERR_UNKNOWN; k++)
		if (strcmp(error_table[k].name, name) == 0)
			return (enum mvdm_error)k;
	return MVDM_ERR_UNKNOWN;
}

int client_check(struct mvdm_client *c, const cJSON *resp)
{
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(resp, "ok");
	if (!cJSON_IsObject(resp) || !cJSON_IsBool(ok))
		return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's response has no \"ok\"");
	if (cJSON_IsTrue(ok))
		return 0;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(resp, "error");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
	if (!cJSON_IsString(code))
		return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's error response has no code");
	enum mvdm_error k = code_from_name(code->valuestring);
	const char *text = cJSON_IsString(msg) && msg->valuestring[0] ? msg->valuestring : code->valuestring;
	return client_fail(c, k, client_code_errno(k), "%s", text);
}

int mvdm_client_call(struct mvdm_client *c, const char *request_json_line, char **response_json)
{
	*response_json = NULL;
	client_clear(c);
	size_t len = strlen(request_json_line);
	if (len && request_json_line[len - 1] == '\n')
		len--;
	if (memchr(request_json_line, '\n', len) || memchr(request_json_line, '\r', len))
		return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "a request is one line");
	char *line;
	int rc = client_exchange(c, request_json_line, len, &line);
	if (rc < 0)
		return rc;
	cJSON *resp = cJSON_Parse(line);
	if (!resp) {
		free(line);
		return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's response is not JSON");
	}
	rc = client_check(c, resp);
	cJSON_Delete(resp);
	if (c->code == MVDM_ERR_PROTOCOL) {
		free(line);
		return rc;
	}
	*response_json = line;
	return rc;
}

cJSON *client_request_new(const char *op)
{
	cJSON *req = cJSON_CreateObject();
	if (!req)
		return NULL;
	if (!cJSON_AddStringToObject(req, "op", op) || !cJSON_AddNumberToObject(req, "v", MVDM_PROTOCOL)) {
		cJSON_Delete(req);
		return NULL;
	}
	return req;
}

int client_transact(struct mvdm_client *c, cJSON *req, cJSON **resp)
{
	client_clear(c);
	char *text = req ? cJSON_PrintUnformatted(req) : NULL;
	cJSON_Delete(req);
	if (!text)
		return client_fail(c, MVDM_ERR_LOCAL, -ENOMEM, "out of memory");
	char *line;
	int rc = client_exchange(c, text, strlen(text), &line);
	cJSON_free(text);
	if (rc < 0)
		return rc;
	cJSON *r = cJSON_Parse(line);
	free(line);
	if (!r)
		return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's response is not JSON");
	rc = client_check(c, r);
	if (rc < 0) {
		cJSON_Delete(r);
		return rc;
	}
	*resp = r;
	return 0;
}

int client_transact_void(struct mvdm_client *c, cJSON *req)
{
	cJSON *resp = NULL;
	int rc = client_transact(c, req, &resp);
	if (rc == 0)
		cJSON_Delete(resp);
	return rc;
}
