/* run.h - `mvdm run` and `mvdm shell` (run.c). argv[0] is the command's
 * name, the words after it its options and operands. Return the process
 * exit status (cli.h). */
#ifndef MVDM_TOOLS_RUN_H
#define MVDM_TOOLS_RUN_H

int mvdm_run_cmd(int argc, char **argv);
int mvdm_shell_cmd(int argc, char **argv);

#endif
