/*
 * log.c - the VM's log (vm16.h "The VM's log"): categories, a mask and a
 * sink per VM. The default sink writes one line on stderr.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "mvdm/vdd.h"
#include "vm/vm_internal.h"

enum { LOG_LINE = 512 };

static const char *const category_names[VM16_LOG_CATEGORIES] = {
	[VM16_LOG_VM] = "vm",     [VM16_LOG_CPU] = "cpu",     [VM16_LOG_IO] = "io",   [VM16_LOG_BIOS] = "bios",
	[VM16_LOG_DOS] = "dos",   [VM16_LOG_SHELL] = "shell", [VM16_LOG_VDD] = "vdd",
};

const char *vm16_log_category_name(enum vm16_log_category cat)
{
	return (unsigned)cat < VM16_LOG_CATEGORIES ? category_names[cat] : NULL;
}

int vm16_log_category_parse(const char *name)
{
	for (int k = 0; k < VM16_LOG_CATEGORIES; k++)
		if (strcasecmp(name, category_names[k]) == 0)
			return k;
	return -ENOENT;
}

void vm16_set_log(struct vm *vm, vm16_log_fn fn, void *ctx)
{
	vm->log_fn = fn;
	vm->log_ctx = ctx;
}

void vm16_set_log_mask(struct vm *vm, unsigned mask)
{
	vm->log_mask = mask & VM16_LOG_ALL;
}

static void log_line(struct vm *vm, enum vm16_log_category cat, const char *msg)
{
	if (vm->log_fn)
		vm->log_fn(vm->log_ctx, vm, cat, msg);
	else
		fprintf(stderr, "mvdm: %s: %s\n", category_names[cat], msg);
}

static void log_va(struct vm *vm, enum vm16_log_category cat, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void log_va(struct vm *vm, enum vm16_log_category cat, const char *prefix, const char *fmt, va_list ap)
{
	if ((unsigned)cat >= VM16_LOG_CATEGORIES || !(vm->log_mask & (1u << cat)))
		return;
	char msg[LOG_LINE];
	int n = snprintf(msg, sizeof(msg), "%s%s", prefix ? prefix : "", prefix ? ": " : "");
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	/* One line: a newline inside (from a guest-supplied name) would let a
	 * message pass for two. */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	log_line(vm, cat, msg);
}

void vm16_vlog(struct vm *vm, enum vm16_log_category cat, const char *fmt, va_list ap)
{
	log_va(vm, cat, NULL, fmt, ap);
}

void vm16_log(struct vm *vm, enum vm16_log_category cat, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_va(vm, cat, NULL, fmt, ap);
	va_end(ap);
}

void vdd_log(struct vm *vm, const char *owner, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_va(vm, VM16_LOG_VDD, owner, fmt, ap);
	va_end(ap);
}
