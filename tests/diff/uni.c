/*
 * uni.c - the Unicorn (QEMU TCG) side of cpu-diff.
 *
 * Unicorn 2.0.x quirks handled here (found by experiment with 2.0.1):
 *  - uc_emu_start(begin, until, 0, count = 1) in UC_MODE_16 stops after one
 *    instruction but leaves EIP holding the *linear* address of the next
 *    instruction (CS*16 + IP) instead of IP. So instead of count = 1 we stop
 *    through the "exits" mechanism: every instruction boundary of the
 *    sequence except the current one is an exit, which stops after exactly
 *    one instruction (REP string instructions run to completion, as one
 *    instruction of the architecture) with a correct EIP.
 *  - `begin` is a linear address in UC_MODE_16 (EIP = begin - CS*16).
 *  - Translated blocks are cached by address, and stop-at-exit code is baked
 *    into them; the sequence's code range is dropped from the cache before
 *    each step so a block translated for another exit set (or another
 *    sequence's code at the same address) is never reused.
 *  - No memory hooks: with a UC_HOOK_MEM_READ/WRITE hook installed, 2.0.1
 *    computes wrong results for some read-modify-write and copy instructions
 *    (SHR/SHRD on memory set CF from a clobbered temporary; ENTER with a
 *    nesting level >= 2 stores a wrong copied frame pointer). Without hooks
 *    they are right, so memory is compared by content instead (main.c).
 *  - QEMU does not check segment limits in real mode; the generator keeps
 *    every access inside the segment so that never matters.
 *  - LOCK NEG gets SF/ZF/PF from the operand before negation: not generated
 *    (templates.c, t_negnot).
 *  - libunicorn exports QEMU's own function names (cpu_reset, ...); the
 *    program is linked so that none of its or libmvdm's symbols interpose
 *    them (meson.build).
 *  - 2.0.1 ignores the guest's page tables (linear = physical with CR0.PG
 *    set): the paging mode compares through them (main.c).
 *  - Protected mode: uc_emu_start in UC_MODE_16 sets IP = begin - CS * 16
 *    whatever the mode, so begin = CS * 16 + EIP works with a selector in
 *    CS too; the exits stay linear addresses (QEMU's block PC is CS's base
 *    + EIP), which the protected modes keep equal to real mode's (diff.h).
 *  - What QEMU gets wrong or leaves out in these modes, and cpu-diff
 *    therefore does not test against it (the guest tests in tests/guest,
 *    written from the Intel manuals, do): no segment limit checks at all
 *    (the generator keeps every access in its segment); no paging (above);
 *    exceptions stop the step instead of going through the IDT (on_intr;
 *    sequences raise none); PUSHFD in V86 mode stores VM set where Intel
 *    clears it (diff.h, SPECIAL_PUSHFD_V86); a write to CR0 in 2.0.1 leaves
 *    QEMU's cached PE state set for the next sequence, so the engine is
 *    made anew after one that left real mode (uni_load).
 */
#include "diff.h"

#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

struct uni {
	uc_engine *uc;
	uint8_t *ram;
	uint32_t code_lin, code_len;
	int last_intr;        /* the exception the last step raised, or -1 */
	bool left_real;       /* the CPU has been in protected or V86 mode since */
};

/* An exception QEMU would deliver: record it and stop (Unicorn does not
 * deliver exceptions through the IDT). */
static void on_intr(uc_engine *uc, uint32_t intno, void *user)
{
	struct uni *u = user;
	u->last_intr = (int)intno;
	uc_emu_stop(uc);
}

static const int seg_id[S_COUNT] = {
	UC_X86_REG_ES, UC_X86_REG_CS, UC_X86_REG_SS, UC_X86_REG_DS, UC_X86_REG_FS, UC_X86_REG_GS,
};
static const int gpr_id[8] = {
	UC_X86_REG_EAX, UC_X86_REG_ECX, UC_X86_REG_EDX, UC_X86_REG_EBX,
	UC_X86_REG_ESP, UC_X86_REG_EBP, UC_X86_REG_ESI, UC_X86_REG_EDI,
};

/* A new engine in real mode with the RAM mapped and the hooks. */
static uc_err engine(struct uni *u)
{
	uc_err e = uc_open(UC_ARCH_X86, UC_MODE_16, &u->uc);
	if (e == UC_ERR_OK)
		e = uc_mem_map_ptr(u->uc, 0, DIFF_RAM_SIZE, UC_PROT_ALL, u->ram);
	if (e == UC_ERR_OK)
		e = uc_ctl_exits_enable(u->uc);
	uc_hook h;
	if (e == UC_ERR_OK)
		e = uc_hook_add(u->uc, &h, UC_HOOK_INTR, (void *)on_intr, u, 1, 0);
	return e;
}

struct uni *uni_open(uint8_t *ram, char *err, size_t errlen)
{
	struct uni *u = calloc(1, sizeof *u);
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u->ram = ram;
	uc_err e = engine(u);
	if (e != UC_ERR_OK) {
		snprintf(err, errlen, "unicorn: %s", uc_strerror(e));
		if (u->uc)
			uc_close(u->uc);
		free(u);
		return NULL;
	}
	return u;
}

void uni_close(struct uni *u)
{
	if (!u)
		return;
	uc_close(u->uc);
	free(u);
}

int uni_load(struct uni *u, const struct xstate *st, uint32_t code_lin, uint32_t code_len)
{
	uc_err e = UC_ERR_OK;

	u->code_lin = code_lin;
	u->code_len = code_len;
	/* Every sequence starts in real mode. Writing CR0 back to 0 leaves
	 * 2.0.1's hidden flags in protected mode (a real-mode MOV DS then
	 * raises #GP), and its TLB flush takes half a second: after a
	 * protected-mode sequence a new engine is the quick way back. */
	if (u->left_real) {
		uc_close(u->uc);
		e = engine(u);
		u->left_real = false;
	}
	uint64_t cr0 = st->cr0;
	if (e == UC_ERR_OK)
		e = uc_reg_write(u->uc, UC_X86_REG_CR0, &cr0);
	/* Segment registers next: in UC_MODE_16 writing one loads base = sel*16. */
	for (int i = 0; i < S_COUNT && e == UC_ERR_OK; i++) {
		uint16_t v = st->seg[i];
		e = uc_reg_write(u->uc, seg_id[i], &v);
	}
	for (int i = 0; i < 8 && e == UC_ERR_OK; i++) {
		uint32_t v = st->r[i];
		e = uc_reg_write(u->uc, gpr_id[i], &v);
	}
	if (e == UC_ERR_OK) {
		uint32_t v = st->eflags;
		e = uc_reg_write(u->uc, UC_X86_REG_EFLAGS, &v);
	}
	if (e == UC_ERR_OK) {
		uint32_t v = st->eip;
		e = uc_reg_write(u->uc, UC_X86_REG_EIP, &v);
	}
	return e == UC_ERR_OK ? 0 : -1;
}

int uni_step(struct uni *u, const uint64_t *exits, size_t n_exits, uint64_t cur_lin, char *err, size_t errlen)
{
	uint64_t ex[DIFF_MAX_INSNS + 1];
	size_t n = 0;
	uint32_t eip;
	uint16_t cs;

	uc_reg_read(u->uc, UC_X86_REG_EIP, &eip);
	uc_reg_read(u->uc, UC_X86_REG_CS, &cs);
	uint64_t pc = (uint64_t)cs * 16 + eip; /* what uc_emu_start expects, any mode */
	for (size_t i = 0; i < n_exits && n < DIFF_MAX_INSNS + 1; i++)
		if (exits[i] != cur_lin)
			ex[n++] = exits[i];
	uc_err e = uc_ctl_remove_cache(u->uc, (uint64_t)u->code_lin, (uint64_t)u->code_lin + u->code_len + 16);
	if (e == UC_ERR_OK)
		e = uc_ctl_set_exits(u->uc, ex, n);
	u->last_intr = -1;
	if (e == UC_ERR_OK)
		e = uc_emu_start(u->uc, pc, 0, 0, 0);
	if (e != UC_ERR_OK) {
		snprintf(err, errlen, "unicorn: %s at %04x:%04x", uc_strerror(e), cs, eip);
		return -1;
	}
	if (u->last_intr >= 0) {
		snprintf(err, errlen, "unicorn: exception %d at %04x:%04x", u->last_intr, cs, eip);
		return -1;
	}
	uint32_t neip;
	uc_reg_read(u->uc, UC_X86_REG_EIP, &neip);
	if (neip == eip) {
		snprintf(err, errlen, "unicorn made no progress at %04x:%04x", cs, eip);
		return -1;
	}
	return 0;
}

void uni_read(struct uni *u, struct xstate *st)
{
	for (int i = 0; i < 8; i++)
		uc_reg_read(u->uc, gpr_id[i], &st->r[i]);
	for (int i = 0; i < S_COUNT; i++)
		uc_reg_read(u->uc, seg_id[i], &st->seg[i]);
	uc_reg_read(u->uc, UC_X86_REG_EIP, &st->eip);
	uc_reg_read(u->uc, UC_X86_REG_EFLAGS, &st->eflags);
	uint64_t cr0 = 0;
	uc_reg_read(u->uc, UC_X86_REG_CR0, &cr0);
	st->cr0 = (uint32_t)cr0 & 0x8000000Fu; /* PG, TS, EM, MP, PE (ET is QEMU's own) */
	if ((st->cr0 & 1) || (st->eflags & 0x20000u))
		u->left_real = true;
	/* The x87: FP0-FP7 are the physical registers (QEMU's fpregs[]),
	 * read as 8 bytes of significand and 2 of sign and exponent. */
	for (int i = 0; i < 8; i++) {
		uint8_t f[16] = { 0 };
		uc_reg_read(u->uc, UC_X86_REG_FP0 + i, f);
		memcpy(&st->fm[i], f, 8);
		memcpy(&st->fse[i], f + 8, 2);
	}
	uint16_t w = 0;
	uc_reg_read(u->uc, UC_X86_REG_FPCW, &w);
	st->fcw = w;
	uc_reg_read(u->uc, UC_X86_REG_FPSW, &w);
	st->fsw = w;
	uc_reg_read(u->uc, UC_X86_REG_FPTAG, &w);
	st->fempty = 0;
	for (int i = 0; i < 8; i++)
		if (((w >> (2 * i)) & 3) == 3)
			st->fempty |= (uint8_t)(1u << i);
}

