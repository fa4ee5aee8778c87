/*
 * client_test.c - the client library (include/mvdm/client.h) against a
 * fake server: the test listens on a Unix socket in a temporary directory,
 * the library connects to it, and the test writes canned response lines
 * before each call (the socket buffers them) and reads back the request
 * line the library sent. Also the pure helpers (cells, escapes), error
 * mapping, transport failures and starting a server on demand (with a
 * small fake mvdmd script).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "mvdm/client.h"

/* ---- pure helpers ---- */

static void test_decode_cells(void **state)
{
	(void)state;
	uint16_t cells[3] = {0};
	assert_int_equal(mvdm_decode_cells("41071F4Edb70", cells, 3), 0);
	assert_int_equal(cells[0], 0x0741);  /* grey A */
	assert_int_equal(cells[1], 0x4E1F);
	assert_int_equal(cells[2], 0x70DB);
	assert_int_equal(mvdm_decode_cells("4107", cells, 2), -EINVAL);     /* too short */
	assert_int_equal(mvdm_decode_cells("410700", cells, 1), -EINVAL);   /* too long */
	assert_int_equal(mvdm_decode_cells("41g7", cells, 1), -EINVAL);     /* not hex */
	assert_int_equal(mvdm_decode_cells("", cells, 0), 0);
}

static void expect_unescape(const char *in, const char *want, size_t want_len)
{
	char out[64];
	assert_int_equal(mvdm_unescape(in, out, sizeof(out), NULL), (int)want_len);
	assert_memory_equal(out, want, want_len + 1);
}

static void test_unescape(void **state)
{
	(void)state;
	expect_unescape("dir\\r", "dir\r", 4);
	expect_unescape("a\\nb\\tc\\bd\\e\\\\", "a\nb\tc\bd\x1b\\", 9);
	expect_unescape("\\x41\\x7e\\x1bZ", "A~\x1bZ", 4);
	expect_unescape("\\x4g", "\x04g", 2);                 /* one hex digit */
	expect_unescape("\\'\\\"\\a\\f\\v", "'\"\a\f\v", 5);
	expect_unescape("plain", "plain", 5);
	char out[8];
	const char *bad = NULL;
	const char *in = "ab\\q";
	assert_int_equal(mvdm_unescape(in, out, sizeof(out), &bad), -EINVAL);
	assert_ptr_equal(bad, in + 2);
	assert_int_equal(mvdm_unescape("x\\", out, sizeof(out), NULL), -EINVAL);    /* trailing backslash */
	assert_int_equal(mvdm_unescape("\\xZZ", out, sizeof(out), NULL), -EINVAL);  /* \x without digits */
	assert_int_equal(mvdm_unescape("\\x00", out, sizeof(out), NULL), -EINVAL);  /* NUL */
	assert_int_equal(mvdm_unescape("12345678", out, sizeof(out), NULL), -ENOSPC);
	assert_int_equal(mvdm_unescape("1234567", out, sizeof(out), NULL), 7);
	assert_int_equal(mvdm_unescape("", out, 0, NULL), -ENOSPC);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(mvdm_state_name(MVDM_STATE_TIMED_OUT), "timed_out");
	assert_string_equal(mvdm_state_name(MVDM_STATE_IDLE), "idle");
	assert_true(mvdm_state_ended(MVDM_STATE_EXITED));
	assert_true(mvdm_state_ended(MVDM_STATE_KILLED));
	assert_false(mvdm_state_ended(MVDM_STATE_FROZEN));
	assert_false(mvdm_state_ended(MVDM_STATE_UNKNOWN));
	assert_string_equal(mvdm_error_name(MVDM_ERR_NO_SUCH_VM), "no_such_vm");
	assert_string_equal(mvdm_error_name(MVDM_ERR_UNSUPPORTED_VERSION), "unsupported_version");
}

static void test_default_socket(void **state)
{
	(void)state;
	char buf[256], want[256];
	char *saved_sock = getenv("MVDM_SOCKET") ? strdup(getenv("MVDM_SOCKET")) : NULL;
	char *saved_xdg = getenv("XDG_RUNTIME_DIR") ? strdup(getenv("XDG_RUNTIME_DIR")) : NULL;
	setenv("MVDM_SOCKET", "/s/x.sock", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/7", 1);
	assert_int_equal(mvdm_client_default_socket(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/s/x.sock");
	setenv("MVDM_SOCKET", "", 1); /* empty counts as unset */
	assert_int_equal(mvdm_client_default_socket(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/user/7/mvdm/mvdmd.sock");
	unsetenv("MVDM_SOCKET");
	unsetenv("XDG_RUNTIME_DIR");
	assert_int_equal(mvdm_client_default_socket(buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "/tmp/mvdm-%u/mvdmd.sock", (unsigned)getuid());
	assert_string_equal(buf, want);
	assert_int_equal(mvdm_client_default_socket(buf, 8), -ENAMETOOLONG);
	if (saved_sock)
		setenv("MVDM_SOCKET", saved_sock, 1);
	if (saved_xdg)
		setenv("XDG_RUNTIME_DIR", saved_xdg, 1);
	free(saved_sock);
	free(saved_xdg);
}

/* ---- the fake server ---- */

struct fake {
	char dir[64];
	char path[128];
	int listen_fd;
	int fd;                       /* the accepted connection */
	struct mvdm_client *c;
	FILE *in;                     /* request lines from the client */
};

static int fake_setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/mvdm-client-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/s.sock", f->dir);
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	strcpy(a.sun_path, f->path);
	assert_int_equal(bind(f->listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(f->listen_fd, 4), 0);
	char err[256];
	assert_int_equal(mvdm_client_connect(f->path, &f->c, err, sizeof(err)), 0);
	f->fd = accept(f->listen_fd, NULL, NULL);
	assert_true(f->fd >= 0);
	f->in = fdopen(dup(f->fd), "r");
	assert_non_null(f->in);
	*state = f;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake *f = *state;
	mvdm_client_close(f->c);
	if (f->in)
		fclose(f->in);
	if (f->fd >= 0)
		close(f->fd);
	close(f->listen_fd);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Queues a response line (a '\n' is added). */
static void respond(struct fake *f, const char *line)
{
	size_t n = strlen(line);
	assert_int_equal(write(f->fd, line, n), (ssize_t)n);
	assert_int_equal(write(f->fd, "\n", 1), 1);
}

/* The next request line the client sent, parsed; checks op and v. */
static cJSON *request(struct fake *f, const char *op)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f->in);
	assert_true(n > 0);
	assert_int_equal(line[n - 1], '\n');
	assert_null(memchr(line, '\n', (size_t)n - 1)); /* one line */
	cJSON *req = cJSON_Parse(line);
	free(line);
	assert_non_null(req);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(req, "op")->valuestring, op);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(req, "v")->valuedouble, MVDM_PROTOCOL);
	return req;
}

static double num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

static const char *str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static bool has(const cJSON *o, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(o, name) != NULL;
}

static void test_hello(void **state)
{
	struct fake *f = *state;
	respond(f, "{\"ok\": true, \"protocol\": 1, \"server\": \"mvdm 0.1.0\", \"workers\": 4, \"vms\": 2}");
	struct mvdm_hello h;
	assert_int_equal(mvdm_client_hello(f->c, &h), 0);
	assert_int_equal(h.protocol, 1);
	assert_string_equal(h.server, "mvdm 0.1.0");
	assert_int_equal(h.workers, 4);
	assert_int_equal(h.vms, 2);
	assert_string_equal(mvdm_client_error(f->c), "");
	cJSON *req = request(f, "hello");
	assert_int_equal(cJSON_GetArraySize(req), 2); /* op and v only */
	cJSON_Delete(req);
}

static void test_create_request(void **state)
{
	struct fake *f = *state;
	const char *args[] = {"-x", "two words", NULL};
	const char *env[] = {"PATH=C:\\;Z:\\", "TMP=C:\\", NULL};
	const char *settings[] = {"CPU_MODEL=8086", "VIDEO_ROWS=50", "CPU_MODEL=80286", NULL};
	struct mvdm_create_req r = {
		.program = "C:\\HELLO.COM",
		.args = args,
		.env = env,
		.settings = settings,
		.mode = MVDM_MODE_EXCLUSIVE,
		.timeout_s = 2.5,
		.mips = 10,
		.name = "build \"1\"",
		.paused = true,
		.owned = true,
		.like = 3,
	};
	r.drives[2] = "/home/u/dos";
	r.drives[25] = "/z";
	respond(f, "{\"ok\": true, \"id\": 7, \"name\": \"build\"}");
	uint64_t id = 0;
	char name[4];
	assert_int_equal(mvdm_client_create(f->c, &r, &id, name, sizeof(name)), 0);
	assert_int_equal(id, 7);
	assert_string_equal(name, "bui"); /* truncated to fit */
	cJSON *req = request(f, "create");
	assert_string_equal(str(req, "program"), "C:\\HELLO.COM");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(req, "args");
	assert_int_equal(cJSON_GetArraySize(a), 2);
	assert_string_equal(cJSON_GetArrayItem(a, 1)->valuestring, "two words");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(req, "drives");
	assert_int_equal(cJSON_GetArraySize(d), 2);
	assert_string_equal(str(d, "C"), "/home/u/dos");
	assert_string_equal(str(d, "Z"), "/z");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(req, "env")), 2);
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(req, "settings");
	assert_int_equal(cJSON_GetArraySize(s), 2);
	assert_string_equal(str(s, "CPU_MODEL"), "80286"); /* the last one wins */
	assert_string_equal(str(s, "VIDEO_ROWS"), "50");
	assert_string_equal(str(req, "mode"), "exclusive");
	assert_true(num(req, "timeout_s") == 2.5);
	assert_true(num(req, "mips") == 10);
	assert_string_equal(str(req, "name"), "build \"1\"");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "paused")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "owned")));
	assert_true(num(req, "like") == 3);
	cJSON_Delete(req);
}

/* Fields left 0/NULL are not sent, so the server's defaults apply. */
static void test_create_minimal(void **state)
{
	struct fake *f = *state;
	struct mvdm_create_req r = {.program = "HELLO"};
	r.drives[2] = "/d";
	respond(f, "{\"ok\": true, \"id\": 1, \"name\": \"vm1\"}");
	uint64_t id;
	assert_int_equal(mvdm_client_create(f->c, &r, &id, NULL, 0), 0);
	cJSON *req = request(f, "create");
	assert_int_equal(cJSON_GetArraySize(req), 4); /* op, v, program, drives */
	assert_true(has(req, "drives"));
	cJSON_Delete(req);
}

/* Bad arguments are refused before anything is sent. */
static void test_create_checks_locally(void **state)
{
	struct fake *f = *state;
	uint64_t id;
	struct mvdm_create_req r = {0};
	assert_int_equal(mvdm_client_create(f->c, &r, &id, NULL, 0), -EINVAL);
	assert_int_equal(mvdm_client_error_code(f->c), MVDM_ERR_LOCAL);
	const char *env[] = {"NOEQUALS", NULL};
	r = (struct mvdm_create_req){.program = "X", .env = env};
	assert_int_equal(mvdm_client_create(f->c, &r, &id, NULL, 0), -EINVAL);
	const char *set[] = {"=1", NULL};
	r = (struct mvdm_create_req){.program = "X", .settings = set};
	assert_int_equal(mvdm_client_create(f->c, &r, &id, NULL, 0), -EINVAL);
	char longname[MVDM_NAME_MAX + 2];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	r = (struct mvdm_create_req){.program = "X", .name = longname};
	assert_int_equal(mvdm_client_create(f->c, &r, &id, NULL, 0), -EINVAL);
	/* The connection is still usable and nothing was sent. */
	respond(f, "{\"ok\": true, \"vms\": []}");
	struct mvdm_vm_info *vms = (void *)1;
	size_t n = 9;
	assert_int_equal(mvdm_client_list(f->c, &vms, &n), 0);
	assert_int_equal(n, 0);
	assert_null(vms);
	cJSON_Delete(request(f, "list"));
}

/* The server's errors: code, message and errno, one per code. */
static void test_errors(void **state)
{
	struct fake *f = *state;
	static const struct {
		const char *code;
		enum mvdm_error e;
		int err;
	} table[] = {
		{"bad_json", MVDM_ERR_BAD_JSON, -EINVAL},
		{"too_large", MVDM_ERR_TOO_LARGE, -E2BIG},
		{"unsupported_version", MVDM_ERR_UNSUPPORTED_VERSION, -EPROTONOSUPPORT},
		{"bad_request", MVDM_ERR_BAD_REQUEST, -EINVAL},
		{"unknown_op", MVDM_ERR_UNKNOWN_OP, -EOPNOTSUPP},
		{"no_such_vm", MVDM_ERR_NO_SUCH_VM, -ESRCH},
		{"bad_state", MVDM_ERR_BAD_STATE, -EBUSY},
		{"bad_setting", MVDM_ERR_BAD_SETTING, -EINVAL},
		{"create_failed", MVDM_ERR_CREATE_FAILED, -ENOEXEC},
		{"too_many", MVDM_ERR_TOO_MANY, -EAGAIN},
		{"vdd_error", MVDM_ERR_VDD_ERROR, -EIO},
		{"timeout", MVDM_ERR_TIMEOUT, -ETIMEDOUT},
		{"internal", MVDM_ERR_INTERNAL, -EREMOTEIO},
		{"brand_new", MVDM_ERR_UNKNOWN, -EPROTO},
	};
	for (size_t k = 0; k < sizeof(table) / sizeof(table[0]); k++) {
		char line[256];
		snprintf(line, sizeof(line), "{\"ok\": false, \"error\": {\"code\": \"%s\", \"message\": \"msg %zu\"}}",
			 table[k].code, k);
		respond(f, line);
		enum mvdm_vm_state st = MVDM_STATE_RUNNING;
		assert_int_equal(mvdm_client_kill(f->c, 9, &st), table[k].err);
		assert_int_equal(st, MVDM_STATE_RUNNING); /* not written on errors */
		assert_int_equal(mvdm_client_error_code(f->c), table[k].e);
		snprintf(line, sizeof(line), "msg %zu", k);
		assert_string_equal(mvdm_client_error(f->c), line);
		cJSON *req = request(f, "kill");
		assert_true(num(req, "id") == 9);
		cJSON_Delete(req);
	}
	/* A success clears the last error. */
	respond(f, "{\"ok\": true, \"state\": \"killed\"}");
	enum mvdm_vm_state st;
	assert_int_equal(mvdm_client_kill(f->c, 9, &st), 0);
	assert_int_equal(st, MVDM_STATE_KILLED);
	assert_int_equal(mvdm_client_error_code(f->c), MVDM_ERR_NONE);
	assert_string_equal(mvdm_client_error(f->c), "");
	cJSON_Delete(request(f, "kill"));
}

/* Responses that arrive together are taken one per request, in order. */
static void test_responses_in_order(void **state)
{
	struct fake *f = *state;
	respond(f, "{\"ok\": true, \"state\": \"paused\"}\n{\"ok\": true, \"state\": \"running\"}\n"
		   "{\"ok\": false, \"error\": {\"code\": \"bad_state\", \"message\": \"VM 2 has not ended\"}}");
	enum mvdm_vm_state st;
	assert_int_equal(mvdm_client_pause(f->c, 2, &st), 0);
	assert_int_equal(st, MVDM_STATE_PAUSED);
	assert_int_equal(mvdm_client_resume(f->c, 2, &st), 0);
	assert_int_equal(st, MVDM_STATE_RUNNING);
	assert_int_equal(mvdm_client_remove(f->c, 2, NULL), -EBUSY);
	assert_string_equal(mvdm_client_error(f->c), "VM 2 has not ended");
	cJSON_Delete(request(f, "pause"));
	cJSON_Delete(request(f, "resume"));
	cJSON_Delete(request(f, "remove"));
}

static void test_list_and_status(void **state)
{
	struct fake *f = *state;
	respond(f, "{\"ok\": true, \"vms\": ["
		   "{\"id\": 1, \"name\": \"a\", \"program\": \"C:\\\\A.COM\", \"state\": \"exited\", "
		   "\"mode\": \"concurrent\", \"exit_code\": 3},"
		   "{\"id\": 2, \"name\": \"b\", \"program\": \"Z:\\\\COMMAND.COM\", \"state\": \"idle\", "
		   "\"mode\": \"exclusive\"},"
		   "{\"id\": 3, \"name\": \"c\", \"program\": \"X\", \"state\": \"sleepy\", \"mode\": \"concurrent\"}]}");
	struct mvdm_vm_info *v;
	size_t n;
	assert_int_equal(mvdm_client_list(f->c, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, 1);
	assert_string_equal(v[0].program, "C:\\A.COM");
	assert_int_equal(v[0].state, MVDM_STATE_EXITED);
	assert_true(v[0].has_exit_code);
	assert_int_equal(v[0].exit_code, 3);
	assert_int_equal(v[1].state, MVDM_STATE_IDLE);
	assert_int_equal(v[1].mode, MVDM_MODE_EXCLUSIVE);
	assert_false(v[1].has_exit_code);
	assert_int_equal(v[2].state, MVDM_STATE_UNKNOWN); /* a state from a newer server */
	free(v);
	cJSON_Delete(request(f, "list"));

	respond(f, "{\"ok\": true, \"id\": 5, \"name\": \"vm5\", \"program\": \"C:\\\\LOOP.COM\", "
		   "\"state\": \"faulted\", \"mode\": \"concurrent\", \"reason\": \"invalid opcode at 1234:0100\", "
		   "\"insns\": 123456789012, \"cpu_s\": 0.25, \"wall_s\": 3.5, \"first_insn_us\": 410, \"parent\": 2}");
	struct mvdm_vm_status s;
	assert_int_equal(mvdm_client_status(f->c, 5, &s), 0);
	assert_int_equal(s.info.id, 5);
	assert_int_equal(s.info.state, MVDM_STATE_FAULTED);
	assert_string_equal(s.reason, "invalid opcode at 1234:0100");
	assert_int_equal(s.insns, 123456789012ull);
	assert_true(s.cpu_s == 0.25 && s.wall_s == 3.5);
	assert_true(s.has_first_insn && s.first_insn_us == 410);
	assert_int_equal(s.parent, 2);
	cJSON *req = request(f, "status");
	assert_true(num(req, "id") == 5);
	cJSON_Delete(req);

	/* A malformed answer (id not an integer) is a protocol error. */
	respond(f, "{\"ok\": true, \"id\": 1.5, \"program\": \"X\", \"state\": \"idle\"}");
	assert_int_equal(mvdm_client_status(f->c, 1, &s), -EPROTO);
	assert_int_equal(mvdm_client_error_code(f->c), MVDM_ERR_PROTOCOL);
	cJSON_Delete(request(f, "status"));
}

static void test_wait(void **state)
{
	struct fake *f = *state;
	respond(f, "{\"ok\": true, \"state\": \"exited\", \"exit_code\": 7}");
	struct mvdm_wait_result w;
	assert_int_equal(mvdm_client_wait(f->c, 4, 0, &w), 0);
	assert_int_equal(w.state, MVDM_STATE_EXITED);
	assert_true(w.has_exit_code);
	assert_int_equal(w.exit_code, 7);
	cJSON *req = request(f, "wait");
	assert_false(has(req, "timeout_s"));
	cJSON_Delete(req);

	respond(f, "{\"ok\": false, \"error\": {\"code\": \"timeout\", \"message\": \"VM 4 has not ended\"}}");
	assert_int_equal(mvdm_client_wait(f->c, 4, 1.5, &w), -ETIMEDOUT);
	assert_int_equal(mvdm_client_error_code(f->c), MVDM_ERR_TIMEOUT);
	req = request(f, "wait");
	assert_true(num(req, "timeout_s") == 1.5);
	cJSON_Delete(req);

	respond(f, "{\"ok\": true, \"state\": \"timed_out\", \"reason\": \"its time limit ran out\"}");
	assert_int_equal(mvdm_client_wait(f->c, 4, 0, &w), 0);
	assert_int_equal(w.state, MVDM_STATE_TIMED_OUT);
	assert_false(w.has_exit_code);
	assert_string_equal(w.reason, "its time limit ran out");
	cJSON_Delete(request(f, "wait"));
}

/* An 80x25 screen answer: row r is "ROW r" then blanks, attribute 07h,
 * except cell 0 of row 1, which is 0xB3 (a box line) in attribute 1Fh. */
static char *screen_answer(void)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddTrueToObject(r, "ok");
	cJSON_AddNumberToObject(r, "mode", 3);
	cJSON_AddNumberToObject(r, "cols", 80);
	cJSON_AddNumberToObject(r, "rows", 25);
	cJSON *cur = cJSON_AddObjectToObject(r, "cursor");
	cJSON_AddNumberToObject(cur, "row", 24);
	cJSON_AddNumberToObject(cur, "col", 5);
	cJSON_AddTrueToObject(cur, "visible");
	cJSON *text = cJSON_AddArrayToObject(r, "text"), *cells = cJSON_AddArrayToObject(r, "cells");
	for (int row = 0; row < 25; row++) {
		char t[81], h[321];
		memset(t, ' ', 80);
		t[80] = 0;
		int n = snprintf(t, sizeof(t), "ROW %d", row);
		t[n] = ' ';
		for (int col = 0; col < 80; col++)
			snprintf(h + 4 * col, 5, "%02X07", (unsigned char)t[col]);
		if (row == 1)
			memcpy(h, "b31F", 4);
		cJSON_AddItemToArray(text, cJSON_CreateString(t));
		cJSON_AddItemToArray(cells, cJSON_CreateString(h));
	}
	char *line = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return line;
}

static void test_screenshot_and_mouse(void **state)
{
	struct fake *f = *state;
	/* "\x89PNG\r\n\x1a\n" + "abc" in base64 */
	respond(f, "{\"ok\": true, \"width\": 320, \"height\": 200, \"mode\": 19, \"graphics\": true, "
		   "\"serial\": 7, \"png\": \"iVBORw0KGgphYmM=\"}");
	uint8_t *png = NULL;
	size_t len = 0;
	struct mvdm_picture info;
	assert_int_equal(mvdm_client_screenshot(f->c, 4, &png, &len, &info), 0);
	assert_int_equal(len, 11);
	assert_memory_equal(png, "\x89PNG\r\n\x1a\nabc", 11);
	assert_int_equal(info.width, 320);
	assert_int_equal(info.mode, 0x13);
	assert_true(info.graphics);
	assert_int_equal(info.serial, 7);
	free(png);
	cJSON *req = request(f, "screenshot");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(req, "id")->valuedouble, 4);
	cJSON_Delete(req);
	respond(f, "{\"ok\": true}");
	assert_int_equal(mvdm_client_mouse(f->c, 4, -3, 5, 1), 0);
	req = request(f, "mouse");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(req, "dx")->valuedouble, -3);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(req, "dy")->valuedouble, 5);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(req, "buttons")->valuedouble, 1);
	cJSON_Delete(req);
	respond(f, "{\"ok\": true}");
	assert_int_equal(mvdm_client_mouse_at(f->c, 4, 100, 50, 2), 0);
	req = request(f, "mouse");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(req, "x")->valuedouble, 100);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(req, "y")->valuedouble, 50);
	cJSON_Delete(req);
	/* Not base64, or not a PNG: a protocol error (the connection is broken after it). */
	respond(f, "{\"ok\": true, \"width\": 1, \"height\": 1, \"mode\": 3, \"graphics\": false, "
		   "\"serial\": 1, \"png\": \"YWJj\"}");
	assert_int_equal(mvdm_client_screenshot(f->c, 4, &png, &len, NULL), -EPROTO);
	cJSON_Delete(request(f, "screenshot"));
}

static void test_screen(void **state)
{
	struct fake *f = *state;
	char *answer = screen_answer();
	respond(f, answer);
	struct vm16_screen *s = malloc(sizeof(*s));
	char *text = NULL;
	assert_int_equal(mvdm_client_screen(f->c, 6, s, &text), 0);
	assert_int_equal(s->mode, 3);
	assert_int_equal(s->cols, 80);
	assert_int_equal(s->rows, 25);
	assert_int_equal(s->cursor_row, 24);
	assert_int_equal(s->cursor_col, 5);
	assert_true(s->cursor_visible);
	assert_int_equal(s->cells[0], 0x0752);            /* 'R' */
	assert_int_equal(s->cells[80], 0x1FB3);           /* row 1, column 0 */
	assert_int_equal(s->cells[80 * 24 + 4], 0x0732);  /* "ROW 24": '2' */
	assert_int_equal(s->cells[80 * 25], 0);           /* beyond the screen */
	assert_non_null(text);
	assert_int_equal(strlen(text), 25 * 81);
	assert_memory_equal(text, "ROW 0 ", 6);
	assert_int_equal(text[80], '\n');
	cJSON_Delete(request(f, "screen"));

	/* Without text; then a screen whose cells do not match its size. */
	respond(f, answer);
	assert_int_equal(mvdm_client_screen(f->c, 6, s, NULL), 0);
	cJSON_Delete(request(f, "screen"));
	respond(f, "{\"ok\": true, \"mode\": 3, \"cols\": 2, \"rows\": 1, "
		   "\"cursor\": {\"row\": 0, \"col\": 0, \"visible\": false}, \"text\": [\"ab\"], \"cells\": [\"6107\"]}");
	s->mode = 99;
	assert_int_equal(mvdm_client_screen(f->c, 6, s, NULL), -EPROTO);
	assert_int_equal(s->mode, 99); /* untouched */
	free(text);
	free(answer);
	free(s);
}

static void test_keys(void **state)
{
	struct fake *f = *state;
	respond(f, "{\"ok\": true, \"queued\": 12}");
	unsigned queued = 0;
	assert_int_equal(mvdm_client_keys_text(f->c, 3, "dir\r\x1b", &queued), 0);
	assert_int_equal(queued, 12);
	cJSON *req = request(f, "keys");
	assert_string_equal(str(req, "text"), "dir\r\x1b");
	assert_false(has(req, "scancodes"));
	cJSON_Delete(req);

	assert_int_equal(mvdm_client_keys_text(f->c, 3, "caf\xc3\xa9", NULL), -EINVAL);

	struct mvdm_key k[] = {{0x1D, false, true}, {0x48, true, true}, {0x48, true, false}, {0x1D, false, false}};
	respond(f, "{\"ok\": true, \"queued\": 4}");
	assert_int_equal(mvdm_client_keys_scancodes(f->c, 3, k, 4, &queued), 0);
	assert_int_equal(queued, 4);
	req = request(f, "keys");
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(req, "scancodes");
	assert_int_equal(cJSON_GetArraySize(sc), 4);
	const cJSON *e1 = cJSON_GetArrayItem(sc, 1);
	assert_int_equal(cJSON_GetArraySize(e1), 3);
	assert_true(cJSON_GetArrayItem(e1, 0)->valuedouble == 0x48);
	assert_true(cJSON_IsTrue(cJSON_GetArrayItem(e1, 1)));
	assert_true(cJSON_IsTrue(cJSON_GetArrayItem(e1, 2)));
	assert_true(cJSON_IsFalse(cJSON_GetArrayItem(cJSON_GetArrayItem(sc, 3), 2)));
	cJSON_Delete(req);

	struct mvdm_key bad = {0x80, false, true};
	assert_int_equal(mvdm_client_keys_scancodes(f->c, 3, &bad, 1, NULL), -EINVAL);
	assert_int_equal(mvdm_client_keys_scancodes(f->c, 3, k, 0, NULL), -EINVAL);
}

static void test_output(void **state)
{
	struct fake *f = *state;
	respond(f, "{\"ok\": true, \"text\": \"hi\\r\\n\\u2502\", \"next\": 70004, \"lost\": 4464, \"ended\": false}");
	struct mvdm_output_req r = {.from = 65536, .max = 100, .wait = true, .timeout_s = 2};
	struct mvdm_output o;
	assert_int_equal(mvdm_client_output(f->c, 8, &r, &o), 0);
	assert_string_equal(o.text, "hi\r\n\xe2\x94\x82");
	assert_int_equal(o.len, 7);
	assert_int_equal(o.next, 70004);
	assert_int_equal(o.lost, 4464);
	assert_false(o.ended);
	mvdm_output_free(&o);
	assert_null(o.text);
	cJSON *req = request(f, "output");
	assert_true(num(req, "from") == 65536 && num(req, "max") == 100 && num(req, "timeout_s") == 2);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "wait")));
	cJSON_Delete(req);

	respond(f, "{\"ok\": true, \"text\": \"\", \"next\": 0, \"lost\": 0, \"ended\": true}");
	r = (struct mvdm_output_req){0};
	assert_int_equal(mvdm_client_output(f->c, 8, &r, &o), 0);
	assert_true(o.ended);
	assert_int_equal(o.len, 0);
	mvdm_output_free(&o);
	req = request(f, "output");
	assert_int_equal(cJSON_GetArraySize(req), 3); /* op, v, id: defaults are not sent */
	cJSON_Delete(req);
}

static void test_settings(void **state)
{
	struct fake *f = *state;
	respond(f, "{\"ok\": true, \"settings\": ["
		   "{\"name\": \"VIDEO_ROWS\", \"type\": \"int\", \"value\": 25, \"default\": 25, \"min\": 25, "
		   "\"max\": 50, \"live\": false, \"source\": \"default\", \"help\": \"text rows\"},"
		   "{\"name\": \"XMS\", \"type\": \"bool\", \"value\": true, \"default\": false, \"live\": true, "
		   "\"source\": \"file:/d/A.EXE.mvdm\", \"help\": \"\"},"
		   "{\"name\": \"CPU_MODEL\", \"type\": \"choice\", \"value\": \"80286\", \"default\": \"80386\", "
		   "\"choices\": [\"8086\", \"80186\", \"80286\", \"80386\"], \"live\": false, \"source\": \"request\"}]}");
	struct mvdm_settings s;
	assert_int_equal(mvdm_client_settings(f->c, 2, &s), 0);
	assert_int_equal(s.count, 3);
	assert_string_equal(s.items[0].name, "VIDEO_ROWS");
	assert_int_equal(s.items[0].type, MVDM_SETTING_INT);
	assert_string_equal(s.items[0].value, "25");
	assert_true(s.items[0].has_range && s.items[0].min == 25 && s.items[0].max == 50);
	assert_int_equal(s.items[1].type, MVDM_SETTING_BOOL);
	assert_string_equal(s.items[1].value, "true");
	assert_string_equal(s.items[1].def, "false");
	assert_true(s.items[1].live);
	assert_string_equal(s.items[1].source, "file:/d/A.EXE.mvdm");
	assert_int_equal(s.items[2].type, MVDM_SETTING_CHOICE);
	assert_string_equal(s.items[2].choices[3], "80386");
	assert_null(s.items[2].choices[4]);
	assert_null(s.items[2].help);
	mvdm_settings_free(&s);
	assert_int_equal(s.count, 0);
	cJSON *req = request(f, "settings");
	assert_true(num(req, "id") == 2);
	cJSON_Delete(req);

	const char *drives[26] = {0};
	drives[3] = "/dos";
	respond(f, "{\"ok\": true, \"settings\": []}");
	assert_int_equal(mvdm_client_settings_program(f->c, "D:\\A.EXE", drives, &s), 0);
	assert_int_equal(s.count, 0);
	mvdm_settings_free(&s);
	req = request(f, "settings");
	assert_string_equal(str(req, "program"), "D:\\A.EXE");
	assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(req, "drives"), "D"), "/dos");
	assert_false(has(req, "id"));
	cJSON_Delete(req);

	const char *none[26] = {0};
	assert_int_equal(mvdm_client_settings_program(f->c, "A.EXE", none, &s), -EINVAL);

	const char *set[] = {"XMS=off", "CPU_SPEED=20", NULL};
	respond(f, "{\"ok\": true}");
	assert_int_equal(mvdm_client_set(f->c, 2, set), 0);
	req = request(f, "set");
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(req, "settings");
	assert_string_equal(str(o, "XMS"), "off");
	assert_string_equal(str(o, "CPU_SPEED"), "20");
	cJSON_Delete(req);
	const char *empty[] = {NULL};
	assert_int_equal(mvdm_client_set(f->c, 2, empty), -EINVAL);
}

static void test_vdd(void **state)
{
	struct fake *f = *state;
	respond(f, "{\"ok\": true, \"chan\": 3}");
	uint64_t chan = 0;
	assert_int_equal(mvdm_client_vdd_open(f->c, 1, "cmos", &chan), 0);
	assert_int_equal(chan, 3);
	cJSON *req = request(f, "vdd_open");
	assert_string_equal(str(req, "vdd"), "cmos");
	cJSON_Delete(req);

	respond(f, "{\"ok\": true, \"data\": \"00fF10\"}");
	const uint8_t in[] = {0x0E, 0xA5};
	uint8_t out[8];
	size_t out_len = 0;
	assert_int_equal(mvdm_client_vdd_request(f->c, 1, 3, 0xFFFFFFFFu, in, sizeof(in), out, sizeof(out), &out_len),
			 0);
	assert_int_equal(out_len, 3);
	assert_int_equal(out[0], 0x00);
	assert_int_equal(out[1], 0xFF);
	assert_int_equal(out[2], 0x10);
	req = request(f, "vdd_request");
	assert_true(num(req, "chan") == 3);
	assert_true(num(req, "code") == 4294967295.0);
	assert_string_equal(str(req, "data"), "0ea5");
	assert_true(num(req, "max") == 8);
	cJSON_Delete(req);

	respond(f, "{\"ok\": true, \"data\": \"0102030405\"}"); /* longer than max */
	assert_int_equal(mvdm_client_vdd_request(f->c, 1, 3, 1, NULL, 0, out, 4, &out_len), -EPROTO);
	cJSON_Delete(request(f, "vdd_request"));
}

static void test_shutdown_and_raw_call(void **state)
{
	struct fake *f = *state;
	respond(f, "{\"ok\": true}");
	assert_int_equal(mvdm_client_shutdown(f->c), 0);
	cJSON_Delete(request(f, "shutdown"));

	respond(f, "{\"ok\": true, \"tag\": [1, 2], \"protocol\": 1}");
	char *resp = NULL;
	assert_int_equal(mvdm_client_call(f->c, "{\"op\": \"hello\", \"v\": 2, \"tag\": [1, 2]}\n", &resp), 0);
	assert_string_equal(resp, "{\"ok\": true, \"tag\": [1, 2], \"protocol\": 1}");
	free(resp);
	cJSON *req = request(f, "hello");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(req, "tag")), 2);
	cJSON_Delete(req);

	/* An error response is returned too, with its errno. */
	respond(f, "{\"ok\": false, \"error\": {\"code\": \"unknown_op\", \"message\": \"no op \\\"x\\\"\"}}");
	assert_int_equal(mvdm_client_call(f->c, "{\"op\": \"x\", \"v\": 2}", &resp), -EOPNOTSUPP);
	assert_non_null(resp);
	assert_string_equal(mvdm_client_error(f->c), "no op \"x\"");
	free(resp);
	cJSON_Delete(request(f, "x"));

	/* Two lines are refused before sending. */
	assert_int_equal(mvdm_client_call(f->c, "{\"op\": \"list\"}\n{\"op\": \"list\"}", &resp), -EINVAL);
	assert_null(resp);
}

/* A response that is not JSON, or a server that goes away, breaks the
 * connection: later calls fail at once. */
static void test_protocol_error_breaks(void **state)
{
	struct fake *f = *state;
	respond(f, "this is not json");
	struct mvdm_hello h;
	assert_int_equal(mvdm_client_hello(f->c, &h), -EPROTO);
	assert_int_equal(mvdm_client_error_code(f->c), MVDM_ERR_PROTOCOL);
	cJSON_Delete(request(f, "hello"));
	respond(f, "{\"ok\": true, \"protocol\": 1, \"server\": \"s\", \"workers\": 1, \"vms\": 0}");
	assert_int_equal(mvdm_client_hello(f->c, &h), -ENOTCONN);
	assert_int_equal(mvdm_client_error_code(f->c), MVDM_ERR_TRANSPORT);
}

static void test_server_closes(void **state)
{
	struct fake *f = *state;
	assert_int_equal(write(f->fd, "{\"ok\": tr", 9), 9); /* half a line, then the end */
	shutdown(f->fd, SHUT_WR);
	struct mvdm_hello h;
	assert_int_equal(mvdm_client_hello(f->c, &h), -EPROTO);
	assert_int_equal(mvdm_client_error_code(f->c), MVDM_ERR_TRANSPORT);
	assert_int_equal(mvdm_client_hello(f->c, &h), -ENOTCONN);
}

static void test_server_gone_no_sigpipe(void **state)
{
	struct fake *f = *state;
	close(f->fd);
	fclose(f->in);
	f->fd = -1;
	f->in = NULL;
	struct mvdm_hello h;
	/* Either the send fails (-EPIPE, without killing us by SIGPIPE) or
	 * the read sees the end (-ECONNRESET). */
	int rc = mvdm_client_hello(f->c, &h);
	assert_true(rc == -EPIPE || rc == -ECONNRESET);
	rc = mvdm_client_hello(f->c, &h);
	assert_true(rc == -EPIPE || rc == -ECONNRESET || rc == -ENOTCONN);
}

/* ---- connecting and starting a server ---- */

static void test_connect_nobody(void **state)
{
	(void)state;
	struct mvdm_client *c = NULL;
	char err[256];
	assert_int_equal(mvdm_client_connect("/nonexistent/mvdm/x.sock", &c, err, sizeof(err)), -ENOENT);
	assert_null(c);
	assert_non_null(strstr(err, "no server listens on /nonexistent/mvdm/x.sock"));
	char longpath[200];
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = 0;
	assert_int_equal(mvdm_client_connect(longpath, &c, err, sizeof(err)), -ENAMETOOLONG);
}

static const char *fake_mvdmd; /* argv[1]: tests/client/fake_mvdmd.py */

static void test_spawn(void **state)
{
	(void)state;
	char dir[] = "/tmp/mvdm-spawn-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/d.sock", dir);
	struct mvdm_client *c = NULL;
	char err[512];
	/* A program that cannot be run, and one that fails before listening. */
	assert_int_equal(mvdm_client_connect_or_spawn(path, "/nonexistent/mvdmd", &c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot run /nonexistent/mvdmd"));
	assert_int_equal(mvdm_client_connect_or_spawn(path, "false", &c, err, sizeof(err)), -ECONNREFUSED);
	assert_non_null(strstr(err, "false exited with status 1"));
	/* What the server says before it fails is in the message. */
	char script[160];
	snprintf(script, sizeof(script), "%s/fail.sh", dir);
	FILE *sh = fopen(script, "w");
	assert_non_null(sh);
	fputs("#!/bin/sh\necho \"mvdmd: no luck with $2\" >&2\nexit 3\n", sh);
	fclose(sh);
	assert_int_equal(chmod(script, 0700), 0);
	assert_int_equal(mvdm_client_connect_or_spawn(path, script, &c, err, sizeof(err)), -ECONNREFUSED);
	assert_non_null(strstr(err, "exited with status 3 before it listened"));
	char said[200];
	snprintf(said, sizeof(said), ": mvdmd: no luck with %s", path);
	assert_non_null(strstr(err, said));
	unlink(script);
	/* The fake server listens, detaches, and answers one hello. */
	assert_int_equal(mvdm_client_connect_or_spawn(path, fake_mvdmd, &c, err, sizeof(err)), 0);
	struct mvdm_hello h;
	assert_int_equal(mvdm_client_hello(c, &h), 0);
	assert_string_equal(h.server, "fake mvdmd");
	mvdm_client_close(c);
	unlink(path);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	fake_mvdmd = argc > 1 ? argv[1] : "tests/client/fake_mvdmd.py";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_cells),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_default_socket),
		cmocka_unit_test_setup_teardown(test_hello, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_create_request, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_create_minimal, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_create_checks_locally, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_errors, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_responses_in_order, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_list_and_status, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_wait, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_screen, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_screenshot_and_mouse, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_keys, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_output, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_settings, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_vdd, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_and_raw_call, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_protocol_error_breaks, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_server_closes, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_server_gone_no_sigpipe, fake_setup, fake_teardown),
		cmocka_unit_test(test_connect_nobody),
		cmocka_unit_test(test_spawn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
