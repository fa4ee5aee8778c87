/*
 * mvdm/dos.h - the DOS emulation kernel of a VM: INT 20h-2Fh served in the
 * host on mapped host directories, the memory arena, PSPs, the program
 * loader and EXEC, and the built-in command interpreter (COMMAND.COM).
 *
 * The kernel attaches to a VM made with vm16_create() (before it runs),
 * installs its interrupt stubs in guest memory and loads the first program.
 * The caller then runs the VM with vm16_run(); when the first program ends
 * the VM stops with VM16_STOP_EXIT and its DOS return code.
 */
#ifndef MVDM_DOS_H
#define MVDM_DOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct dos;
/* Drives mapped on host directories, with the listings read of them so
 * far: what dos_program_host_path_keep() looked the program up on, for
 * the kernel made next (dos_config.mapped). */
struct dos_drives;

/* The DOS console (the CON device) when it is a byte stream rather than
 * the VM's keyboard: output is everything written to the screen as
 * teletype (CON, INT 29h, INT 10h/0Eh); input is read a byte at a time. */
struct dos_console {
	void *ctx;
	/* Bytes the guest wrote as console output. NULL = screen only. */
	void (*write)(void *ctx, const uint8_t *buf, size_t len);
	/* One byte of console input: 1 (byte in *b), 0 (end of input) or
	 * -EAGAIN (none yet: the guest idles and asks again). NULL = input
	 * comes from the VM's keyboard (BIOS buffer). */
	int (*read)(void *ctx, uint8_t *b);
	bool echo;       /* echo line input (off when input is a file or pipe) */
};

enum { DOS_MAX_ENV = 32 };

struct dos_config {
	/* Host directory of each drive (index 0 = A:), NULL = not mapped.
	 * At least one drive must be mapped. */
	const char *drives[26];
	/* Environment of the first program: "NAME=VALUE" strings; COMSPEC
	 * and PATH get defaults when missing. */
	const char *env[DOS_MAX_ENV];
	unsigned nenv;
	/* The version programs see (INT 21h/30h); 0.0 (the default) = the
	 * VM's DOS_VERSION setting (5.00 unless set). A DOS_VERSION given in
	 * vm16_config.settings wins over this field; the setting shows the
	 * version in effect either way. */
	uint8_t version_major, version_minor;
	struct dos_console console;
	/* START in the built-in shell: run `program` (an absolute DOS path
	 * such as C:\\GAMES\\PLAY.EXE) with command tail `tail` in a new
	 * concurrent VM made like this one. Returns 0, or a negative errno
	 * with a one-line reason in err. NULL: START says it needs the mvdm
	 * server. Called from inside the running VM (its thread). */
	int (*start)(void *ctx, const char *program, const char *tail, char *err, size_t errlen);
	void *start_ctx;
	/* Start-up commands (a profile's [autoexec]): DOS command lines, each
	 * ended by "\r\n" (or "\n"), at most 4096 bytes, or NULL. The built-in
	 * COMMAND.COM runs them as a batch file with ECHO off, then the program
	 * dos_start() names (or its prompt, for DOS_COMSPEC), which thus sees
	 * the environment and current directory they made. */
	const char *autoexec;
	/* The printer: a host file that receives what DOS prints (PRN, LPT1,
	 * INT 21h/05h), appended, as the program wrote it; NULL: discarded
	 * (the log says so once). */
	const char *printer;
	/* NULL, or the drives dos_program_host_path_keep() mapped from this
	 * config's `drives` (the same directories): the kernel takes them
	 * over, with the directory listings that lookup read (still checked
	 * against each directory's time stamps, as every cached listing is),
	 * instead of mapping `drives` anew and reading the program's
	 * directory again. dos_create() owns them from the call on, whether
	 * it succeeds or not; set the field for one dos_create() only. */
	struct dos_drives *mapped;
};

void dos_config_default(struct dos_config *cfg);

/* Frees drives that no dos_create() took (NULL is fine). */
void dos_drives_free(struct dos_drives *dr);

/* Attach the kernel to vm. Returns 0, or a negative errno with a reason in err. */
int dos_create(struct vm *vm, const struct dos_config *cfg, struct dos **out, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Load the first program: a DOS path (`C:\MASM.EXE`, `PROG`; the PATH is
 * searched and .COM, .EXE, .BAT tried for a name without extension) and
 * its command tail (without the leading space; at most 126 bytes). A
 * batch file runs through the built-in COMMAND.COM. Returns 0 or a
 * negative errno with a reason in err. */
int dos_start(struct dos *d, const char *program, const char *tail, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* How the first program ended, once vm16_run() returned VM16_STOP_EXIT:
 * the termination type INT 21h/4Dh reports in AH (RBIL INT 21/AH=4Dh). */
enum dos_end {
	DOS_END_NORMAL = 0,   /* INT 21h/4Ch, 00h, INT 20h */
	DOS_END_CTRL_C = 1,   /* Ctrl+C or Ctrl+Break: INT 23h ended it */
	DOS_END_CRITICAL = 2, /* a critical error (INT 24h answered Abort) */
	DOS_END_RESIDENT = 3, /* INT 21h/31h, INT 27h: terminate and stay resident */
};
enum dos_end dos_end_type(const struct dos *d);

/* Closes every host file the guest still has open (what it wrote is on
 * the host then) and frees the kernel. Call before vm16_destroy(). */
void dos_destroy(struct dos *d);

/* The path the built-in command interpreter has in the guest (COMSPEC). */
#define DOS_COMSPEC "Z:\\COMMAND.COM"

#endif
