/*
 * mvdmd - the MVM server (docs/server.md).
 *
 *   mvdmd [--socket PATH] [--workers N] [--max-vms N] [--foreground]
 *
 * Without --foreground it detaches once the socket listens (so the caller
 * can connect as soon as mvdmd returns). SIGTERM and SIGINT end it cleanly:
 * every VM's files are closed and the socket is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "mvdm/client.h"
#include "mvdm/progsettings.h"
#include "server/server.h"

static const char mvdmd_help[] =
	"usage: mvdmd [--socket PATH] [--workers N] [--max-vms N] [--foreground]\n"
	"The MVM server: many virtual DOS machines in one process, controlled over a Unix\n"
	"socket with JSON lines (mvdmd(8), docs/server.md). `mvdm start` runs it on demand.\n"
	"  --socket PATH  where to listen (default $MVDM_SOCKET, then\n"
	"                 $XDG_RUNTIME_DIR/mvdm/mvdmd.sock, then /tmp/mvdm-$UID/mvdmd.sock);\n"
	"                 a socket inherited from systemd (LISTEN_FDS) wins\n"
	"  --workers N    worker threads that run the VMs, 1 to 64 (default: one per CPU)\n"
	"  --max-vms N    the most VMs held at once (default 4096)\n"
	"  --foreground   stay in the foreground, log to stderr (else detach, log nowhere)\n"
	"  --help, --version\n"
	"Exit status: 0 after SIGTERM, SIGINT or a shutdown request; 1 when it cannot\n"
	"listen (another server listens there); 2 for a bad command line.\n";

/* Makes the socket's directory (mode 0700) if it is missing. */
static void make_socket_dir(const char *path)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = 0;
	mkdir(dir, 0700);
}

/* systemd's socket activation (sd_listen_fds(3), the protocol without
 * libsystemd): LISTEN_PID names this process and LISTEN_FDS counts the
 * sockets passed from descriptor 3 on. mvdmd takes exactly one. The
 * variables are removed so that children (none today) do not take them.
 * Returns the descriptor, 0 when none was passed, -1 after a message. */
static int inherited_socket(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	if (!pid || !fds)
		return 0;
	char *end;
	unsigned long p = strtoul(pid, &end, 10);
	bool ours = *end == 0 && p == (unsigned long)getpid();
	unsigned long n = strtoul(fds, &end, 10);
	bool count_ok = *end == 0;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (!ours)
		return 0;
	if (!count_ok || n != 1) {
		fprintf(stderr, "mvdmd: systemd passed %s sockets (LISTEN_FDS); mvdmd takes exactly one\n", fds);
		return -1;
	}
	return 3; /* SD_LISTEN_FDS_START */
}

/* The log (server_config.log): one line on stderr per event, "vm ID: ..."
 * for a VM. Under systemd (JOURNAL_STREAM names stderr) each line starts
 * with its syslog level, <N>, which the journal reads and drops. One
 * write() per line, so the workers' lines never mix. */
struct log_target {
	bool journal;
};

static void log_line(void *ctx, int level, uint32_t vm, const char *msg)
{
	const struct log_target *lt = ctx;
	char line[1024], prefix[8] = "";
	if (lt->journal)
		snprintf(prefix, sizeof(prefix), "<%d>", level);
	int n = vm ? snprintf(line, sizeof(line), "%smvdmd: vm %u: %s\n", prefix, vm, msg)
		   : snprintf(line, sizeof(line), "%smvdmd: %s\n", prefix, msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	ssize_t w = write(2, line, (size_t)n);
	(void)w;
}

/* Whether stderr is the journal's stream (JOURNAL_STREAM is "DEV:INODE"). */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* Detach: the parent returns when the child says the socket listens. */
static int daemonize(int *ready_fd)
{
	int p[2];
	if (pipe(p) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		char status = 1;
		ssize_t n = read(p[0], &status, 1);
		_exit(n == 1 ? status : 1);
	}
	close(p[0]);
	setsid();
	if (fork() > 0)
		_exit(0);
	*ready_fd = p[1];
	return 0;
}

struct stopper {
	struct server *server;
	int sfd;
};

static void *watch_signals(void *arg)
{
	struct stopper *st = arg;
	struct signalfd_siginfo si;
	if (read(st->sfd, &si, sizeof(si)) == sizeof(si))
		server_stop(st->server);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' }, { "workers", required_argument, NULL, 'w' },
		{ "max-vms", required_argument, NULL, 'm' }, { "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },         { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char sock[512] = "";
	struct server_config cfg = { 0 };
	bool foreground = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		char *end;
		unsigned long n;
		switch (c) {
		case 's':
			if (strlen(optarg) >= sizeof(sock))
				return cli_usage_error("mvdmd", "--socket: the path is too long");
			snprintf(sock, sizeof(sock), "%s", optarg);
			break;
		case 'w':
			n = strtoul(optarg, &end, 10);
			if (*end || end == optarg || n < 1 || n > 64)
				return cli_usage_error("mvdmd", "--workers wants 1 to 64, not '%s'", optarg);
			cfg.workers = (unsigned)n;
			break;
		case 'm':
			n = strtoul(optarg, &end, 10);
			if (*end || end == optarg || n < 1 || n > 1000000)
				return cli_usage_error("mvdmd", "--max-vms wants 1 to 1000000, not '%s'", optarg);
			cfg.max_vms = (unsigned)n;
			break;
		case 'f': foreground = true; break;
		case 'h': return cli_help(mvdmd_help);
		case 'V': return cli_version("mvdmd");
		default: return cli_option_error("mvdmd", c, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("mvdmd", "takes no operands ('%s')", argv[optind]);
	cfg.listen_fd = inherited_socket();
	if (cfg.listen_fd < 0)
		return 1;
	bool chosen = sock[0] || (getenv("MVDM_SOCKET") && getenv("MVDM_SOCKET")[0]);
	if (!sock[0] && mvdm_client_default_socket(sock, sizeof(sock)) != 0) {
		fprintf(stderr, "mvdmd: no socket path (set MVDM_SOCKET or XDG_RUNTIME_DIR)\n");
		return 1;
	}
	char why[600];
	if (cfg.listen_fd > 0) {
		/* systemd made the socket and its directory. */
	} else if (chosen) {
		make_socket_dir(sock);
	} else if (mvdm_socket_dir_check(sock, true, why, sizeof(why)) < 0) {
		/* The default place: the directory must be ours alone. */
		fprintf(stderr, "mvdmd: %s\n", why);
		return 1;
	}
	cfg.socket_path = sock;
	struct log_target lt = { .journal = stderr_is_journal() };
	if (foreground) {
		cfg.log = log_line;
		cfg.log_ctx = &lt;
	}
	char confdir[512];
	bool have_conf = progsettings_config_dir(getenv("XDG_CONFIG_HOME"), getenv("HOME"), confdir,
						 sizeof(confdir)) == 0;
	cfg.config_dir = have_conf ? confdir : NULL;
	cfg.home = getenv("HOME");

	/* Each VM's large blocks (struct vm, the CPU's block cache) come
	 * zeroed by calloc: as fresh mmap()ed pages only the pages a VM
	 * touches are resident. A fixed threshold keeps glibc from raising it
	 * after the first VM is freed, when they would come from the heap and
	 * be cleared (resident) whole: 375 instead of 248 KiB per idle VM. */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	int ready_fd = -1;
	if (!foreground && daemonize(&ready_fd) < 0) {
		perror("mvdmd: fork");
		return 1;
	}
	/* Signals arrive on a signalfd read by a small thread: no handlers. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct server *s;
	char err[512];
	int rc = server_create(&cfg, &s, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "mvdmd: %s\n", err);
		if (ready_fd >= 0) {
			char status = 1;
			ssize_t n = write(ready_fd, &status, 1);
			(void)n;
		}
		return 1;
	}
	if (ready_fd >= 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
		char status = 0;
		ssize_t n = write(ready_fd, &status, 1);
		(void)n;
		close(ready_fd);
	}
	struct stopper st = { s, signalfd(-1, &set, SFD_CLOEXEC) };
	pthread_t watcher;
	bool watching = st.sfd >= 0 && pthread_create(&watcher, NULL, watch_signals, &st) == 0;
	server_run(s);
	/* The watcher may still call server_stop() (a signal after a
	 * shutdown request): it ends before the server goes. */
	if (watching) {
		pthread_cancel(watcher);
		pthread_join(watcher, NULL);
	}
	server_destroy(s);
	return 0;
}
