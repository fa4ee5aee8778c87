/*
 * twins.c - threaded twins for frequent handlers that have no specialised
 * pair (specialize.c).
 *
 * Without a twin, a decoded instruction runs through thread_plain() or
 * thread_generic(): one shared function calls the handler through
 * insn.impl and jumps to the next instruction from the same place for
 * every such handler, so the host predicts both indirect branches badly.
 * A twin does exactly what they do (thread_plain_run() and
 * thread_generic_run() in cpu_internal.h) with a direct call and an
 * indirect jump of its own. insn.impl stays the handler, so the
 * step-by-step path, faults and the JIT see the instruction as before.
 *
 * The list is the handlers that ran most through the two shared functions
 * in the nmake build of bench/README.md (counted per handler: MOV with a
 * memory immediate, PUSH r/m, far CALL/RET/JMP, LES/LDS, segment moves,
 * CBW/CWD, XCHG, ...). Every handler here gets both forms, as the same
 * handler may run as TERM_NONE or not (a repeated string instruction).
 */
#include "cpu/cpu_internal.h"

#define TWIN_HANDLERS(X) \
	X(op_retf) X(op_push_rm) X(op_lxs) X(op_push_seg) X(op_pop_seg) X(op_cbw) X(op_cwd) \
	X(op_call_far) X(op_callf_rm) X(op_jmp_rm) X(op_jmp_far) X(op_mov_rm_imm) X(op_mov_acc_moffs) \
	X(op_mov_moffs_acc) X(op_inc_rm) X(op_dec_rm) X(op_test_rm_imm) X(op_test_rm_r) \
	X(op_test_acc_imm) X(op_xchg_acc_reg) X(op_xchg_rm_r) X(op_mov_sreg_rm) X(op_mov_rm_sreg) \
	X(op_lea) X(op_not) X(op_neg) X(op_imul) X(op_mul) X(op_idiv) X(op_div) X(op_flagop) \
	X(op_movs) X(op_stos) X(op_scas) X(op_cmps) X(op_lods) X(op_pop_rm)

#define DECLARE(h) void h(struct cpu *c, const struct insn *i);
TWIN_HANDLERS(DECLARE)
#undef DECLARE

#define DEFINE(h) \
	static void h##_plain(struct cpu *c, const struct insn *i) \
	{ \
		thread_plain_run(c, i, h); \
	} \
	static void h##_generic(struct cpu *c, const struct insn *i) \
	{ \
		thread_generic_run(c, i, h); \
	}
TWIN_HANDLERS(DEFINE)
#undef DEFINE

static const struct handler_twins {
	op_fn impl, plain, generic;
} twins[] = {
#define ROW(h) { h, h##_plain, h##_generic },
	TWIN_HANDLERS(ROW)
#undef ROW
};

op_fn cpu_handler_twin(op_fn impl, unsigned term)
{
	/* (a linear search: instructions are decoded rarely, most come from
	 * the block cache or the code store) */
	for (size_t k = 0; k < sizeof(twins) / sizeof(twins[0]); k++) {
		if (twins[k].impl == impl)
			return term == TERM_NONE ? twins[k].plain : twins[k].generic;
	}
	return NULL;
}
