#include "cpu/fpu.h"
void fpu_transcendental(struct cpu *c, unsigned modrm)
{
	(void)c;
	(void)modrm;
}
