/*
 * server.h - mvdmd, the MVM server: many VMs in one process, controlled
 * over a Unix socket with the JSON-lines protocol of docs/server.md.
 *
 * One thread (the caller of server_run) owns the socket and every client
 * connection; the VMs run on the scheduler's workers (sched.h).
 */
#ifndef MVDM_SERVER_SERVER_H
#define MVDM_SERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct server_config {
	const char *socket_path;  /* where to listen (the caller picks the default) */
	unsigned workers;         /* worker threads; 0 = one per online CPU */
	unsigned max_vms;         /* 0 = 4096 */
	const char *config_dir;   /* the user's configuration directory ($XDG_CONFIG_HOME
				   * or ~/.config) for settings files, or NULL */
	const char *home;         /* $HOME, for `~` in profiles, or NULL */
	int listen_fd;            /* > 0: an inherited listening socket (systemd's socket
				   * activation) to serve on instead of binding socket_path
				   * (0, as a zeroed config has it: none) */
	/* The server's log: one line at a time (no newline), from any
	 * thread. level as syslog has it (SERVER_LOG_*); vm is the VM the
	 * line is about (every line about a VM has its id) or 0 for the
	 * server itself. NULL: nothing is logged. */
	void (*log)(void *ctx, int level, uint32_t vm, const char *msg);
	void *log_ctx;
};

enum { SERVER_LOG_ERR = 3, SERVER_LOG_WARNING = 4, SERVER_LOG_INFO = 6 };

struct server;

/* Binds and listens (a stale socket file nobody answers on is replaced; a
 * live server there is -EADDRINUSE) and starts the workers. Returns 0 or a
 * negative errno with a reason in err. */
int server_create(const struct server_config *cfg, struct server **out, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Serves until server_stop() or a `shutdown` request. Returns 0. */
int server_run(struct server *s);

/* Asks server_run to return (async-signal-safe: one write()). */
void server_stop(struct server *s);

/* Ends every VM, closes every connection, removes the socket file. */
void server_destroy(struct server *s);

#endif
