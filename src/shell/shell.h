/*
 * shell.h - the built-in command interpreter (COMMAND.COM). One struct
 * shell per running instance (keyed by its PSP); the guest half is the
 * loop in shell.asm. shell.c has the engine (command lines, batch files,
 * redirection, pipes, running programs), builtins.c the internal commands.
 */
#ifndef MVDM_SHELL_H
#define MVDM_SHELL_H

#include <stdbool.h>
#include <stdint.h>

#include "dos/dos_internal.h"

enum {
	SH_LINE = 512,     /* a command line after expansion */
	SH_QUEUE = 256,    /* pending commands (FOR, /C) */
	SH_STAGES = 8,     /* commands in one pipeline */
	SH_ENV_SIZE = 1024,/* bytes of environment the shell keeps room for */
	/* The shell's own memory (offsets in its PSP segment). */
	SH_PARAMS = 0x200, SH_FCB1 = 0x210, SH_FCB2 = 0x220, SH_TAIL = 0x240, SH_PATH = 0x2C0,
	SH_INPUT = 0x340, SH_STACK = 0x0FFE, SH_PARAS = 0x100,
};

struct batch {
	struct batch *caller;   /* CALL nesting */
	char *text;
	size_t len, pos;
	char *args[64];         /* %0 ... */
	unsigned nargs, shift;
	bool echo_saved;
};

/* What the guest loop's INT 21h is doing for the shell: EXEC a program,
 * read a line at the prompt, wait for PAUSE's key, terminate, or (YIELD)
 * a harmless call between batch lines (see step() in shell.c). */
enum sh_wait { SH_READY, SH_EXEC, SH_READLINE, SH_PAUSE, SH_EXIT, SH_YIELD };

struct shell {
	struct shell *next;
	struct dos *d;
	uint16_t psp;
	bool single;            /* /C: run one command and exit */
	bool permanent;         /* /P: EXIT does nothing */
	bool exit_now;
	bool echo;
	enum sh_wait wait;
	uint16_t errorlevel;
	char *queue[SH_QUEUE];
	unsigned qhead, qlen;
	struct batch *batch;
	/* The pipeline being run. */
	char stages[SH_STAGES][SH_LINE];
	unsigned nstages, stage;
	int pipe_in;            /* SFT index feeding this stage's stdin, or -1 */
	int pipe_out;           /* SFT index this stage writes to, or -1 */
	int saved_in, saved_out;/* handles holding the shell's stdin/stdout while redirected */
	char prompt[128];
	/* LOADHIGH (builtins.c): the UMB link state and allocation strategy
	 * to restore when the program it started ends. */
	bool lh_restore, lh_linked;
	uint8_t lh_strategy;
};

/* The guest half (shell.asm, built into shell_stub.c). */
extern const uint8_t shell_stub[];
extern const size_t shell_stub_size;
/* The hooks the kernel calls (attach.c gives them to it). */
int shell_svc_entry(struct vm *vm, void *ctx, uint8_t n);
void shell_process_ended(struct dos *d, uint16_t psp);
void shell_free_all(struct dos *d);

/* Output to the shell's STDOUT (follows redirection). */
void sh_write(struct shell *sh, const char *s, size_t len);
void sh_puts(struct shell *sh, const char *s);   /* adds nothing */
void sh_printf(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Environment of the shell (its block at PSP:2Ch). */
bool sh_getenv(struct shell *sh, const char *name, char *out, size_t max);
int sh_setenv(struct shell *sh, const char *name, const char *value); /* value NULL/"" removes */

/* Queue a command to run before the next line of the batch file. */
void sh_queue(struct shell *sh, const char *line, bool front);
/* Start a batch file (replacing the current one unless `call`). */
int sh_start_batch(struct shell *sh, const char *dos_path, const char *args, bool call);

/* Builtins (builtins.c): runs `name args` if it is an internal command and
 * returns true. *exec_line may be set to a command to run instead (IF, FOR
 * and CALL hand back the command they chose). */
bool sh_builtin(struct shell *sh, const char *name, char *args);
/* The program LOADHIGH started has ended: restore what it changed. */
void sh_loadhigh_done(struct shell *sh);
/* Split the first word off line: name gets it (upper case), *rest the rest. */
void sh_split_word(const char *line, char *name, size_t max, const char **rest);
/* Run one expanded command (builtins, drive changes, programs). Returns 1
 * if a program was started (the shell waits for it), 0 otherwise. */
int sh_run_simple(struct shell *sh, char *line);
/* Set up INT 21h/4B00h of program (a DOS path) with tail args; returns 1. */
int sh_exec(struct shell *sh, const char *program, const char *args);
/* Find a program along PATH (.COM, .EXE, .BAT); out gets its DOS path. */
bool sh_find_program(struct shell *sh, const char *name, char *out, size_t max);
/* A pipeline stage ended: undo its redirections, pass its pipe on. */
void sh_stage_done(struct shell *sh);

#endif
