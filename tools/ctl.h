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
 * failed, 124/125/137 for a VM that timed out, faulted or was killed,
 * 126 for usage errors. */
int ctl_main(int argc, char **argv);

/* The usage lines of these commands (for `mvdm` without arguments). */
extern const char ctl_usage[];

#endif
