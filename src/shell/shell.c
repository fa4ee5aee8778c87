/*
 * shell.c - the engine of the built-in COMMAND.COM: where the next command
 * comes from (/C, batch files, the queue, the prompt), variable expansion,
 * pipes through temporary files, redirection with < > >>, PATH search for
 * .COM, .EXE and .BAT, and running programs through INT 21h/4B00h from the
 * guest loop (shell.asm).
 * Sources: MS-DOS 5 User's Guide (COMMAND, batch commands); RBIL INT 2Eh.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell/shell.h"
#include "vm/vm_internal.h"

/* ---- output ---- */

void sh_write(struct shell *sh, const char *s, size_t len)
{
	dos_handle_write(sh->d, 1, (const uint8_t *)s, (uint16_t)len);
}

void sh_puts(struct shell *sh, const char *s)
{
	/* "\n" becomes CR LF, as DOS text. */
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		sh_write(sh, s, n);
		if (!nl)
			break;
		sh_write(sh, "\r\n", 2);
		s = nl + 1;
	}
}

void sh_printf(struct shell *sh, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sh_puts(sh, buf);
}

/* ---- environment ---- */

static uint16_t env_seg(struct shell *sh)
{
	return dos_rd16(sh->d, sh->psp, 0x2C);
}

/* The variables of the block as one buffer of NUL-terminated strings
 * ending with an empty one; returns its length (with the final NUL). */
static size_t env_read(struct shell *sh, char *buf, size_t max)
{
	uint16_t seg = env_seg(sh);
	size_t n = 0;
	if (!seg) {
		buf[0] = 0;
		return 1;
	}
	while (n + 1 < max) {
		buf[n] = (char)dos_rd8(sh->d, seg, (uint16_t)n);
		if (buf[n] == 0 && (n == 0 || buf[n - 1] == 0))
			return n + 1;
		n++;
	}
	buf[n] = 0;
	return n + 1;
}

bool sh_getenv(struct shell *sh, const char *name, char *out, size_t max)
{
	char env[SH_ENV_SIZE * 2];
	env_read(sh, env, sizeof(env));
	size_t nlen = strlen(name);
	for (char *p = env; *p; p += strlen(p) + 1)
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == '=') {
			snprintf(out, max, "%s", p + nlen + 1);
			return true;
		}
	return false;
}

int sh_setenv(struct shell *sh, const char *name, const char *value)
{
	char env[SH_ENV_SIZE * 2], out[SH_ENV_SIZE * 2];
	env_read(sh, env, sizeof(env));
	size_t nlen = strlen(name), o = 0;
	for (char *p = env; *p; p += strlen(p) + 1) {
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == '=')
			continue;
		size_t l = strlen(p) + 1;
		memcpy(out + o, p, l);
		o += l;
	}
	if (value && *value) {
		int l = snprintf(out + o, sizeof(out) - o, "%s=%s", name, value);
		if (l < 0 || (size_t)l + 3 > sizeof(out) - o) {
			sh_puts(sh, "Out of environment space\n");
			return -1;
		}
		for (size_t i = 0; i < nlen; i++)
			if (out[o + i] >= 'a' && out[o + i] <= 'z')
				out[o + i] = (char)(out[o + i] - 32);
		o += (size_t)l + 1;
	}
	out[o++] = 0;
	if (o < 2)
		out[o++] = 0;
	/* Room: the size of the environment's memory block. */
	uint16_t seg = env_seg(sh);
	size_t room = (size_t)dos_rd16(sh->d, (uint16_t)(seg - 1), 3) * 16;
	if (o + 2 > room) {
		sh_puts(sh, "Out of environment space\n");
		return -1;
	}
	/* DOS 3+ puts a count and the program name after the variables; a
	 * shell's own block keeps none, so nothing else needs moving. */
	dos_write_mem(sh->d, seg, 0, out, o);
	dos_wr16(sh->d, seg, (uint16_t)o, 0);
	return 0;
}

/* Give the shell an environment block with room to grow. */
static void env_grow(struct shell *sh)
{
	char env[SH_ENV_SIZE * 2];
	size_t n = env_read(sh, env, sizeof(env));
	if (n < 2)
		env[n++] = 0;
	uint16_t largest, err, old = env_seg(sh);
	uint16_t seg = dos_mem_alloc(sh->d, SH_ENV_SIZE / 16, sh->psp, &largest, &err);
	if (!seg)
		return;
	uint8_t zero[SH_ENV_SIZE] = { 0 };
	dos_write_mem(sh->d, seg, 0, zero, sizeof(zero));
	dos_write_mem(sh->d, seg, 0, env, n < SH_ENV_SIZE - 2 ? n : SH_ENV_SIZE - 2);
	dos_wr16(sh->d, sh->psp, 0x2C, seg);
	if (old)
		dos_mem_free(sh->d, old);
}

/* ---- instances ---- */

static struct shell *find_shell(struct dos *d, uint16_t psp)
{
	for (struct shell *s = d->shells; s; s = s->next)
		if (s->psp == psp)
			return s;
	return NULL;
}

static void free_batch(struct batch *b)
{
	free(b->text);
	for (unsigned i = 0; i < b->nargs; i++)
		free(b->args[i]);
	free(b);
}

static void free_shell(struct shell *sh)
{
	while (sh->batch) {
		struct batch *b = sh->batch;
		sh->batch = b->caller;
		free_batch(b);
	}
	for (unsigned i = 0; i < sh->qlen; i++)
		free(sh->queue[(sh->qhead + i) % SH_QUEUE]);
	free(sh);
}

void shell_process_ended(struct dos *d, uint16_t psp)
{
	for (struct shell **p = &d->shells; *p; p = &(*p)->next)
		if ((*p)->psp == psp) {
			struct shell *s = *p;
			*p = s->next;
			if (s->pipe_in >= 0)
				dos_sft_release(d, s->pipe_in);
			if (s->pipe_out >= 0)
				dos_sft_release(d, s->pipe_out);
			free_shell(s);
			return;
		}
}

void shell_free_all(struct dos *d)
{
	while (d->shells) {
		struct shell *s = d->shells;
		d->shells = s->next;
		free_shell(s);
	}
}

void sh_queue(struct shell *sh, const char *line, bool front)
{
	if (sh->qlen >= SH_QUEUE)
		return;
	char *copy = strdup(line);
	if (!copy)
		return;
	if (front) {
		sh->qhead = (sh->qhead + SH_QUEUE - 1) % SH_QUEUE;
		sh->queue[sh->qhead] = copy;
	} else {
		sh->queue[(sh->qhead + sh->qlen) % SH_QUEUE] = copy;
	}
	sh->qlen++;
}

static void run_autoexec(struct shell *sh);

/* The command tail: "/C command", "/P", "/E:n", or a batch file name. */
static struct shell *new_shell(struct dos *d)
{
	struct shell *sh = calloc(1, sizeof(*sh));
	if (!sh)
		return NULL;
	sh->d = d;
	sh->psp = d->psp;
	sh->echo = true;
	sh->pipe_in = sh->pipe_out = sh->saved_in = sh->saved_out = -1;
	snprintf(sh->prompt, sizeof(sh->prompt), "$p$g");
	sh->next = d->shells;
	d->shells = sh;
	/* Keep 4 KiB (PSP, loop, buffers, stack); give the rest back. */
	uint16_t largest;
	dos_mem_resize(d, sh->psp, SH_PARAS, &largest);
	d->r.ss = sh->psp;
	d->r.esp = SH_STACK;
	env_grow(sh);
	char tail[130];
	uint8_t n = dos_rd8(d, sh->psp, 0x80);
	dos_read_mem(d, sh->psp, 0x81, tail, n);
	tail[n] = 0;
	char *p = tail;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (p[0] == '/' && (p[1] == 'c' || p[1] == 'C')) {
			p += 2;
			while (*p == ' ')
				p++;
			sh->single = true;
			sh_queue(sh, p, false);
			break;
		}
		if (p[0] == '/' && (p[1] == 'p' || p[1] == 'P')) {
			sh->permanent = true;
			p += 2;
			continue;
		}
		if (p[0] == '/') { /* /E:n and others: accepted */
			while (*p && *p != ' ')
				p++;
			continue;
		}
		break;
	}
	if (d->autoexec_batch)
		run_autoexec(sh);
	return sh;
}

/* ---- batch files ---- */

static char *read_dos_file(struct dos *d, const char *path, size_t *len)
{
	uint16_t err;
	char canon[HOSTFS_DOS_PATH];
	return (char *)dos_load_file(d, path, len, &err, canon);
}

static void split_args(struct batch *b, const char *s)
{
	while (*s && b->nargs < 64) {
		while (*s == ' ' || *s == '\t' || *s == ',' || *s == ';' || *s == '=')
			s++;
		if (!*s)
			break;
		const char *start = s;
		bool q = false;
		while (*s && (q || (*s != ' ' && *s != '\t' && *s != ',' && *s != ';' && *s != '='))) {
			if (*s == '"')
				q = !q;
			s++;
		}
		b->args[b->nargs++] = strndup(start, (size_t)(s - start));
	}
}

/* Runs text[0..len) (taken over, NUL-terminated) as batch file `path`. */
static int run_batch_text(struct shell *sh, const char *path, char *text, size_t len, const char *args, bool call)
{
	struct batch *b = calloc(1, sizeof(*b));
	if (!b) {
		free(text);
		return -1;
	}
	b->text = text;
	b->len = len;
	b->echo_saved = sh->echo;
	b->args[b->nargs++] = strdup(path);
	split_args(b, args);
	if (call || !sh->batch) {
		b->caller = sh->batch;
	} else {
		struct batch *old = sh->batch;
		b->caller = old->caller;
		b->echo_saved = old->echo_saved;
		free_batch(old);
	}
	sh->batch = b;
	return 0;
}

int sh_start_batch(struct shell *sh, const char *path, const char *args, bool call)
{
	size_t len;
	char *text = read_dos_file(sh->d, path, &len);
	if (!text) {
		sh_puts(sh, "Batch file missing\n");
		return -1;
	}
	text[len] = 0;
	return run_batch_text(sh, path, text, len, args, call);
}

/* The first shell of a VM with start-up commands (dos_config.autoexec)
 * runs them before anything, as a batch file with ECHO off. */
static void run_autoexec(struct shell *sh)
{
	struct dos *d = sh->d;
	char *text = d->autoexec_batch;
	d->autoexec_batch = NULL;
	if (run_batch_text(sh, "AUTOEXEC.BAT", text, strlen(text), "", false) < 0)
		return;
	sh->echo = false; /* the batch's own ECHO state; the prompt's comes back after it */
	sh->single = d->autoexec_then_exit;
}

/* The next line of the current batch file, or false at its end. */
static bool batch_line(struct shell *sh, char *out, size_t max)
{
	struct batch *b = sh->batch;
	while (b && b->pos >= b->len) {
		sh->batch = b->caller;
		if (!sh->batch)
			sh->echo = b->echo_saved;
		free_batch(b);
		b = sh->batch;
		if (b)
			return false; /* back in the caller: take its next line on the next round */
	}
	if (!b)
		return false;
	size_t n = 0;
	while (b->pos < b->len && b->text[b->pos] != '\n' && b->text[b->pos] != 0x1A) {
		char c = b->text[b->pos++];
		if (c != '\r' && n + 1 < max)
			out[n++] = c;
	}
	if (b->pos < b->len && b->text[b->pos] == 0x1A)
		b->pos = b->len;
	else if (b->pos < b->len)
		b->pos++;
	out[n] = 0;
	return true;
}

/* %0-%9, %%, %NAME%. */
static void expand(struct shell *sh, const char *in, char *out, size_t max)
{
	size_t o = 0;
	struct batch *b = sh->batch;
	for (const char *p = in; *p && o + 1 < max;) {
		if (*p != '%') {
			out[o++] = *p++;
			continue;
		}
		if (p[1] == '%') {
			out[o++] = '%';
			p += 2;
			continue;
		}
		if (b && p[1] >= '0' && p[1] <= '9') {
			unsigned i = (unsigned)(p[1] - '0') + b->shift;
			const char *v = i < b->nargs ? b->args[i] : "";
			o += (size_t)snprintf(out + o, max - o, "%s", v);
			p += 2;
			continue;
		}
		const char *end = strchr(p + 1, '%');
		if (end && end > p + 1) {
			char name[64], val[256];
			size_t l = (size_t)(end - p - 1);
			if (l < sizeof(name)) {
				memcpy(name, p + 1, l);
				name[l] = 0;
				if (sh_getenv(sh, name, val, sizeof(val)))
					o += (size_t)snprintf(out + o, max - o, "%s", val);
				else if (!b) { /* at the prompt an unknown %X% stays as typed */
					o += (size_t)snprintf(out + o, max - o, "%%%s%%", name);
				}
				p = end + 1;
				continue;
			}
		}
		out[o++] = *p++;
	}
	if (o >= max)
		o = max - 1;
	out[o] = 0;
}

/* ---- redirection and pipes ---- */

/* Take handle `target` over to SFT entry idx, keeping the old one in *saved. */
static void redirect(struct shell *sh, uint16_t target, int idx, int *saved)
{
	struct dos *d = sh->d;
	if (*saved < 0)
		*saved = dos_handle_dup(d, target);
	int h = dos_handle_from_sft(d, idx);
	if (h >= 0) {
		dos_handle_dup2(d, (uint16_t)h, target);
		dos_handle_close(d, (uint16_t)h);
	}
}

static void restore(struct shell *sh)
{
	struct dos *d = sh->d;
	if (sh->saved_in >= 0) {
		dos_handle_dup2(d, (uint16_t)sh->saved_in, 0);
		dos_handle_close(d, (uint16_t)sh->saved_in);
		sh->saved_in = -1;
	}
	if (sh->saved_out >= 0) {
		dos_handle_dup2(d, (uint16_t)sh->saved_out, 1);
		dos_handle_close(d, (uint16_t)sh->saved_out);
		sh->saved_out = -1;
	}
}

/* Take `< file`, `> file`, `>> file` out of line and apply them.
 * Returns 0, or -1 after a message. */
static int apply_redirections(struct shell *sh, char *line)
{
	struct dos *d = sh->d;
	char *w = line;
	bool q = false;
	for (char *p = line; *p;) {
		if (*p == '"')
			q = !q;
		if (q || (*p != '<' && *p != '>')) {
			*w++ = *p++;
			continue;
		}
		char op = *p++;
		bool append = op == '>' && *p == '>';
		if (append)
			p++;
		while (*p == ' ' || *p == '\t')
			p++;
		char name[HOSTFS_DOS_PATH];
		size_t n = 0;
		while (*p && *p != ' ' && *p != '\t' && *p != '<' && *p != '>' && *p != '|' && n + 1 < sizeof(name))
			name[n++] = *p++;
		name[n] = 0;
		int idx;
		if (op == '<') {
			idx = dos_sft_open(d, name, 0, 0, 0);
			if (idx < 0) {
				sh_puts(sh, "File not found\n");
				return -1;
			}
			redirect(sh, 0, idx, &sh->saved_in);
		} else {
			idx = append ? dos_sft_open(d, name, 2, 0, 0) : -1;
			if (idx < 0)
				idx = dos_sft_open(d, name, 2, 1, 0);
			if (idx < 0) {
				sh_puts(sh, "File creation error\n");
				return -1;
			}
			if (append)
				dos_sft_seek_end(d, idx);
			redirect(sh, 1, idx, &sh->saved_out);
		}
		dos_sft_release(d, idx);
	}
	*w = 0;
	return 0;
}

/* Split a line at `|` (outside quotes) into sh->stages. */
static void split_pipeline(struct shell *sh, const char *line)
{
	sh->nstages = 0;
	sh->stage = 0;
	const char *start = line;
	bool q = false;
	for (const char *p = line;; p++) {
		if (*p == '"')
			q = !q;
		if (*p == 0 || (*p == '|' && !q)) {
			if (sh->nstages < SH_STAGES) {
				size_t n = (size_t)(p - start);
				if (n >= SH_LINE)
					n = SH_LINE - 1;
				memcpy(sh->stages[sh->nstages], start, n);
				sh->stages[sh->nstages][n] = 0;
				sh->nstages++;
			}
			if (!*p)
				break;
			start = p + 1;
		}
	}
}

/* Run stages from sh->stage on. Returns 1 if a program was started. */
static int run_stages(struct shell *sh)
{
	struct dos *d = sh->d;
	while (sh->stage < sh->nstages) {
		unsigned i = sh->stage++;
		char *line = sh->stages[i];
		if (sh->pipe_in >= 0) {
			dos_sft_rewind(d, sh->pipe_in);
			redirect(sh, 0, sh->pipe_in, &sh->saved_in);
		}
		if (i + 1 < sh->nstages) {
			sh->pipe_out = dos_sft_open_temp(d);
			if (sh->pipe_out < 0) {
				sh_puts(sh, "Intermediate file error during pipe\n");
				sh->nstages = 0;
				return 0;
			}
			redirect(sh, 1, sh->pipe_out, &sh->saved_out);
		}
		if (apply_redirections(sh, line) != 0) {
			restore(sh);
			sh->nstages = 0;
			return 0;
		}
		if (sh_run_simple(sh, line))
			return 1;
		sh_stage_done(sh);
	}
	return 0;
}

/* After a stage: undo its redirections; its pipe output feeds the next. */
void sh_stage_done(struct shell *sh)
{
	restore(sh);
	if (sh->pipe_in >= 0) {
		dos_sft_release(sh->d, sh->pipe_in);
		sh->pipe_in = -1;
	}
	sh->pipe_in = sh->pipe_out;
	sh->pipe_out = -1;
	if (sh->stage >= sh->nstages && sh->pipe_in >= 0) {
		dos_sft_release(sh->d, sh->pipe_in);
		sh->pipe_in = -1;
	}
}

/* ---- running programs ---- */

bool sh_find_program(struct shell *sh, const char *name, char *out, size_t max)
{
	char path[900] = "";
	sh_getenv(sh, "PATH", path, sizeof(path));
	return dos_find_program(sh->d, name, path, out, max);
}

/* Set the registers for INT 21h/4B00h of program with tail `args`. */
int sh_exec(struct shell *sh, const char *program, const char *args)
{
	struct dos *d = sh->d;
	uint16_t seg = sh->psp;
	char tail[128];
	size_t n = strlen(args);
	if (n > 125)
		n = 125;
	tail[0] = (char)(n + (n ? 1 : 0));
	size_t o = 1;
	if (n)
		tail[o++] = ' ';
	memcpy(tail + o, args, n);
	o += n;
	tail[o] = '\r';
	dos_write_mem(d, seg, SH_TAIL, tail, o + 1);
	dos_write_mem(d, seg, SH_PATH, program, strlen(program) + 1);
	uint8_t f1[16], f2[16];
	dos_fcbs_from_tail(d, args, f1, f2);
	dos_write_mem(d, seg, SH_FCB1, f1, 16);
	dos_write_mem(d, seg, SH_FCB2, f2, 16);
	uint16_t pb[7] = { 0, SH_TAIL, seg, SH_FCB1, seg, SH_FCB2, seg };
	for (unsigned i = 0; i < 7; i++)
		dos_wr16(d, seg, (uint16_t)(SH_PARAMS + 2 * i), pb[i]);
	d->r.eax = 0x4B00;
	d->r.ds = d->r.es = seg;
	d->r.edx = SH_PATH;
	d->r.ebx = SH_PARAMS;
	sh->wait = SH_EXEC;
	return 1;
}

/* ---- the step ---- */

static void show_prompt(struct shell *sh)
{
	struct dos *d = sh->d;
	char out[256];
	size_t o = 0;
	for (const char *p = sh->prompt; *p && o + 80 < sizeof(out); p++) {
		if (*p != '$') {
			out[o++] = *p;
			continue;
		}
		char c = *++p;
		int drive = hostfs_current_drive(d->fs);
		char cwd[HOSTFS_DOS_PATH];
		switch (c | 0x20) {
		case 'p':
			dos_getcwd(d, drive, cwd);
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%c:%s", 'A' + drive, cwd);
			break;
		case 'n': out[o++] = (char)('A' + drive); break;
		case 'g': out[o++] = '>'; break;
		case 'l': out[o++] = '<'; break;
		case 'b': out[o++] = '|'; break;
		case 'q': out[o++] = '='; break;
		case '$': out[o++] = '$'; break;
		case '_': out[o++] = '\r'; out[o++] = '\n'; break;
		case 'e': out[o++] = 27; break;
		case 'h': out[o++] = 8; break;
		default:
			if (!c)
				p--;
			break;
		}
	}
	sh_write(sh, out, o);
}

/* The next command line: the queue, then the batch file, then (for an
 * interactive shell) the prompt. Returns 1 with a line, 0 if the shell
 * must read one (registers set), -1 if it should exit. */
static int next_line(struct shell *sh, char *line, bool *from_batch)
{
	*from_batch = false;
	if (sh->qlen) {
		char *q = sh->queue[sh->qhead];
		sh->qhead = (sh->qhead + 1) % SH_QUEUE;
		sh->qlen--;
		snprintf(line, SH_LINE, "%s", q);
		free(q);
		return 1;
	}
	while (sh->batch) {
		if (batch_line(sh, line, SH_LINE)) {
			*from_batch = true;
			return 1;
		}
	}
	if (sh->single || sh->exit_now)
		return -1;
	struct dos *d = sh->d;
	sh_puts(sh, "\n");
	show_prompt(sh);
	dos_wr8(d, sh->psp, SH_INPUT, 127);
	d->r.eax = 0x0A00;
	d->r.ds = sh->psp;
	d->r.edx = SH_INPUT;
	sh->wait = SH_READLINE;
	return 0;
}

/* Lines a step runs before it gives the guest loop a turn. The shell is
 * host code inside one supervisor call, and a host call cannot be cut
 * short: a batch loop of internal commands (":A / START X / GOTO A")
 * run in one call would keep its VM from a kill, a pause or its time
 * limit (docs/server.md, "Scheduling and preemption"), and such a loop
 * runs until it is stopped, as on DOS. Between turns the loop makes one
 * INT 21h AH=19h (get the current drive: no effect), so the CPU counts
 * the host time spent and ends its slice when it must. */
#define SH_LINES_PER_STEP 8

static void yield_turn(struct shell *sh)
{
	sh->d->r.eax = 0x1900;
	sh->wait = SH_YIELD;
}

static void run_exit(struct shell *sh)
{
	sh->d->r.eax = 0x4C00 | (sh->errorlevel & 0xFF);
	sh->wait = SH_EXIT;
}

/* One round: returns with the registers set for the loop's INT 21h. */
static void step(struct shell *sh)
{
	struct dos *d = sh->d;
	switch (sh->wait) {
	case SH_EXEC:
		if (d->r.eflags & 1) {
			/* COMMAND.COM's messages for EXEC's errors. */
			uint16_t e = (uint16_t)d->r.eax;
			char prog[HOSTFS_DOS_PATH];
			dos_read_str(d, sh->psp, SH_PATH, prog, sizeof(prog));
			if (e == DOSERR_NO_MEMORY)
				sh_puts(sh, "Program too big to fit in memory\n");
			else if (e == DOSERR_BAD_FORMAT)
				sh_printf(sh, "Cannot execute %s\n", prog);
			else
				sh_puts(sh, "Bad command or file name\n");
			sh->errorlevel = 0;
		} else {
			sh->errorlevel = d->ret_code & 0xFF;
		}
		sh_loadhigh_done(sh);
		sh_stage_done(sh);
		break;
	case SH_READLINE: {
		uint8_t n = dos_rd8(d, sh->psp, SH_INPUT + 1);
		char buf[SH_LINE];
		dos_read_mem(d, sh->psp, SH_INPUT + 2, buf, n);
		buf[n] = 0;
		sh_puts(sh, "\n");
		sh_queue(sh, buf, false);
		if (d->con_eof && n == 0) {
			/* End of input at the prompt: nothing more can come, leave
			 * (even a /P shell, or the VM would wait forever). */
			sh->exit_now = true;
			sh->permanent = false;
		}
		break;
	}
	case SH_PAUSE:
		sh_puts(sh, "\n");
		sh_stage_done(sh);
		break;
	default:
		break;
	}
	sh->wait = SH_READY;
	if (run_stages(sh))
		return;
	for (unsigned lines = 0;; lines++) {
		if (lines == SH_LINES_PER_STEP) {
			yield_turn(sh);
			return;
		}
		if (sh->exit_now && !sh->permanent) {
			run_exit(sh);
			return;
		}
		char raw[SH_LINE], line[SH_LINE];
		bool from_batch;
		int rc = next_line(sh, raw, &from_batch);
		if (rc == 0)
			return;
		if (rc < 0) {
			run_exit(sh);
			return;
		}
		char *p = raw;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == ':')
			continue; /* empty line or label */
		bool at = *p == '@';
		if (at)
			p++;
		expand(sh, p, line, sizeof(line));
		if (from_batch && sh->echo && !at) {
			show_prompt(sh);
			sh_printf(sh, "%s\n", line);
		}
		split_pipeline(sh, line);
		if (run_stages(sh))
			return;
	}
}

int shell_svc_entry(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	vm16_get_regs(vm, &d->r);
	struct shell *sh = find_shell(d, d->psp);
	if (!sh) {
		sh = new_shell(d);
		if (!sh) {
			snprintf(d->err, sizeof(d->err), "out of memory for the command interpreter");
			return vm_fail(vm, -ENOMEM, "%s", d->err);
		}
	}
	step(sh);
	vm16_set_regs(vm, &d->r);
	return 0;
}
