/* run.h - `mvdm run` / `mvdm shell` (run.c). argv[0..argc) are the words
 * after the subcommand. Returns the process exit status. */
#ifndef MVDM_TOOLS_RUN_H
#define MVDM_TOOLS_RUN_H

#include <stdbool.h>

int mvdm_run(int argc, char **argv, bool shell);

#endif
