/* ctl.h - the `mvdm` commands that talk to the MVM server mvdmd through
 * the client library (ctl.c): start, ps, status, wait, kill, pause,
 * resume, rm, screen, keys, output, attach, shutdown. */
#ifndef MVDM_TOOLS_CTL_H
#define MVDM_TOOLS_CTL_H

#include <stdbool.h>

/* Whether cmd names one of these commands. */
bool ctl_is_command(const char *cmd);

/* Runs the command argv[0] with its words argv[1..argc). Returns the exit
 * status: 0, the VM's code (wait, attach), 1 when the server refused or
 * failed, 124/125/137 for a VM that timed out, faulted or was killed, 2
 * for usage errors, 126 when start could not make the VM (cli.h). */
int ctl_main(int argc, char **argv);

/* The lines of `mvdm --help` for these commands. */
extern const char ctl_help_lines[];

#endif
