/*
 * client_hello.c - a complete client of the mvdmd request API built on the
 * installed libmvdm-client (pkg-config mvdm-client): it runs one DOS
 * program in a new VM of the server, prints what the program wrote and
 * exits with its DOS return code.
 *
 *   cc client_hello.c $(pkg-config --cflags --libs mvdm-client) -o client_hello
 *   ./client_hello DIR PROGRAM [SOCKET]
 *
 * DIR (an absolute host directory) becomes drive C:, PROGRAM is a DOS path
 * on it (C:\HELLO.COM). SOCKET defaults to the server's usual path; the
 * server is started on demand (mvdmd from PATH).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mvdm/client.h>

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: client_hello DIR PROGRAM [SOCKET]\n");
		return 2;
	}
	char err[512];
	struct mvdm_client *c;
	if (mvdm_client_connect_or_spawn(argc > 3 ? argv[3] : NULL, NULL, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "client_hello: %s\n", err);
		return 1;
	}
	struct mvdm_hello h;
	if (mvdm_client_hello(c, &h) < 0)
		goto fail;
	printf("server: %s, protocol %d\n", h.server, h.protocol);

	struct mvdm_create_req req = { .program = argv[2], .timeout_s = 30 };
	req.drives['C' - 'A'] = argv[1];
	uint64_t id;
	if (mvdm_client_create(c, &req, &id, NULL, 0) < 0)
		goto fail;
	struct mvdm_wait_result w;
	if (mvdm_client_wait(c, id, 0, &w) < 0)
		goto fail;
	struct mvdm_output_req oreq = { 0 };
	struct mvdm_output out;
	if (mvdm_client_output(c, id, &oreq, &out) < 0)
		goto fail;
	fwrite(out.text, 1, out.len, stdout);
	mvdm_output_free(&out);
	int code = w.state == MVDM_STATE_EXITED ? w.exit_code : 1;
	printf("VM %llu %s, code %d\n", (unsigned long long)id, mvdm_state_name(w.state), code);
	mvdm_client_remove(c, id, NULL);
	mvdm_client_close(c);
	return code;
fail:
	fprintf(stderr, "client_hello: %s\n", mvdm_client_error(c));
	mvdm_client_close(c);
	return 1;
}
