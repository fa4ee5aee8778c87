/*
 * jit.c - the block compiler and the JIT's per-CPU state (jit.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/alu.h"
#include "cpu/jit.h"
#include "cpu/jit_emit.h"

/* Entries before a block is compiled (CPU_JIT_ON). */
enum { JIT_THRESHOLD = 4 };

static struct bc_block *block_of(const struct insn *first)
{
	return (struct bc_block *)((uintptr_t)first - offsetof(struct bc_block, insns));
}

/* A block's entry while it is cold: count, queue it when hot, run it
 * threaded. */
static void jit_count(struct cpu *c, const struct insn *i)
{
	struct bc_block *b = block_of(i);
	struct jit *j = c->in.jit;
	if (++b->heat >= j->threshold) {
		b->heat = 0;
		if (j->npending < JIT_PENDING_MAX) {
			j->pending[j->npending++] = b;
			b->jstate = JS_QUEUED;
			b->entry = i->fn;
		}
	}
	i->fn(c, i);
}

bool jit_supported(void)
{
#if defined(__x86_64__) && defined(__linux__)
	return true;
#else
	return false;
#endif
}

static enum cpu_jit jit_mode(const struct cpu *c)
{
	return jit_supported() ? (enum cpu_jit)c->in.jit_mode : CPU_JIT_OFF;
}

void jit_block_added(struct cpu *c, struct bc_block *b)
{
	b->heat = 0;
	b->jstate = JS_COLD;
	const enum cpu_jit m = jit_mode(c);
	if (m == CPU_JIT_OFF)
		return;
	struct jit *j = c->in.jit;
	if (!j) {
		j = c->in.jit = calloc(1, sizeof(*j));
		if (!j)
			return;
		j->threshold = m == CPU_JIT_FORCE ? 1 : JIT_THRESHOLD;
	}
	if (j->dead)
		return;
	if (m == CPU_JIT_FORCE && j->npending < JIT_PENDING_MAX) {
		j->pending[j->npending++] = b;
		b->jstate = JS_QUEUED;
		return;
	}
	b->entry = jit_count;
}

/* ---- code memory ---- */

/* Every compiled block of the cache back to threaded code, and the CPU's
 * chunks empty again. Only while no compiled code runs. */
static void jit_drop_code(struct cpu *c, struct jit *j)
{
	struct block_cache *bc = c->in.bcache;
	if (bc) {
		for (struct bc_page *pg = bc->pages; pg; pg = pg->next) {
			for (struct bc_block *b = pg->blocks; b; b = b->pnext) {
				if (b->jstate == JS_DONE || b->jstate == JS_QUEUED) {
					b->entry = b->insns[0].fn;
					b->jstate = JS_COLD;
				}
				if (b->jstate == JS_COLD && jit_mode(c) != CPU_JIT_OFF) {
					b->heat = 0;
					b->entry = jit_count;
				}
			}
		}
	}
	j->npending = 0;
	j->cur = 0;
	j->off = 0;
	j->flush = false;
	j->stats.jit_flushes++;
}

/* Room to write into: the current chunk from off, taking the first one
 * if needed. */
static bool jit_have_chunk(struct jit *j)
{
	if (j->nchunks)
		return true;
	long idx = jit_area_take(j->area);
	if (idx < 0)
		return false;
	j->chunks = malloc(sizeof(*j->chunks) * 4);
	if (!j->chunks) {
		jit_area_give(j->area, (uint32_t[]){ (uint32_t)idx }, 1);
		return false;
	}
	j->cap_chunks = 4;
	j->chunks[0] = (uint32_t)idx;
	j->nchunks = 1;
	j->cur = 0;
	j->off = 0;
	return true;
}

/* Move to the next chunk: one the CPU has, or a new one from the area. */
static bool jit_next_chunk(struct jit *j)
{
	if (j->cur + 1 < j->nchunks) {
		j->cur++;
		j->off = 0;
		return true;
	}
	long idx = jit_area_take(j->area);
	if (idx < 0)
		return false;
	if (j->nchunks == j->cap_chunks) {
		uint32_t *n = realloc(j->chunks, sizeof(*n) * j->cap_chunks * 2);
		if (!n) {
			jit_area_give(j->area, (uint32_t[]){ (uint32_t)idx }, 1);
			return false;
		}
		j->chunks = n;
		j->cap_chunks *= 2;
	}
	j->chunks[j->nchunks] = (uint32_t)idx;
	j->cur = j->nchunks++;
	j->off = 0;
	return true;
}

/* ---- the compiler ---- */

#define OFF(f) ((int32_t)offsetof(struct cpu, f))
#define ISZ ((int32_t)sizeof(struct insn))

extern const struct op_pair alu_rr_table[8][3], alu_rr_rev_table[8][3], alu_ri_table[8][3];
extern const struct op_pair alu_incdec_op[2][3], alu_incdec_rm[2][3];
extern const struct op_pair jcc_table[16];
extern const struct op_pair mov_rr_table[3], mov_ri_table[3];
void op_lea(struct cpu *c, const struct insn *i);
void op_test_rm_r(struct cpu *c, const struct insn *i);
void op_test_acc_imm(struct cpu *c, const struct insn *i);
void op_mov_r_rm(struct cpu *c, const struct insn *i);

static uint32_t jit_flag_cf(struct cpu *c)
{
	return flag_cf(c);
}

/* Offset in struct cpu of guest register r of size sz (ModR/M numbering). */
static int32_t reg_off(unsigned r, unsigned sz)
{
	if (sz == 1)
		return OFF(r) + (int32_t)((r & 3) * 4 + (r >> 2));
	return OFF(r) + (int32_t)(r * 4);
}

/* What an instruction is, for the inline forms. */
enum ik {
	IK_CALL = 0, /* call its handler */
	IK_ALU,      /* aop dst, src/imm (not ADC/SBB) */
	IK_TEST,     /* TEST dst, src/imm */
	IK_INCDEC,
	IK_MOV,      /* dst <- src */
	IK_MOVI,     /* dst <- imm */
	IK_LEA,
};

struct iform {
	enum ik k;
	unsigned aop, sz, dst, src; /* registers in ModR/M numbering */
	bool imm, dec, flags;
	uint32_t val;
};

static unsigned size_index(unsigned sz)
{
	return sz == 1 ? 0 : sz == 2 ? 1 : 2;
}

/* Classify i by its handler (the same pointers specialize.c installs, so
 * a handler the decoder replaced, e.g. by #UD, is never taken for one of
 * these). */
static struct iform classify(const struct insn *i)
{
	struct iform f = { .k = IK_CALL, .flags = true };
	const unsigned s = size_index(i->osz);
	f.sz = i->osz;
	for (unsigned op = 0; op < 8; op++) {
		if (op == ALU_ADC || op == ALU_SBB)
			continue;
		if (i->impl == alu_rr_table[op][s].impl && i->mod == 3) {
			f.k = IK_ALU, f.aop = op, f.dst = i->rm, f.src = i->reg;
			f.flags = i->fn != alu_rr_table[op][s].nf;
			return f;
		}
		if (i->impl == alu_rr_rev_table[op][s].impl && i->mod == 3) {
			f.k = IK_ALU, f.aop = op, f.dst = i->reg, f.src = i->rm;
			f.flags = i->fn != alu_rr_rev_table[op][s].nf;
			return f;
		}
		if (i->impl == alu_ri_table[op][s].impl && i->mod == 3) {
			f.k = IK_ALU, f.aop = op, f.dst = i->rm, f.imm = true, f.val = i->imm & size_mask(i->osz);
			f.flags = i->fn != alu_ri_table[op][s].nf;
			return f;
		}
	}
	for (unsigned d = 0; d < 2; d++) {
		if (s > 0 && i->impl == alu_incdec_op[d][s].impl) {
			f.k = IK_INCDEC, f.dec = d, f.dst = i->op & 7u;
			f.flags = i->fn != alu_incdec_op[d][s].nf;
			return f;
		}
		if (i->impl == alu_incdec_rm[d][s].impl && i->mod == 3) {
			f.k = IK_INCDEC, f.dec = d, f.dst = i->rm;
			f.flags = i->fn != alu_incdec_rm[d][s].nf;
			return f;
		}
	}
	if (i->impl == mov_rr_table[s].impl && i->mod == 3) {
		f.k = IK_MOV, f.dst = i->rm, f.src = i->reg;
	} else if (i->impl == op_mov_r_rm && i->mod == 3) {
		f.k = IK_MOV, f.dst = i->reg, f.src = i->rm;
	} else if (i->impl == mov_ri_table[s].impl) {
		f.k = IK_MOVI, f.dst = i->op & 7u, f.val = i->imm;
	} else if (i->impl == op_lea && i->mod != 3) {
		f.k = IK_LEA, f.dst = i->reg, f.sz = i->wsz;
	} else if (i->impl == op_test_rm_r && i->mod == 3) {
		f.k = IK_TEST, f.dst = i->rm, f.src = i->reg;
	} else if (i->impl == op_test_acc_imm) {
		f.k = IK_TEST, f.dst = REG_AX, f.imm = true, f.val = i->imm & size_mask(i->osz);
	}
	return f;
}

/* Does the host's flag state after f's inline code equal the guest's for
 * condition cc? (INC/DEC leave the host's CF alone.) */
static bool host_flags_ok(const struct iform *f, unsigned cc)
{
	switch (f->k) {
	case IK_ALU:
	case IK_TEST:
		return f->flags;
	case IK_INCDEC:
		return f->flags && (cc >> 1) != 1 && (cc >> 1) != 3;
	default:
		return false;
	}
}

/* Exits shared by the whole function, emitted after its body. */
enum { X_LINK, X_RET, X_GP, X_NEXT };

struct fix {
	long at;      /* rel32 to patch */
	unsigned x;   /* X_* */
	unsigned k;   /* X_NEXT: the entry */
};

struct cg {
	struct em e;
	uint8_t *base;  /* function start (written view) */
	struct fix fix[BC_MAX_INSNS * 4 + 8];
	unsigned nfix;
	const struct bc_block *b;
};

static void to_exit(struct cg *g, int cc, unsigned x, unsigned k)
{
	long at = em_jcc_fwd(&g->e, cc, g->base);
	if (at < 0 || g->nfix == sizeof(g->fix) / sizeof(g->fix[0])) {
		g->e.over = true;
		return;
	}
	g->fix[g->nfix++] = (struct fix){ at, x, k };
}

/* The lazy flags of a result in EAX (b in ECX for ADD/SUB). */
static void emit_flags(struct cg *g, const struct iform *f, unsigned lf)
{
	struct em *e = &g->e;
	if (f->sz < 4)
		em_movsx(e, f->sz, H_RAX, H_RAX);
	em_store(e, 4, H_RAX, H_RBX, OFF(in.lf_res));
	if (lf == LF_EXPLICIT) {
		em_store_imm(e, 4, H_RBX, OFF(in.lf_aux), 0);
	} else {
		em_store(e, 4, H_RCX, H_RBX, OFF(in.lf_b));
		em_store_imm(e, 4, H_RBX, OFF(in.lf_aux), (uint32_t)lf << 16 | (f->sz * 8) << 24);
	}
}

/* EAX = the guest's CF now (flag_cf()): inline for the explicit and
 * INC/DEC kinds, a call for lazy additions and subtractions. */
static void emit_cf(struct cg *g)
{
	struct em *e = &g->e;
	em_load(e, 4, H_RAX, H_RBX, OFF(in.lf_aux));
	em_mov_rr(e, 4, H_RCX, H_RAX);
	em_shift_ri(e, true, H_RCX, 16);
	em_movzx(e, 1, H_RCX, H_RCX);
	em_alu_ri(e, ALU_SUB, 4, H_RCX, 1);
	em_alu_ri(e, ALU_CMP, 4, H_RCX, 3);
	long slow = em_jcc_fwd(e, 6 /* BE */, g->base);
	em_alu_ri(e, ALU_AND, 4, H_RAX, 1);
	long done = em_jcc_fwd(e, -1, g->base);
	if (e->over)
		return;
	em_fix(g->base, slow, e->p - g->base);
	em_mov_rr(e, 8, H_RDI, H_RBX);
	em_mov_imm64(e, H_RAX, (uint64_t)(uintptr_t)jit_flag_cf);
	em_call_rax(e);
	if (e->over)
		return;
	em_fix(g->base, done, e->p - g->base);
}

/* The inline forms. Afterwards the host flags are the guest's for the
 * conditions host_flags_ok() allows. */
static void emit_inline(struct cg *g, const struct insn *i, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz;
	switch (f->k) {
	case IK_ALU:
	case IK_TEST: {
		const int32_t d = reg_off(f->dst, sz);
		const unsigned aop = f->k == IK_TEST ? ALU_AND : f->aop == ALU_CMP ? ALU_SUB : f->aop;
		em_loadzx(e, sz, H_RAX, H_RBX, d);
		if (f->imm)
			em_mov_imm32(e, H_RCX, f->val);
		else
			em_loadzx(e, sz, H_RCX, H_RBX, reg_off(f->src, sz));
		em_alu_rr(e, aop, sz, H_RAX, H_RCX);
		if (f->k == IK_ALU && f->aop != ALU_CMP)
			em_store(e, sz, H_RAX, H_RBX, d);
		if (f->flags)
			emit_flags(g, f, aop == ALU_ADD ? LF_ADD : aop == ALU_SUB ? LF_SUB : LF_EXPLICIT);
		break;
	}
	case IK_INCDEC: {
		const int32_t d = reg_off(f->dst, sz);
		if (f->flags) {
			emit_cf(g);
			em_alu_ri(e, ALU_OR, 4, H_RAX,
				  (uint32_t)(f->dec ? LF_DEC : LF_INC) << 16 | (sz * 8) << 24);
			em_store(e, 4, H_RAX, H_RBX, OFF(in.lf_aux));
		}
		em_loadzx(e, sz, H_RAX, H_RBX, d);
		em_incdec(e, sz, f->dec, H_RAX);
		em_store(e, sz, H_RAX, H_RBX, d);
		if (f->flags) {
			if (sz < 4)
				em_movsx(e, sz, H_RAX, H_RAX);
			em_store(e, 4, H_RAX, H_RBX, OFF(in.lf_res));
			em_store_imm(e, 4, H_RBX, OFF(in.lf_b), 1);
		}
		break;
	}
	case IK_MOV:
		em_loadzx(e, sz, H_RAX, H_RBX, reg_off(f->src, sz));
		em_store(e, sz, H_RAX, H_RBX, reg_off(f->dst, sz));
		break;
	case IK_MOVI:
		em_store_imm(e, sz, H_RBX, reg_off(f->dst, sz), f->val);
		break;
	case IK_LEA:
		/* insn_ea(): 16-bit addressing reads the 16-bit registers. */
		if (i->asz == 2) {
			em_loadzx(e, 2, H_RAX, H_RBX, reg_off(i->base, 2));
			em_loadzx(e, 2, H_RCX, H_RBX, reg_off(i->index, 2));
			em_alu_rr(e, ALU_ADD, 4, H_RAX, H_RCX);
			em_alu_ri(e, ALU_ADD, 4, H_RAX, i->disp);
			em_movzx(e, 2, H_RAX, H_RAX);
		} else {
			em_load(e, 4, H_RAX, H_RBX, reg_off(i->base, 4));
			em_load(e, 4, H_RCX, H_RBX, reg_off(i->index, 4));
			if (i->scale)
				em_shift_ri(e, false, H_RCX, i->scale);
			em_alu_rr(e, ALU_ADD, 4, H_RAX, H_RCX);
			em_alu_ri(e, ALU_ADD, 4, H_RAX, i->disp);
		}
		em_store(e, sz, H_RAX, H_RBX, reg_off(f->dst, sz));
		break;
	case IK_CALL:
		break;
	}
}

/* c->in.cur = &insns[k] */
static void emit_cur(struct cg *g, unsigned k)
{
	em_lea(&g->e, H_RAX, H_R12, (int32_t)k * ISZ);
	em_store(&g->e, 8, H_RAX, H_RBX, OFF(in.cur));
}

/* Leave for entry k if its fn is no longer what it was when compiled (a
 * write dropped the block and patched it: block_stop). */
static void emit_smc_check(struct cg *g, unsigned k)
{
	em_mov_imm64(&g->e, H_RAX, (uint64_t)(uintptr_t)g->b->insns[k].fn);
	em_rm(&g->e, 0x39, 0x39, 8, H_RAX, H_R12, (int32_t)k * ISZ + (int32_t)offsetof(struct insn, fn));
	to_exit(g, 5 /* NE */, X_NEXT, k);
}

/* An instruction run by its handler, as thread_generic() runs it. */
static void emit_call(struct cg *g, unsigned k, uint32_t ip_mask)
{
	struct em *e = &g->e;
	const struct insn *i = &g->b->insns[k];
	const uint32_t next = (i->ip + i->len) & ip_mask;
	emit_cur(g, k);
	em_store_imm(e, 4, H_RBX, OFF(in.insn_ip), i->ip);
	em_load(e, 4, H_RAX, H_RBX, reg_off(REG_SP, 4));
	em_store(e, 4, H_RAX, H_RBX, OFF(in.insn_sp));
	em_store_imm(e, 4, H_RBX, OFF(ip), next);
	em_mov_rr(e, 8, H_RDI, H_RBX);
	em_lea(e, H_RSI, H_R12, (int32_t)k * ISZ);
	em_mov_imm64(e, H_RAX, (uint64_t)(uintptr_t)i->impl);
	em_call_rax(e);
	if (i->term == TERM_ALWAYS) {
		to_exit(g, -1, X_RET, 0);
		return;
	}
	if (i->term == TERM_IF_JUMP) {
		em_cmp_mem_imm(e, H_RBX, OFF(ip), next);
		to_exit(g, 5 /* NE */, X_LINK, 0);
		em_cmp_mem_imm(e, H_RBX, OFF(in.events), 0);
		to_exit(g, 5 /* NE */, X_LINK, 0);
	}
	emit_smc_check(g, k + 1);
}

/* Jcc j (entry k) on the host flags: taken leaves the block as the fused
 * handlers do (ops_fused.c fused_tail()). */
static void emit_jcc(struct cg *g, unsigned k)
{
	struct em *e = &g->e;
	const struct insn *j = &g->b->insns[k];
	const unsigned cc = j->op & 0xF;
	const uint32_t target = (j->ip + j->len + j->imm) & ip_mask(j);
	long skip = em_jcc_fwd(e, (int)(cc ^ 1), g->base);
	emit_cur(g, k);
	if (!(g->b->nolimit && j->wsz == 2)) {
		/* jump_to(): #GP past the CS limit */
		em_cmp_mem_imm(e, H_RBX, OFF(in.sd[SEG_CS].limit), target);
		to_exit(g, 2 /* B: limit < target */, X_GP, 0);
	}
	em_store_imm(e, 4, H_RBX, OFF(ip), target);
	to_exit(g, -1, X_LINK, 0);
	if (!e->over)
		em_fix(g->base, skip, e->p - g->base);
}

static bool is_jcc(const struct insn *j)
{
	return j->ent->spec == SP_JCC && j->ent->reads != OFL_NONE && j->impl == jcc_table[j->op & 0xF].impl;
}

static void emit_exits(struct cg *g)
{
	struct em *e = &g->e;
	long at_x[3] = { -1, -1, -1 };
	long at_next[BC_MAX_INSNS + 1];
	for (unsigned k = 0; k <= BC_MAX_INSNS; k++)
		at_next[k] = -1;
	for (unsigned n = 0; n < g->nfix && !e->over; n++) {
		const struct fix *f = &g->fix[n];
		long *at = f->x == X_NEXT ? &at_next[f->k] : &at_x[f->x];
		if (*at < 0) {
			*at = e->p - g->base;
			switch (f->x) {
			case X_LINK:
				em_pop(e, H_R13);
				em_pop(e, H_R12);
				em_mov_rr(e, 8, H_RDI, H_RBX);
				em_pop(e, H_RBX);
				em_mov_imm64(e, H_RAX, (uint64_t)(uintptr_t)bc_link);
				em_jmp_rax(e);
				break;
			case X_RET:
				em_pop(e, H_R13);
				em_pop(e, H_R12);
				em_pop(e, H_RBX);
				em_ret(e);
				break;
			case X_GP:
				em_mov_rr(e, 8, H_RDI, H_RBX);
				em_mov_imm32(e, H_RSI, EXC_GP);
				em_mov_imm64(e, H_RAX, (uint64_t)(uintptr_t)cpu_fault);
				em_call_rax(e); /* (does not return) */
				break;
			default:
				em_lea(e, H_RSI, H_R12, (int32_t)f->k * ISZ);
				em_pop(e, H_R13);
				em_pop(e, H_R12);
				em_mov_rr(e, 8, H_RDI, H_RBX);
				em_pop(e, H_RBX);
				em_jmp_mem_rsi(e);
				break;
			}
		}
		if (!e->over)
			em_fix(g->base, f->at, *at);
	}
}

/* Compile b into g->e: false if it did not fit. */
static bool emit_block(struct cg *g, const struct bc_block *b)
{
	struct em *e = &g->e;
	/* The block's code size is part of its context (BC_CODE32). */
	const uint32_t ip_mask = ((b->tag >> 32) & BC_CODE32) ? 0xFFFFFFFFu : 0xFFFF;
	g->b = b;
	g->nfix = 0;
	/* Prologue: c in RBX, the entries in R12 (callee-saved); three pushes
	 * keep the stack 16-byte aligned for calls. */
	em_push(e, H_RBX);
	em_push(e, H_R12);
	em_push(e, H_R13);
	em_mov_rr(e, 8, H_RBX, H_RDI);
	em_mov_rr(e, 8, H_R12, H_RSI);
	const unsigned n = b->ninsns;
	bool ended = false;
	for (unsigned k = 0; k < n && !e->over;) {
		const struct insn *i = &b->insns[k];
		const struct iform f = classify(i);
		if (f.k == IK_CALL) {
			emit_call(g, k, ip_mask);
			if (i->term == TERM_ALWAYS) {
				ended = true; /* (recording ends a block there) */
				break;
			}
			k++;
			continue;
		}
		emit_inline(g, i, &f);
		if (k + 1 < n && is_jcc(&b->insns[k + 1]) && host_flags_ok(&f, b->insns[k + 1].op & 0xF)) {
			emit_jcc(g, k + 1);
			k += 2;
		} else {
			k++;
		}
	}
	/* The end entry (block_end()): as in emit_call(), a write may have
	 * patched it. */
	if (!ended) {
		emit_cur(g, n);
		em_store_imm(e, 4, H_RBX, OFF(ip), b->insns[n].ip);
		to_exit(g, -1, X_LINK, 0);
	}
	emit_exits(g);
	return !e->over;
}

static void jit_compile(struct cpu *c, struct jit *j, struct bc_block *b)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		if (!jit_have_chunk(j))
			break;
		uint8_t *rw = jit_area_rw(j->area, j->chunks[j->cur]);
		const uint8_t *rx = jit_area_rx(j->area, j->chunks[j->cur]);
		struct cg g = { .e = { rw + j->off, rw + JIT_CHUNK, false }, .base = rw + j->off };
		if (emit_block(&g, b)) {
			const size_t size = (size_t)(g.e.p - g.base);
			op_fn fn;
			const uint8_t *code = rx + j->off;
			memcpy(&fn, &code, sizeof(fn));
			b->entry = fn;
			b->jstate = JS_DONE;
			j->off += (size + 15) & ~(size_t)15;
			j->stats.jit_blocks++;
			j->stats.jit_bytes += size;
			return;
		}
		if (!jit_next_chunk(j))
			jit_drop_code(c, j); /* (b is cold again: queue it anew) */
		if (b->jstate != JS_QUEUED)
			return;
	}
	b->jstate = JS_FAILED;
	b->entry = b->insns[0].fn;
}

void jit_run_pending(struct cpu *c)
{
	struct jit *j = c->in.jit;
	if (j->flush)
		jit_drop_code(c, j);
	if (!j->area && !j->dead) {
		j->area = c->in.jit_area;
		if (!j->area) {
			j->area = cpu_jit_area_create(JIT_AREA_DEFAULT);
			j->own_area = true;
		}
		j->dead = !j->area;
	}
	for (unsigned k = 0; k < j->npending; k++) {
		struct bc_block *b = j->pending[k];
		if (b->tag == 0 || b->jstate != JS_QUEUED)
			continue; /* (dropped since, or its memory reused) */
		if (j->dead) {
			b->jstate = JS_FAILED;
			b->entry = b->insns[0].fn;
			continue;
		}
		jit_compile(c, j, b);
	}
	j->npending = 0;
}

void jit_forget(struct cpu *c)
{
	struct jit *j = c->in.jit;
	if (!j)
		return;
	j->npending = 0;
	j->flush = true;
}

void jit_free(struct cpu *c)
{
	struct jit *j = c->in.jit;
	if (!j)
		return;
	if (j->area) {
		jit_area_give(j->area, j->chunks, j->nchunks);
		if (j->own_area)
			cpu_jit_area_destroy(j->area);
	}
	free(j->chunks);
	free(j);
	c->in.jit = NULL;
}

void jit_stats(const struct cpu *c, struct cpu_code_stats *s)
{
	const struct jit *j = c->in.jit;
	s->jit_blocks = j ? j->stats.jit_blocks : 0;
	s->jit_bytes = j ? j->stats.jit_bytes : 0;
	s->jit_flushes = j ? j->stats.jit_flushes : 0;
}

/* ---- the public settings (cpu.h) ---- */

void cpu_set_jit(struct cpu *c, enum cpu_jit mode)
{
	if (c->in.jit_mode == (uint8_t)mode)
		return;
	c->in.jit_mode = (uint8_t)mode;
	cpu_invalidate_code(c);
	jit_free(c);
}

enum cpu_jit cpu_get_jit(const struct cpu *c)
{
	return jit_mode(c);
}

void cpu_set_jit_area(struct cpu *c, struct cpu_jit_area *a)
{
	if (c->in.jit_area == a)
		return;
	cpu_invalidate_code(c);
	jit_free(c);
	c->in.jit_area = a;
}
