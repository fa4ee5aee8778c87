/* flags.c - materialising lazy arithmetic flags (see flags.h). */
#include "cpu/flags.h"

uint32_t flags_arith_get(const struct cpu *c)
{
	return (flag_cf(c) ? FLAG_CF : 0) | (flag_pf(c) ? FLAG_PF : 0) |
	       (flag_af(c) ? FLAG_AF : 0) | (flag_zf(c) ? FLAG_ZF : 0) |
	       (flag_sf(c) ? FLAG_SF : 0) | (flag_of(c) ? FLAG_OF : 0);
}

void flags_arith_set(struct cpu *c, uint32_t f)
{
	/* lf_res = 0 derives ZF=1, SF=0, PF=1: store the inversions from that. */
	c->in.lf_res = 0;
	c->in.lf_aux = (f & (FLAG_CF | FLAG_AF | FLAG_OF)) |
		       ((f & FLAG_ZF) ? 0 : FLAG_ZF) | (f & FLAG_SF) |
		       ((f & FLAG_PF) ? 0 : FLAG_PF);
}
