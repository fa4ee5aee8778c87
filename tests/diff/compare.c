/*
 * compare.c - comparing Unicorn's and mvdm's state after one instruction,
 * masking what the instruction leaves undefined, and printing states.
 */
#include "diff.h"

#include <string.h>

static const char *const gpr_name[8] = { "EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI" };
static const char *const seg_name[S_COUNT] = { "ES", "CS", "SS", "DS", "FS", "GS" };

static void add(struct mismatch *out, const char *item)
{
	size_t n = strlen(out->what);
	if (n + 1 < sizeof out->what)
		snprintf(out->what + n, sizeof out->what - n, "%s%s", n ? " " : "", item);
}

static void flag_names(char *buf, size_t len, uint32_t f)
{
	static const struct { uint32_t bit; const char *n; } t[] = {
		{ F_CF, "CF" }, { F_PF, "PF" }, { F_AF, "AF" }, { F_ZF, "ZF" }, { F_SF, "SF" },
		{ F_TF, "TF" }, { F_IF, "IF" }, { F_DF, "DF" }, { F_OF, "OF" },
	};
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (f & t[i].bit) {
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "," : "", t[i].n);
			f &= ~t[i].bit;
		}
	}
	if (f && n < len)
		snprintf(buf + n, len - n, "%s0x%x", n ? "," : "", f);
}

bool undef_mem_range(const struct seq *s, const struct insn *in, const struct xstate *after,
		     uint32_t *addr, uint32_t *len)
{
	if (in->special == SPECIAL_PUSH32_SREG) {
		uint32_t sp = after->r[R_ESP] + 2;
		if (!diff_stack32(s, after))
			sp &= 0xFFFF;
		*addr = diff_seg_base(s, after, S_SS) + sp;
		*len = 2;
		return true;
	}
	if (in->special == SPECIAL_PUSHFD_V86) {
		*addr = diff_seg_base(s, after, S_SS) + ((after->r[R_ESP] + 2) & 0xFFFF);
		*len = 1;
		return true;
	}
	return false;
}

static bool in_range(uint32_t a, bool has, uint32_t lo, uint32_t len)
{
	return has && a >= lo && a < lo + len;
}

bool compare_step(const struct seq *s, const struct insn *in, const struct xstate *u, const struct xstate *m,
		  const uint8_t *uram, const uint8_t *mram, bool full_mem,
		  struct mismatch *out)
{
	out->what[0] = 0;

	for (int i = 0; i < 8; i++) {
		uint32_t mask = in->undef_reg == i ? ~in->undef_reg_mask : 0xFFFFFFFFu;
		if ((u->r[i] ^ m->r[i]) & mask)
			add(out, gpr_name[i]);
	}
	if (u->eip != m->eip)
		add(out, "EIP");
	if (u->cr0 != m->cr0)
		add(out, "CR0");
	for (int i = 0; i < S_COUNT; i++)
		if (u->seg[i] != m->seg[i])
			add(out, seg_name[i]);
	uint32_t fmask = DIFF_FLAGS_COMPARED & ~in->undef_flags;
	uint32_t fd = (u->eflags ^ m->eflags) & fmask;
	if (fd) {
		char names[64], item[80];
		flag_names(names, sizeof names, fd);
		snprintf(item, sizeof item, "FLAGS(%s)", names);
		add(out, item);
	}

	if (s->mode == MODE_FPU) {
		/* templates_x87.c: what of the x87 is compared. */
		if (u->fcw != m->fcw)
			add(out, "FCW");
		if ((u->fsw ^ m->fsw) & 0x7D00)
			add(out, "FSW(TOP/C0/C2/C3)");
		if (u->fempty != m->fempty)
			add(out, "FTAG(empty)");
		for (int i = 0; i < 8; i++) {
			if (!((m->fempty >> i) & 1) && (u->fm[i] != m->fm[i] || u->fse[i] != m->fse[i])) {
				char b[16];
				snprintf(b, sizeof b, "R%d", i);
				add(out, b);
			}
		}
	}

	uint32_t ua = 0, ul = 0;
	bool has_undef = undef_mem_range(s, in, u, &ua, &ul);
	bool mem_bad = false;
	uint32_t bad_at = 0;
	if (full_mem && memcmp(uram, mram, DIFF_RAM_SIZE) != 0) {
		for (uint32_t a = 0; a < DIFF_RAM_SIZE; a++) {
			if (uram[a] != mram[a] && !in_range(a, has_undef, ua, ul)) {
				mem_bad = true;
				bad_at = a;
				break;
			}
		}
	}
	if (mem_bad) {
		char b[64];
		snprintf(b, sizeof b, "mem@%05x(uc %02x mvdm %02x)", bad_at, uram[bad_at], mram[bad_at]);
		add(out, b);
	}
	return out->what[0] == 0;
}

void print_state(FILE *f, const char *label, const struct xstate *s)
{
	char fl[64];
	flag_names(fl, sizeof fl, s->eflags & (F_ARITH | F_DF | F_IF | F_TF));
	fprintf(f, "    %-8s EAX=%08x ECX=%08x EDX=%08x EBX=%08x ESP=%08x EBP=%08x ESI=%08x EDI=%08x\n",
		label, s->r[0], s->r[1], s->r[2], s->r[3], s->r[4], s->r[5], s->r[6], s->r[7]);
	fprintf(f, "    %-8s EIP=%08x ES=%04x CS=%04x SS=%04x DS=%04x FS=%04x GS=%04x EFLAGS=%08x [%s]\n",
		"", s->eip, s->seg[0], s->seg[1], s->seg[2], s->seg[3], s->seg[4], s->seg[5],
		s->eflags, fl);
	if (s->fempty != 0xFF && s->fempty != 0) { /* the fpu mode's registers */
		fprintf(f, "    %-8s CW=%04x SW=%04x", "", s->fcw, s->fsw);
		for (int i = 0; i < 8; i++)
			if (!((s->fempty >> i) & 1))
				fprintf(f, " R%d=%04x:%016llx", i, s->fse[i], (unsigned long long)s->fm[i]);
		fprintf(f, "\n");
	}
}

void print_state_diff(FILE *f, const struct xstate *u, const struct xstate *m, uint32_t flag_mask)
{
	for (int i = 0; i < 8; i++)
		if (u->r[i] != m->r[i])
			fprintf(f, "      %-6s unicorn %08x  mvdm %08x\n", gpr_name[i], u->r[i], m->r[i]);
	if (u->eip != m->eip)
		fprintf(f, "      %-6s unicorn %08x  mvdm %08x\n", "EIP", u->eip, m->eip);
	if (u->cr0 != m->cr0)
		fprintf(f, "      %-6s unicorn %08x  mvdm %08x\n", "CR0", u->cr0, m->cr0);
	for (int i = 0; i < S_COUNT; i++)
		if (u->seg[i] != m->seg[i])
			fprintf(f, "      %-6s unicorn %04x      mvdm %04x\n", seg_name[i], u->seg[i], m->seg[i]);
	if (u->fcw != m->fcw || u->fsw != m->fsw || u->fempty != m->fempty)
		fprintf(f, "      x87    unicorn CW %04x SW %04x empty %02x  mvdm CW %04x SW %04x empty %02x\n", u->fcw,
			u->fsw, u->fempty, m->fcw, m->fsw, m->fempty);
	for (int i = 0; i < 8; i++)
		if (u->fm[i] != m->fm[i] || u->fse[i] != m->fse[i])
			fprintf(f, "      R%d     unicorn %04x:%016llx  mvdm %04x:%016llx%s\n", i, u->fse[i],
				(unsigned long long)u->fm[i], m->fse[i], (unsigned long long)m->fm[i],
				(m->fempty >> i) & 1 ? " (empty)" : "");
	uint32_t fd = (u->eflags ^ m->eflags) & DIFF_FLAGS_COMPARED;
	if (fd) {
		char names[64], masked[64];
		flag_names(names, sizeof names, fd);
		flag_names(masked, sizeof masked, fd & ~flag_mask);
		fprintf(f, "      %-6s unicorn %08x  mvdm %08x  differ: %s%s%s%s\n", "EFLAGS",
			u->eflags, m->eflags, names, masked[0] ? " (undefined here, ignored: " : "",
			masked, masked[0] ? ")" : "");
	}
}
