/*
 * dos_internal.h - struct dos, one DOS kernel per VM, and the functions the
 * kernel's files share. Guest memory is reached through vm16_read/write so
 * the CPU's decoded-code cache sees every host write.
 */
#ifndef MVDM_DOS_INTERNAL_H
#define MVDM_DOS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "mvdm/dos.h"
#include "mvdm/vm16.h"
#include "dos/hostfs.h"
#include "dos/layout.h"

enum {
	DOS_MAX_FILES = 100,    /* system file table entries (host side) */
	DOS_JFT_SIZE = 20,
	DOS_MAX_EXEC = 32,      /* nested EXEC depth */
	DOS_LINE_MAX = 256,
	DOS_HISTORY = 16,       /* lines the keyboard line editor keeps (up/down arrows) */
	DOS_ENV_ENTRY_MAX = 256, /* bytes of a dos_config.env entry, NUL included */
};


/* Character devices (names usable in any directory). */
enum dos_dev {
	DEV_NONE = 0, DEV_CON, DEV_NUL, DEV_AUX, DEV_PRN, DEV_CLOCK, DEV_COM, DEV_LPT,
	DEV_VDD,    /* a device a VDD offers (EMMXXXX0): dev_unit = its index (vdd_add_dos_device) */
};

/* One open file: a system file table entry. JFT bytes in the PSPs index
 * this table; refs counts the JFT slots pointing at it. */
struct dos_file {
	int refs;               /* 0 = free */
	int fd;                 /* host descriptor, -1 for devices and built-in files */
	enum dos_dev dev;
	uint8_t dev_unit;       /* COMn/LPTn number */
	uint8_t mode;           /* open mode byte (access, sharing, no-inherit 80h) */
	uint16_t dev_info;      /* IOCTL 4400h word (raw mode bit 5 can be set) */
	uint8_t drive;          /* 0 = A: (files) */
	const uint8_t *mem;     /* built-in read-only file (COMMAND.COM) */
	uint32_t mem_len, mem_pos;
	bool time_set;          /* 5701h: apply date/time at close */
	uint16_t date, time;
	char fcb_name[11];
};

/* What a parent left when it called EXEC: restored when the child ends. */
struct dos_exec_frame {
	uint16_t child_psp;
	struct vm16_regs regs;
	uint16_t dta_seg, dta_off;
};

struct shell;
struct dos;

/* What an INT 21h dispatch did (the call's own result is in the guest's
 * registers: CF and AX, int21.c). */
enum dos_dispatch {
	DOS_DISPATCH_DONE = 0,   /* served: the guest goes on (through the stub's IRET, or
				  * where the call sent it: EXEC, termination, a wait) */
	DOS_DISPATCH_END_VM,     /* the VM cannot go on: d->err says why */
};

/* What the command interpreter (src/shell/) gives the kernel when it
 * attaches (dos_attach_shell): the kernel never calls the shell by name,
 * only through these. Any may be NULL (a kernel without a shell: the
 * fuzz targets, a VM that runs one program). */
struct dos_shell_hooks {
	/* The process of psp has ended (a shell instance there goes). */
	void (*process_ended)(struct dos *d, uint16_t psp);
	/* The kernel is going: free every instance. */
	void (*free_all)(struct dos *d);
	/* Its supervisor call (the guest half's loop: DOS_SVC_SHELL). */
	int (*svc)(struct vm *vm, void *ctx, uint8_t n);
	/* The guest half, served as Z:\COMMAND.COM. */
	const uint8_t *image;
	size_t image_size;
};

struct dos {
	struct vm *vm;
	struct hostfs *fs;
	struct dos_console con;
	int (*start)(void *ctx, const char *program, const char *tail, char *err, size_t errlen);
	void *start_ctx;          /* dos_config.start: START in the shell */
	uint8_t ver_major, ver_minor, true_major, true_minor;

	/* Process state. */
	uint16_t psp;             /* current PSP */
	uint16_t dta_seg, dta_off;
	uint16_t ret_code;        /* 4Dh: termination type << 8 | code */
	uint8_t alloc_strategy;   /* 58h */
	uint8_t break_flag, verify_flag;
	uint16_t mem_top;         /* first paragraph past conventional memory */
	/* Where the guest-visible parts are (DOS_HIGH, DOS_UMB; kernel.c,
	 * memory.c). */
	bool high;                /* DOS_HIGH: tables and CDS in the HMA */
	uint16_t root_psp;        /* DOS_ROOT_PSP, or DOS_HIGH_ROOT_PSP when high */
	uint32_t hma_free;        /* INT 2Fh/4A02h: first free byte (offset in FFFFh); 10000h: none */
	uint16_t umb_link;        /* the MCB at the top of conventional memory that
				   * links the UMBs (type 'M' linked, 'Z' not), 0: no UMBs */
	struct dos_exec_frame exec[DOS_MAX_EXEC];
	unsigned nexec;

	/* Handler state for the call in progress. */
	struct vm16_regs r;
	uint16_t frame_flags;     /* FLAGS image in the interrupt frame */
	enum dos_dispatch outcome; /* what the dispatch did (int21.c) */

	/* Extended error (59h). */
	uint16_t ext_error;
	uint8_t ext_class, ext_action, ext_locus;

	struct dos_file files[DOS_MAX_FILES];

	/* Console input: a line being read (0Ah, cooked CON reads) and what
	 * is left of the last line for handle reads. */
	uint8_t line[DOS_LINE_MAX];
	unsigned line_len;
	bool line_active;
	uint8_t pending[DOS_LINE_MAX + 2];
	unsigned pending_len, pending_pos;
	bool con_eof;
	bool skip_lf;
	bool has_peek;            /* a byte read ahead from the stream (status checks) */
	uint8_t peek;
	bool waiting, retry;      /* the call waited for input / is a repeat of one */             /* CR seen from a stream: drop the LF after it */
	uint8_t ext_key;          /* second byte of an extended key for 07h/08h */
	bool has_ext_key;
	/* Line editing from the keyboard (console.c): the lines entered,
	 * newest last (the newest is DOS's template for F1/F3), and which
	 * one the up/down arrows show (hist_n: the line being typed). hist
	 * (DOS_HISTORY lines) is allocated with the first line entered, NULL
	 * before: 4 KiB a run that types nothing does not zero. */
	uint8_t (*hist)[DOS_LINE_MAX];
	uint8_t hist_len[DOS_HISTORY];
	unsigned hist_n, hist_at;

	int64_t time_offset;      /* seconds DOS was told to add (2Bh, 2Dh) */
	char *cfg_env[DOS_MAX_ENV]; /* the first program's extra environment (owned;
				     * each shorter than DOS_ENV_ENTRY_MAX) */
	unsigned cfg_env_count;
	uint32_t logged[16];       /* unknown INT 21h functions logged once */
	struct shell *shells;     /* built-in COMMAND.COM instances (src/shell/ owns them) */
	struct dos_shell_hooks shell; /* dos_attach_shell; zeros: none */
	char *autoexec;           /* dos_config.autoexec (owned), until dos_start */
	char *autoexec_batch;     /* what the first shell runs before anything (owned), or NULL */
	bool autoexec_then_exit;  /* that shell exits after it (it ends with the program) */
	/* DISK_QUOTA (disk.c): bytes this VM may add to its drives (0 =
	 * no limit), and what it added so far, net of what it removed. */
	int64_t disk_quota, disk_used;
	/* A program that asked for disk structures a host drive does not
	 * have (dos_disk_refused): the INT 21h count then, its PSP, what it
	 * asked, the pending check; abort_msg ends the VM at the next INT
	 * 21h entry. */
	uint64_t int21_calls, disk_calls;
	uint16_t disk_psp;
	int disk_drive, disk_event;
	char disk_what[48];
	char abort_msg[400];
	/* The printer (printer.c): host file path (owned) or NULL, and its
	 * descriptor once opened. */
	char *printer_path;
	int printer_fd;
	char err[256];
};

/* Where the tables and the CDS are (DOS_HIGH: in the HMA). */
static inline uint16_t dos_table_seg(const struct dos *d)
{
	return d->high ? 0xFFFF : DOS_SEG;
}

static inline uint16_t dos_table_off(const struct dos *d, unsigned layout_off)
{
	return (uint16_t)(d->high ? layout_off - DOS_TABLES + DOS_HMA_TABLES : layout_off);
}

/* INT 21h (int21.c): the supervisor call of the INT 21h stub, dispatching
 * on the table of int21.def. */
int dos_svc_int21(struct vm *vm, void *ctx, uint8_t n);

/* Guest memory by segment:offset (guestmem.c). */
uint8_t dos_rd8(struct dos *d, uint16_t seg, uint16_t off);
uint16_t dos_rd16(struct dos *d, uint16_t seg, uint16_t off);
void dos_wr8(struct dos *d, uint16_t seg, uint16_t off, uint8_t v);
void dos_wr16(struct dos *d, uint16_t seg, uint16_t off, uint16_t v);
void dos_read_mem(struct dos *d, uint16_t seg, uint16_t off, void *buf, size_t len);
void dos_write_mem(struct dos *d, uint16_t seg, uint16_t off, const void *buf, size_t len);
/* An ASCIIZ string at seg:off, at most max-1 bytes; returns its length. */
size_t dos_read_str(struct dos *d, uint16_t seg, uint16_t off, char *out, size_t max);

/* Register views of d->r. */
#define AL(d) ((uint8_t)(d)->r.eax)
#define AH(d) ((uint8_t)((d)->r.eax >> 8))
#define AX(d) ((uint16_t)(d)->r.eax)
#define BX(d) ((uint16_t)(d)->r.ebx)
#define CX(d) ((uint16_t)(d)->r.ecx)
#define DX(d) ((uint16_t)(d)->r.edx)
#define SI(d) ((uint16_t)(d)->r.esi)
#define DI(d) ((uint16_t)(d)->r.edi)
#define BL(d) ((uint8_t)(d)->r.ebx)
#define BH(d) ((uint8_t)((d)->r.ebx >> 8))
#define CL(d) ((uint8_t)(d)->r.ecx)
#define CH(d) ((uint8_t)((d)->r.ecx >> 8))
#define DL(d) ((uint8_t)(d)->r.edx)
#define DH(d) ((uint8_t)((d)->r.edx >> 8))
void dos_set16(uint32_t *reg, uint16_t v);
void dos_set_lo(uint32_t *reg, uint8_t v);
void dos_set_hi(uint32_t *reg, uint8_t v);

/* Results of a call: success clears CF; an error sets CF, AX and the
 * extended error (kernel.c). */
void dos_ok(struct dos *d);
void dos_fail(struct dos *d, uint16_t code);
void dos_set_zf(struct dos *d, bool zf);
/* DOS's clock (what 2Ah/2Ch report) and setting it (2Bh/2Dh). */
time_t dos_clock(struct dos *d);
void dos_clock_set(struct dos *d, time_t t);
/* Log what the kernel refused and why (the VM's log, category dos). */
void dos_log(struct dos *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Log something the kernel does not do (the VM's log, category dos; once
 * per function). */
void dos_log_once(struct dos *d, unsigned key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes to host files (disk.c): every size change of a file on a host
 * drive goes through these, so that a file never passes DOS's 4 GiB - 1
 * and the VM's DISK_QUOTA holds. */
void dos_disk_init(struct dos *d);
/* Bytes the VM may still add (INT64_MAX without a quota). */
int64_t dos_disk_room(const struct dos *d);
/* Write len bytes at pos (-1: the descriptor's position, which moves);
 * what would pass 4 GiB - 1 or the quota is not written, so the count is
 * short, as when a disk is full. Returns the count or -(DOS error). */
int64_t dos_disk_write(struct dos *d, int fd, int64_t pos, const uint8_t *buf, uint32_t len);
/* Set a file's size: 0 or a DOS error (27h past 4 GiB - 1 or the quota). */
int dos_disk_truncate(struct dos *d, int fd, uint64_t new_size);
/* Delete a host file: 0 or a DOS error. */
int dos_disk_unlink(struct dos *d, const char *host);
/* Make or remove a directory, rename: 0 or a negative errno. The host
 * paths come from hostfs_resolve in the same call (the cached listings
 * follow the change: hostfs_added, hostfs_removed). */
int dos_disk_mkdir(struct dos *d, const char *host);
int dos_disk_rmdir(struct dos *d, const char *host);
int dos_disk_rename(struct dos *d, const char *from, const char *to);
/* A file of old_size bytes was emptied (created over, O_TRUNC). */
void dos_disk_emptied(struct dos *d, int64_t old_size);
/* The program asked for drive's sectors or parameter block (what: "INT
 * 25h", "INT 21h/32h"), which a host directory does not have: if it then
 * runs for seconds without calling DOS, the VM ends saying why. */
void dos_disk_refused(struct dos *d, int drive, const char *what);
/* hostfs_space with the free clusters cut to the quota (21h/36h, DIR). */
int dos_disk_space(struct dos *d, int drive, uint16_t *spc, uint16_t *bps, uint16_t *free_clusters,
		   uint16_t *total_clusters);

/* The printer (printer.c): PRN, LPT1, INT 21h/05h. path NULL: discarded. */
int dos_printer_init(struct dos *d, const char *path); /* 0 or -ENOMEM */
void dos_printer_close(struct dos *d);
/* Bytes written, or -(DOS error) when the printer file cannot be written. */
int dos_printer_write(struct dos *d, const uint8_t *buf, size_t len);

/* Memory arena (memory.c). Sizes and segments in paragraphs. */
int dos_mem_init(struct dos *d, uint16_t first_mcb, uint16_t top);
/* DOS_UMB: take every upper memory block (vdd_umb_alloc) and chain them
 * after the conventional arena, unlinked (DOS 5 "DOS=UMB"); 58h 02h/03h. */
void dos_umb_init(struct dos *d);
bool dos_umb_linked(struct dos *d);
int dos_umb_link(struct dos *d, bool link);  /* 0 or DOS error 1 (no UMBs) */
/* The largest free block a program of `min` paragraphs would be loaded
 * into under the allocation strategy (58h: high first, high only). */
uint16_t dos_mem_largest_fit(struct dos *d, uint16_t min);
/* Allocate for owner: returns the block's segment (MCB + 1) or 0 with
 * *err and *largest set. */
uint16_t dos_mem_alloc(struct dos *d, uint16_t paras, uint16_t owner, uint16_t *largest, uint16_t *err);
uint16_t dos_mem_largest(struct dos *d);
uint16_t dos_mem_first_free(struct dos *d); /* MCB of the first free block, or 0 */
int dos_mem_free(struct dos *d, uint16_t seg);           /* 0 or a DOS error */
int dos_mem_resize(struct dos *d, uint16_t seg, uint16_t paras, uint16_t *largest); /* 0 or DOS error */
void dos_mem_free_owner(struct dos *d, uint16_t owner);
void dos_mem_set_name(struct dos *d, uint16_t seg, const char *name);
void dos_mem_set_owner(struct dos *d, uint16_t seg, uint16_t owner);

/* Files (files.c). */
enum { DOS_WAIT = -0x10000 }; /* a read that must wait for console input */
/* SFT level: open (create 0 = existing, 1 = create/truncate, 2 = create
 * new) to an index or -(DOS error); release drops one reference. */
int dos_sft_open(struct dos *d, const char *path, uint8_t mode, int create, uint8_t attr);
void dos_sft_release(struct dos *d, int idx);
struct dos_file *dos_sft(struct dos *d, int idx);
int dos_sft_read(struct dos *d, struct dos_file *f, uint8_t *buf, uint16_t len);
int dos_sft_write(struct dos *d, struct dos_file *f, const uint8_t *buf, uint16_t len);
int dos_handle_sft(struct dos *d, uint16_t handle); /* SFT index or -1 */
/* For the command interpreter: a new handle on an SFT entry (refs + 1),
 * positioning, and an anonymous temporary file (pipes). */
int dos_handle_from_sft(struct dos *d, int idx);
void dos_sft_seek_end(struct dos *d, int idx);
void dos_sft_rewind(struct dos *d, int idx);
int dos_sft_open_temp(struct dos *d);
void dos_files_init(struct dos *d);
void dos_files_close_all(struct dos *d);
/* Devices by name: the base name of the last component ("CON", "NUL", ...). */
enum dos_dev dos_device_by_name(const char *dos_path, uint8_t *unit);
/* The devices VDDs offer (vdd_add_dos_device), linked after NUL in the
 * device chain (kernel.c), and one of them by name: its index and
 * header attribute, or -1 (files.c). */
void dos_link_vdd_devices(struct dos *d);
int dos_vdd_device(struct dos *d, const char *dos_path, uint16_t *attr);
/* Open a path (with devices and the built-in Z: drive) and give it a new
 * JFT handle in the current PSP. Returns the handle or -(DOS error). */
int dos_open_path(struct dos *d, const char *path, uint8_t mode);
int dos_create_path(struct dos *d, const char *path, uint8_t attr, bool must_not_exist);
/* Handle operations on the current PSP's JFT. */
struct dos_file *dos_handle_file(struct dos *d, uint16_t handle);
int dos_handle_close(struct dos *d, uint16_t handle);
int dos_handle_read(struct dos *d, uint16_t handle, uint8_t *buf, uint16_t len); /* bytes or -(err) or -EAGAIN-style 0x10000 */
int dos_handle_write(struct dos *d, uint16_t handle, const uint8_t *buf, uint16_t len);
int dos_handle_dup(struct dos *d, uint16_t handle);
int dos_handle_dup2(struct dos *d, uint16_t handle, uint16_t target);
/* Let a new PSP inherit the current JFT (refs counted). */
void dos_jft_inherit(struct dos *d, uint16_t parent_psp, uint16_t child_psp);
void dos_jft_close_all(struct dos *d, uint16_t psp);
/* Read a whole file (program loading): malloc'd buffer or NULL with *err. */
uint8_t *dos_load_file(struct dos *d, const char *path, size_t *len, uint16_t *err, char *canon);
/* The families' INT 21h handlers (int21.def says which functions). */
void dos_fn_files(struct dos *d);
void dos_fn_fcb(struct dos *d);     /* fcb.c */
/* INT 21h/29h on a host buffer: parse a file name at s into the unopened
 * FCB fcb (drive byte + 11-byte name) with 29h's option bits; *al gets
 * 29h's result. Returns the bytes consumed. */
size_t dos_parse_name(struct dos *d, const uint8_t *s, size_t n, uint8_t fcb[12], uint8_t opt, uint8_t *al);
void dos_fn_find(struct dos *d);    /* 4Eh/4Fh, 11h-13h, 17h (find.c) */
/* A drive that exists: mapped to a host directory, or the built-in Z:
 * (COMMAND.COM) when nothing is mapped there. */
enum { DOS_BUILTIN_DRIVE = 25 };
bool dos_drive_valid(struct dos *d, int drive);
/* A path naming a file of the built-in Z: drive: its bytes. */
bool dos_builtin_file(struct dos *d, const char *path, const uint8_t **data, size_t *len);
/* The same test on the drives of fs alone (no kernel needed). */
bool dos_builtin_name(const struct hostfs *fs, const char *path);
/* Find a program as COMMAND.COM does: the name as given, else with .COM,
 * .EXE, .BAT; in the current directory, then along path_list (";"
 * separated; names without a directory only). out gets its DOS path.
 * dos_fs_find_program does it on the drives of fs alone (no VM: the
 * settings files of a program, progsettings.c). */
bool dos_find_program(struct dos *d, const char *name, const char *path_list, char *out, size_t max);
bool dos_fs_find_program(struct hostfs *fs, const char *name, const char *path_list, char *out, size_t max);
/* What dos_start loads for `program`: dos_fs_find_program, else a host
 * name that is not 8.3 given as "X:\DIR\hostname" (mvdm run
 * kerneltest.com) under the short name DOS lists it by. */
bool dos_fs_locate_program(struct hostfs *fs, const char *program, const char *path_list, char *out, size_t max);
/* Current directory of a drive ("\\" on the built-in one); 0 or 15. */
int dos_getcwd(struct dos *d, int drive, char *out);
/* A DOS path argument as the kernel reads it: resolves devices, the Z:
 * drive and host drives. */
int dos_path_host(struct dos *d, const char *path, enum hostfs_want want, char *host, char *canon);
/* dos_path_host (HOSTFS_EXISTING) with the entry of what it found
 * (hostfs_resolve_entry): one walk for 43h and 41h. */
int dos_path_entry(struct dos *d, const char *path, char *host, struct hostfs_entry *e);

/* Console (console.c). Returns the byte, or -1 (nothing yet: the caller
 * waits), or -2 (end of input). */
int dos_con_getc(struct dos *d);
bool dos_con_ready(struct dos *d);
void dos_con_putc(struct dos *d, uint8_t ch);
void dos_con_write(struct dos *d, const uint8_t *buf, size_t len);
void dos_fn_console(struct dos *d); /* 01h-0Ch */
/* A cooked read from CON for handle reads: bytes, or -1 (wait). */
int dos_con_read_cooked(struct dos *d, uint8_t *buf, uint16_t len);
/* Jump to the wait stub: the guest idles and repeats the call. */
void dos_wait_input(struct dos *d);

/* Processes (process.c). */
int dos_exec(struct dos *d); /* 4Bh with d->r */
void dos_terminate(struct dos *d, uint8_t code, uint8_t type, uint16_t keep_paras);
int dos_new_psp(struct dos *d, uint16_t seg, uint16_t mem_end, uint16_t parent);
/* The two FCBs a command tail gives a program, parsed as COMMAND.COM
 * does (29h with option 1 on the first two names). */
void dos_fcbs_from_tail(struct dos *d, const char *tail, uint8_t fcb1[16], uint8_t fcb2[16]);
/* Load the first program (dos_start). */
int dos_load_first(struct dos *d, const char *canon_path, const char *tail);

/* struct dos_drives (mvdm/dos.h) is a hostfs handed from a program lookup
 * to the kernel. dos_drives_wrap() takes fs over (NULL: out of memory, fs
 * untouched); dos_drives_unwrap() gives it back and frees the wrapper. */
struct dos_drives {
	struct hostfs *fs;
};
struct dos_drives *dos_drives_wrap(struct hostfs *fs);
struct hostfs *dos_drives_unwrap(struct dos_drives *dr);

/* The kernel alone (kernel.c): what the public dos_create() does before
 * the built-in command interpreter attaches (src/shell/attach.c). */
int dos_kernel_create(struct vm *vm, const struct dos_config *cfg, struct dos **out, char *err, size_t errlen);
/* The command interpreter offers its hooks (copied). */
void dos_attach_shell(struct dos *d, const struct dos_shell_hooks *hooks);

extern const uint8_t dos_stubs[];    /* dos.asm */
extern const size_t dos_stubs_size;

#endif
