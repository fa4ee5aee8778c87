/*
 * optable.c - builds op_table from opcodes.def (the single source of truth).
 * The table is const: the library keeps no writable global state. Holes
 * (fn == NULL) decode as invalid opcodes.
 */
#include <stddef.h>

#include "cpu/cpu_internal.h"

/* Groups: ModR/M reg selects the member (order fixes the table layout). */
enum op_group {
	G_80, G_81, G_82, G_83, G_8F, G_C0, G_C1, G_C6, G_C7, G_D0, G_D1, G_D2,
	G_D3, G_F6, G_F7, G_FE, G_FF, G_0F00, G_0F01, G_0FBA, G_COUNT
};
_Static_assert((int)G_COUNT == (int)OPT_GROUPS, "OPT_GROUPS must match enum op_group");

#define X1(b) (OPT_1 + (b))
#define X0F(b) (OPT_0F + (b))
#define XA(n) (OPT_ALT + (n))
#define XG(g, r) (OPT_GROUP + (g) * 8 + (r))
#define NONE (-1)
#define M86 CPU_8086
#define M186 CPU_80186
#define M286 CPU_80286
#define M386 CPU_80386
#define M486 CPU_80486

/* Declare every handler named in the table. */
#define OP(index, name, fn, form, model, alt, group, rd, wr, spec) void fn(struct cpu *c, const struct insn *i);
#include "cpu/opcodes.def"
#undef OP

#define OP(index, nm, handler, frm, mdl, alternative, grp, rd, wr, sp) \
	[index] = { .fn = handler, .name = nm, .form = (frm), .model = (mdl), \
		    .alt = (alternative), .group = ((grp) < 0 ? -1 : XG((grp), 0)), \
		    .reads = (rd), .writes = (wr), .spec = (sp) },
const struct op_entry op_table[OPT_SIZE] = {
#include "cpu/opcodes.def"
};
#undef OP
