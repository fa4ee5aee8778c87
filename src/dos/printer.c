/*
 * printer.c - the printer DOS prints to: PRN and LPT1 (handle 4, a file
 * opened by those names) and INT 21h/05h. The bytes go, as the program
 * wrote them (code page 437, CR LF, form feeds), to the host file
 * dos_config.printer names, appended; the file is opened at the first
 * byte. Without one they are discarded, and the log says so once.
 * (dosemu2 hands them to lpr; mvdm never prints by itself: `--printer
 * FILE`, then `lpr FILE` if a paper copy is wanted.) LPT2 and LPT3 have
 * nothing attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dos/dos_internal.h"

int dos_printer_init(struct dos *d, const char *path)
{
	d->printer_fd = -1;
	d->printer_path = NULL;
	if (path && path[0] && !(d->printer_path = strdup(path)))
		return -ENOMEM;
	return 0;
}

void dos_printer_close(struct dos *d)
{
	if (d->printer_fd >= 0)
		close(d->printer_fd);
	d->printer_fd = -1;
	free(d->printer_path);
	d->printer_path = NULL;
}

int dos_printer_write(struct dos *d, const uint8_t *buf, size_t len)
{
	if (!d->printer_path) {
		dos_log_once(d, 0x1F1, "printer output (PRN, LPT1) discarded: mvdm run --printer FILE keeps it");
		return (int)len;
	}
	if (d->printer_fd < 0) {
		d->printer_fd = open(d->printer_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
		if (d->printer_fd < 0) {
			dos_log_once(d, 0x1F2, "cannot open the printer file %s: %s", d->printer_path, strerror(errno));
			/* DOS: the printer is not ready; a handle write fails. */
			return -DOSERR_PRINTER_OFF;
		}
	}
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(d->printer_fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			dos_log_once(d, 0x1F3, "writing the printer file %s: %s", d->printer_path,
				     n < 0 ? strerror(errno) : "nothing written");
			return done ? (int)done : -DOSERR_WRITE_FAULT;
		}
		done += (size_t)n;
	}
	return (int)done;
}
