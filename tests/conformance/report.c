/*
 * report.c - printing a failed test; see report.h.
 */
#include "report.h"

#include <stdint.h>

/* Names of the FLAGS bits set in `bits`, e.g. "CF ZF", into buf. */
static const char *flag_names(uint32_t bits, char *buf, size_t size)
{
	static const char *const names[16] = {
		"CF", "bit1", "PF", "bit3", "AF", "bit5", "ZF", "SF",
		"TF", "IF", "DF", "OF", "IOPL0", "IOPL1", "NT", "bit15",
	};
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < 32 && n < size; i++) {
		if (!(bits & (1u << i)))
			continue;
		int w = snprintf(buf + n, size - n, "%s%s", n ? " " : "",
		                 i < 16 ? names[i] : "high");
		if (w < 0)
			break;
		n += (size_t)w;
		if (i >= 16)
			break;
	}
	return buf;
}

static uint32_t flags_differ(const struct run_result *res)
{
	return ((uint32_t)res->want[VR_FLAGS] ^ res->got[VR_FLAGS]) & res->flags_mask;
}

void report_compact(FILE *out, const struct vec_test *t, const struct run_result *res,
                    size_t max_mem)
{
	fprintf(out, "#%ld \"%s\" %s:", t->index, t->name, t->hash[0] ? t->hash : "(no hash)");
	const char *sep = " ";
	if (res->note[0]) {
		fprintf(out, "%s%s", sep, res->note);
		sep = "; ";
	}
	for (int i = 0; i < VR_COUNT; i++) {
		if (!(res->reg_diff & (1u << i)))
			continue;
		fprintf(out, "%s%s want %04X got %04X", sep, vec_reg_names[i],
		        (unsigned)res->want[i], (unsigned)res->got[i]);
		if (i == VR_FLAGS) {
			char names[96];
			fprintf(out, " [%s]", flag_names(flags_differ(res), names, sizeof(names)));
		}
		sep = "; ";
	}
	for (size_t i = 0; i < res->nmem && i < max_mem; i++) {
		const struct mem_diff *d = &res->mem[i];
		fprintf(out, "%s[%05X] want %02X got %02X", sep, (unsigned)d->addr,
		        (unsigned)d->want, (unsigned)d->got);
		sep = "; ";
	}
	if (res->nmem > max_mem)
		fprintf(out, "%s+%zu more bytes", sep, res->nmem - max_mem);
}

void report_full(FILE *out, const struct vec_test *t, const struct run_result *res)
{
	fprintf(out, "  test #%ld \"%s\"\n    hash %s\n    bytes", t->index, t->name,
	        t->hash[0] ? t->hash : "(none)");
	for (unsigned i = 0; i < t->nbytes; i++)
		fprintf(out, " %02X", (unsigned)t->bytes[i]);
	fprintf(out, "\n    flags mask %04X", (unsigned)res->flags_mask);
	if (t->has_exception)
		fprintf(out, ", exception %u (flag_address %05X)", t->exception_number,
		        (unsigned)t->flag_address);
	fprintf(out, "\n    ran %llu instruction(s), last exit %s\n",
	        (unsigned long long)res->executed, runner_exit_name(res->exit));
	if (res->note[0])
		fprintf(out, "    FAIL: %s\n", res->note);

	fprintf(out, "    reg    initial  want  got\n");
	for (int i = 0; i < VR_COUNT; i++) {
		bool bad = res->reg_diff & (1u << i);
		fprintf(out, "    %-6s %04X     %04X  %04X%s", vec_reg_names[i],
		        (unsigned)t->init[i], (unsigned)res->want[i], (unsigned)res->got[i],
		        bad ? "  <<" : "");
		if (i == VR_FLAGS && bad) {
			char names[96];
			fprintf(out, " %s", flag_names(flags_differ(res), names, sizeof(names)));
		}
		fputc('\n', out);
	}
	if (res->nmem > 0) {
		fprintf(out, "    memory (%zu byte(s) differ):\n", res->nmem);
		for (size_t i = 0; i < res->nmem; i++) {
			const struct mem_diff *d = &res->mem[i];
			fprintf(out, "      [%05X] want %02X got %02X", (unsigned)d->addr,
			        (unsigned)d->want, (unsigned)d->got);
			if (d->mask != 0xFF)
				fprintf(out, "  (pushed FLAGS byte, mask %02X)", (unsigned)d->mask);
			fputc('\n', out);
		}
	}
	if (res->pushed_flags)
		fprintf(out, "    pushed FLAGS masked at [%05X] [%05X]\n",
		        (unsigned)res->pushed_addr[0], (unsigned)res->pushed_addr[1]);
}
