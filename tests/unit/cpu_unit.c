/*
 * cpu_unit.c - unit tests of the CPU core's contract (cpu.h): exits, traps,
 * interrupts, single-step, budgets, A20, lazy flags, disassembly, and
 * robustness on random code. Uses cmocka.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/cpu.h"
#include "cpu/flags.h"

enum { RAM = 0x110000 };

struct rig {
	struct cpu c;
	uint8_t *ram;
	int acks;
	uint8_t ack_vector;
	uint32_t last_out_port, last_out_value;
};

static int rig_ack(void *ctx)
{
	struct rig *r = ctx;
	r->acks++;
	cpu_set_irq(&r->c, false);
	return r->ack_vector;
}

static void rig_out(void *ctx, uint16_t port, unsigned size, uint32_t v)
{
	struct rig *r = ctx;
	(void)size;
	r->last_out_port = port;
	r->last_out_value = v;
}

static uint32_t rig_in(void *ctx, uint16_t port, unsigned size)
{
	(void)ctx;
	(void)size;
	return port == 0x60 ? 0x1C : 0xFFFFFFFF;
}

/* Code at 1000:0100, stack 2000:FFFE, DS=ES=1000; the CPU made by
 * cpu_init(), or by cpu_init_zeroed() on the calloc()'d rig. */
static struct rig *rig_new_init(enum cpu_model m, const uint8_t *code, size_t n, bool zeroed)
{
	struct rig *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->ram = aligned_alloc(CPU_PAGE_SIZE, RAM);
	assert_non_null(r->ram);
	memset(r->ram, 0xF4, RAM);
	struct cpu_bus bus = { .ctx = r, .intr_ack = rig_ack, .io_write = rig_out, .io_read = rig_in };
	if (zeroed)
		cpu_init_zeroed(&r->c, m, &bus);
	else
		cpu_init(&r->c, m, &bus);
	assert_int_equal(cpu_map_ram(&r->c, 0, RAM, r->ram, true), 0);
	if (n)
		memcpy(r->ram + 0x10100, code, n);
	cpu_load_seg(&r->c, SEG_CS, 0x1000);
	cpu_load_seg(&r->c, SEG_DS, 0x1000);
	cpu_load_seg(&r->c, SEG_ES, 0x1000);
	cpu_load_seg(&r->c, SEG_SS, 0x2000);
	r->c.ip = 0x100;
	r->c.r[REG_SP].d = 0xFFFE;
	return r;
}

static struct rig *rig_new(enum cpu_model m, const uint8_t *code, size_t n)
{
	return rig_new_init(m, code, n, false);
}

static void rig_free(struct rig *r)
{
	cpu_destroy(&r->c);
	free(r->ram);
	free(r);
}

static void set_vector(struct rig *r, uint8_t v, uint16_t seg, uint16_t off)
{
	r->ram[v * 4] = (uint8_t)off;
	r->ram[v * 4 + 1] = (uint8_t)(off >> 8);
	r->ram[v * 4 + 2] = (uint8_t)seg;
	r->ram[v * 4 + 3] = (uint8_t)(seg >> 8);
}

static void test_budget_and_hlt(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x40, 0x40, 0x40, 0xF4 }; /* inc ax x3; hlt */
	struct rig *r = rig_new(CPU_8086, code, sizeof(code));
	assert_int_equal(cpu_run(&r->c, 2), CPU_EXIT_BUDGET);
	assert_int_equal(r->c.r[REG_AX].w[0], 2);
	assert_int_equal(r->c.retired, 2);
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	assert_int_equal(r->c.ip, 0x104);
	assert_int_equal(r->c.retired, 4);
	/* Halted with nothing pending: stays halted. */
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	assert_int_equal(r->c.retired, 4);
	rig_free(r);
}

static void test_trap_sensitive(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x90, 0xFA, 0xCD, 0x21, 0xF4 }; /* nop; cli; int 21h; hlt */
	struct rig *r = rig_new(CPU_80386, code, sizeof(code));
	r->c.trap_mask = CPU_TRAP_CLI | CPU_TRAP_INT | CPU_TRAP_HLT;
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_TRAP);
	assert_int_equal(r->c.exit.trap, CPU_TRAP_CLI);
	assert_int_equal(r->c.ip, 0x101); /* not executed */
	r->c.ip++;                           /* monitor emulates it */
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_TRAP);
	assert_int_equal(r->c.exit.trap, CPU_TRAP_INT);
	assert_int_equal(r->c.exit.vector, 0x21);
	assert_int_equal(r->c.ip, 0x102);
	r->c.ip += 2;
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_TRAP);
	assert_int_equal(r->c.exit.trap, CPU_TRAP_HLT);
	assert_int_equal(r->c.ip, 0x104);
	rig_free(r);
}

static void test_io_trap_and_bus(void **state)
{
	(void)state;
	/* mov al,5; out 43h,al; in al,60h; out 61h,al; hlt */
	static const uint8_t code[] = { 0xB0, 0x05, 0xE6, 0x43, 0xE4, 0x60, 0xE6, 0x61, 0xF4 };
	struct rig *r = rig_new(CPU_80286, code, sizeof(code));
	uint8_t *bitmap = calloc(8192, 1);
	bitmap[0x61 >> 3] |= 1u << (0x61 & 7);
	r->c.io_trap_bitmap = bitmap;
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_IO);
	assert_int_equal(r->last_out_port, 0x43);
	assert_int_equal(r->last_out_value, 5);
	assert_int_equal(r->c.r[REG_AX].b[0], 0x1C);
	assert_int_equal(r->c.exit.port, 0x61);
	assert_true(r->c.exit.io_write);
	assert_int_equal(r->c.exit.io_size, 1);
	assert_int_equal(r->c.ip, 0x106);
	free(bitmap);
	rig_free(r);
}

static void test_external_interrupt(void **state)
{
	(void)state;
	/* sti; nop; nop; jmp $ ; handler at 3000:0000: inc bx; iret */
	static const uint8_t code[] = { 0xFB, 0x90, 0x90, 0xEB, 0xFE };
	struct rig *r = rig_new(CPU_8086, code, sizeof(code));
	r->ram[0x30000] = 0x43;
	r->ram[0x30001] = 0xCF;
	set_vector(r, 0x08, 0x3000, 0x0000);
	r->ack_vector = 0x08;
	cpu_set_irq(&r->c, true);
	assert_int_equal(cpu_run(&r->c, 1), CPU_EXIT_BUDGET); /* sti */
	/* Interrupt shadow: the instruction after STI runs first. */
	assert_int_equal(cpu_run(&r->c, 1), CPU_EXIT_BUDGET);
	assert_int_equal(r->c.ip, 0x102);
	assert_int_equal(r->acks, 0);
	assert_int_equal(cpu_run(&r->c, 1), CPU_EXIT_BUDGET);
	assert_int_equal(r->acks, 1);
	assert_int_equal(r->c.seg[SEG_CS], 0x3000);
	assert_int_equal(cpu_run(&r->c, 10), CPU_EXIT_BUDGET);
	assert_int_equal(r->c.r[REG_BX].w[0], 1);
	assert_int_equal(r->c.seg[SEG_CS], 0x1000);
	rig_free(r);
}

static void test_halt_wakes_on_interrupt(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0xFB, 0xF4, 0x41, 0xF4 }; /* sti; hlt; inc cx; hlt */
	struct rig *r = rig_new(CPU_80386, code, sizeof(code));
	r->ram[0x30000] = 0xCF;
	set_vector(r, 0x09, 0x3000, 0);
	r->ack_vector = 0x09;
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	cpu_set_irq(&r->c, true);
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	assert_int_equal(r->acks, 1);
	assert_int_equal(r->c.r[REG_CX].w[0], 1);
	rig_free(r);
}

static void test_single_step(void **state)
{
	(void)state;
	/* pushf; pop ax; or ah,1; push ax; popf (TF on); nop; nop;
	 * pushf; pop ax; and ah,FEh; push ax; popf (TF off); hlt */
	static const uint8_t code[] = { 0x9C, 0x58, 0x80, 0xCC, 0x01, 0x50, 0x9D, 0x90, 0x90,
					0x9C, 0x58, 0x80, 0xE4, 0xFE, 0x50, 0x9D, 0xF4 };
	struct rig *r = rig_new(CPU_80286, code, sizeof(code));
	r->ram[0x30000] = 0x42; /* inc dx */
	r->ram[0x30001] = 0xCF; /* iret */
	set_vector(r, 0x01, 0x3000, 0);
	assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_HLT);
	/* One trap after each instruction that started with TF set: the two
	 * NOPs and the five instructions that clear it (the last POPF included). */
	assert_int_equal(r->c.r[REG_DX].w[0], 7);
	rig_free(r);
}

static void test_divide_error_ip(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x31, 0xC9, 0xF7, 0xF1, 0xF4 }; /* xor cx,cx; div cx; hlt */
	for (int m = CPU_8086; m <= CPU_80386; m++) {
		struct rig *r = rig_new((enum cpu_model)m, code, sizeof(code));
		r->ram[0x30000] = 0xF4;
		set_vector(r, 0, 0x3000, 0);
		assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
		uint16_t pushed_ip = (uint16_t)(r->ram[0x2FFF8] | r->ram[0x2FFF9] << 8);
		assert_int_equal(pushed_ip, m <= CPU_80186 ? 0x104 : 0x102);
		rig_free(r);
	}
}

static void test_invalid_opcode(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x0F, 0xFF, 0xF4 };
	struct rig *r = rig_new(CPU_80286, code, sizeof(code));
	r->c.exception_exit_mask = 1u << 6;
	assert_int_equal(cpu_run(&r->c, 10), CPU_EXIT_INVALID);
	assert_int_equal(r->c.exit.vector, 6);
	assert_int_equal(r->c.exit.ip, 0x100);
	rig_free(r);
	/* On the 8086, 0F is POP CS. */
	r = rig_new(CPU_8086, code, sizeof(code));
	r->ram[0x2FFFE] = 0x00;
	r->ram[0x2FFFF] = 0x30;
	assert_int_equal(cpu_run(&r->c, 1), CPU_EXIT_BUDGET);
	assert_int_equal(r->c.seg[SEG_CS], 0x3000);
	rig_free(r);
}

static void test_shutdown_on_stack_fault(void **state)
{
	(void)state;
	/* 286: divide error with SP=1: pushing the frame faults, then again. */
	static const uint8_t code[] = { 0x31, 0xC9, 0xF7, 0xF1 };
	struct rig *r = rig_new(CPU_80286, code, sizeof(code));
	r->c.r[REG_SP].d = 1;
	assert_int_equal(cpu_run(&r->c, 10), CPU_EXIT_SHUTDOWN);
	rig_free(r);
}

/* 80286 real-mode edge cases (80286 PRM; the SingleStepTests captures). */
static void test_286_edges(void **state)
{
	(void)state;
	/* An instruction running past offset FFFFh: #13 at its start (the
	 * 8086 wraps IP). mov ax, 1234h at CS:FFFE. */
	for (int m = CPU_8086; m <= CPU_80286; m += 2) {
		struct rig *r = rig_new((enum cpu_model)m, NULL, 0);
		r->ram[0x1FFFE] = 0xB8;
		r->ram[0x1FFFF] = 0x34;
		r->ram[0x10000] = 0x12;
		r->ram[0x30000] = 0xF4;
		set_vector(r, 13, 0x3000, 0);
		r->c.ip = 0xFFFE;
		assert_int_equal(cpu_run(&r->c, 1), CPU_EXIT_BUDGET);
		if (m == CPU_80286) {
			assert_int_equal(r->c.seg[SEG_CS], 0x3000);
			assert_int_equal(r->ram[0x2FFF8] | r->ram[0x2FFF9] << 8, 0xFFFE);
		} else {
			assert_int_equal(r->c.r[REG_AX].w[0], 0x1234);
			assert_int_equal(r->c.ip, 1);
		}
		rig_free(r);
	}
	/* AAM 0: #DE, SZP of AL >> 1 on the 286 (AL = 7: 3, PF set). */
	static const uint8_t aam0[] = { 0xD4, 0x00 };
	struct rig *r = rig_new(CPU_80286, aam0, sizeof(aam0));
	r->ram[0x30000] = 0xF4;
	set_vector(r, 0, 0x3000, 0);
	r->c.r[REG_AX].w[0] = 0x0007;
	cpu_set_flags(&r->c, FLAG_ZF | FLAG_SF);
	assert_int_equal(cpu_run(&r->c, 10), CPU_EXIT_HLT);
	assert_int_equal(cpu_get_flags(&r->c) & (FLAG_SF | FLAG_ZF | FLAG_PF), FLAG_PF);
	rig_free(r);
	/* POPA at SP = FFF1: its last word straddles FFFFh, so nothing is
	 * popped; at FFF3 the word of CX does, after DI..BX were popped; at
	 * FFFE the words wrap to offset 0. */
	static const uint8_t popa[] = { 0x61 };
	static const struct { uint16_t sp; bool fault; uint16_t bx, cx; } pc[] = {
		{ 0xFFF1, true, 0x4444, 0x2222 }, { 0xFFF3, true, 0xF4F4, 0x2222 }, { 0xFFFE, false, 0xF4F4, 0xF4F4 },
	};
	for (size_t k = 0; k < sizeof pc / sizeof pc[0]; k++) {
		r = rig_new(CPU_80286, popa, sizeof(popa));
		r->ram[0x30000] = 0xF4;
		set_vector(r, 13, 0x3000, 0);
		r->c.r[REG_SP].d = pc[k].sp;
		r->c.r[REG_BX].w[0] = 0x4444;
		r->c.r[REG_CX].w[0] = 0x2222;
		assert_int_equal(cpu_run(&r->c, 1), CPU_EXIT_BUDGET);
		assert_int_equal(r->c.seg[SEG_CS] == 0x3000, pc[k].fault);
		assert_int_equal(r->c.r[REG_BX].w[0], pc[k].bx);
		assert_int_equal(r->c.r[REG_CX].w[0], pc[k].cx);
		assert_int_equal(r->c.r[REG_SP].w[0], pc[k].fault ? pc[k].sp - 6 : 0x000E);
		rig_free(r);
	}
	/* PUSHA at SP = 000Fh: its last word would straddle FFFFh: #13 before
	 * anything is written. */
	static const uint8_t pusha[] = { 0x60 };
	r = rig_new(CPU_80286, pusha, sizeof(pusha));
	r->ram[0x30000] = 0xF4;
	set_vector(r, 13, 0x3000, 0);
	r->c.r[REG_SP].d = 0x000F;
	assert_int_equal(cpu_run(&r->c, 1), CPU_EXIT_BUDGET);
	assert_int_equal(r->c.seg[SEG_CS], 0x3000);
	assert_int_equal(r->ram[0x20000 + 0x0007], 0xF4);   /* BX's slot (below the #13 frame) */
	rig_free(r);
}

static void test_a20_wrap(void **state)
{
	(void)state;
	/* mov al,[FFFF:0010]: 8086 reads linear 0, 286 with A20 reads 0x100000. */
	static const uint8_t code[] = { 0xB8, 0xFF, 0xFF, 0x8E, 0xD8, 0xA0, 0x10, 0x00, 0xF4 };
	for (int m = CPU_8086; m <= CPU_80286; m += 2) {
		struct rig *r = rig_new((enum cpu_model)m, code, sizeof(code));
		r->ram[0] = 0x11;
		r->ram[0x100000] = 0x22;
		assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
		assert_int_equal(r->c.r[REG_AX].b[0], m == CPU_8086 ? 0x11 : 0x22);
		if (m == CPU_80286) {
			cpu_set_a20(&r->c, false);
			r->c.ip = 0x105;
			assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
			assert_int_equal(r->c.r[REG_AX].b[0], 0x11);
		}
		rig_free(r);
	}
}

/* cpu_init_zeroed() leaves the TLB's zero tags (they match nothing but in
 * slot 0, which it empties), and a TLB flush drops exactly the slots
 * filled since the last one (tlb_used): linear page 0 is read from RAM,
 * then from the page mapped there instead, never through a stale entry. */
static void test_zeroed_init_tlb(void **state)
{
	(void)state;
	/* xor ax,ax; mov ds,ax; mov al,[0]; mov bl,[1FFFh]; hlt */
	static const uint8_t code[] = { 0x31, 0xC0, 0x8E, 0xD8, 0xA0, 0x00, 0x00, 0x8A, 0x1E, 0xFF, 0x1F, 0xF4 };
	for (int zeroed = 0; zeroed < 2; zeroed++) {
		struct rig *r = rig_new_init(CPU_80386, code, sizeof(code), zeroed);
		r->ram[0] = 0x11;
		r->ram[0x1FFF] = 0x33;
		assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
		assert_int_equal(r->c.r[REG_AX].b[0], 0x11);
		assert_int_equal(r->c.r[REG_BX].b[0], 0x33);
		uint8_t *other = aligned_alloc(CPU_PAGE_SIZE, 2 * CPU_PAGE_SIZE);
		assert_non_null(other);
		memset(other, 0, 2 * CPU_PAGE_SIZE);
		other[0] = 0x22;
		other[0x1FFF] = 0x44;
		assert_int_equal(cpu_map_ram(&r->c, 0, 2 * CPU_PAGE_SIZE, other, true), 0);
		r->c.ip = 0x100;
		assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
		assert_int_equal(r->c.r[REG_AX].b[0], 0x22);
		assert_int_equal(r->c.r[REG_BX].b[0], 0x44);
		rig_free(r);
		free(other);
	}
}

/* The host's view of paged memory (cpu_peek8/16/32, cpu_poke8,
 * cpu_linear_to_phys) through the system translation cache: right from
 * the first lookup after cpu_init_zeroed() (whose zero tags would say
 * linear page 0 is physical page 0), and the new mapping after a CR3
 * load once a lookup has cached the old one (Intel 80386 PRM 5.2.5). */
static void test_host_view_paged(void **state)
{
	(void)state;
	enum { PD = 0x20000, PT = 0x21000, P_W_U = 7 };
	for (int zeroed = 0; zeroed < 2; zeroed++) {
		struct rig *r = rig_new_init(CPU_80386, NULL, 0, zeroed);
		uint32_t pde = PT | P_W_U, pte0 = 0x5000 | P_W_U, pte1 = 0x6000 | P_W_U;
		memcpy(r->ram + PD, &pde, 4);
		memcpy(r->ram + PT, &pte0, 4);                 /* linear page 0 -> 5000h */
		memcpy(r->ram + PT + 4, &pte1, 4);             /* linear page 1 -> 6000h */
		memcpy(r->ram + 0x5FFE, "\x11\x22", 2);
		memcpy(r->ram + 0x6000, "\x33\x44\x55\x66", 4);
		r->ram[0] = 0x99;
		assert_int_equal(cpu_set_cr(&r->c, 0, cpu_get_cr(&r->c, 0) | CR0_PE), 0);
		assert_int_equal(cpu_set_cr(&r->c, 3, PD), 0);
		assert_int_equal(cpu_set_cr(&r->c, 0, cpu_get_cr(&r->c, 0) | CR0_PG), 0);
		uint32_t pa = 0;
		assert_int_equal(cpu_linear_to_phys(&r->c, 0x10, false, &pa), 0);
		assert_int_equal(pa, 0x5010);
		assert_int_equal(cpu_peek8(&r->c, 0), 0xF4);
		assert_int_equal(cpu_peek16(&r->c, 0xFFE), 0x2211);
		assert_int_equal(cpu_peek32(&r->c, 0xFFE), 0x44332211);   /* across the pages */
		assert_int_equal(cpu_peek32(&r->c, 0x1000), 0x66554433);
		cpu_poke8(&r->c, 0x1001, 0x77);
		assert_int_equal(r->ram[0x6001], 0x77);
		assert_int_equal(cpu_linear_to_phys(&r->c, 0x2000, false, &pa), -EFAULT); /* not present */
		/* Page 0 remapped: seen after the CR3 load. (Before it, the
		 * translation cached above, as the chip's TLB may keep it: the
		 * check after the load is then one of the flush.) */
		memcpy(r->ram + PT, &pte1, 4);
		assert_int_equal(cpu_linear_to_phys(&r->c, 0, false, &pa), 0);
		assert_int_equal(pa, 0x5000);
		assert_int_equal(cpu_set_cr(&r->c, 3, PD), 0);
		assert_int_equal(cpu_linear_to_phys(&r->c, 0, false, &pa), 0);
		assert_int_equal(pa, 0x6000);
		assert_int_equal(cpu_peek8(&r->c, 0), 0x33);
		rig_free(r);
	}
}

/* A monitor's switch to real mode and back (cpu_resume_paging(), as
 * vdd_enter_pm() does it). Where nothing else happened the paged block
 * runs again without a recheck, and the system translation cache (the
 * host's view) is kept: a data page (60000h) moved to 41000h in the
 * tables meanwhile still shows the old translation, as a TLB that no CR3
 * load flushed would (80386 PRM 5.2.5; the monitor would not resume so,
 * having changed its tables, but the change shows what is kept).
 * Anything else, with the code's page (10000h) moved to 40000h too (the monitor's own CR3 load, another CR3, the
 * guest's MOV CR3 or INVLPG in real mode, another CR0.WP, a wrap of the
 * epochs at the turn-off: tlb.c tlb_pause_paging()) takes a new epoch
 * with everything emptied: the block is checked again (or recorded
 * again after the wrap) and the new mapping is seen. */
enum resume_case {
	RESUME_KEPT, RESUME_FLUSH, RESUME_OTHER_CR3, RESUME_GUEST_CR3, RESUME_GUEST_INVLPG, RESUME_WP,
	RESUME_WRAP, /* the turn-off's bump wraps the epochs (the cache emptied): nothing kept */
};

static void resume_paging_case(enum resume_case k)
{
	enum { PD = 0x50000, PT = 0x51000, PD2 = 0x52000, PT2 = 0x53000, P_W_U = 7 };
	static const uint8_t code[] = { 0xB8, 0x01, 0x00, 0xF4 }; /* 100: mov ax, 1; hlt */
	/* 200: mov eax, PD; mov cr3, eax; hlt.  210: invlpg [0]; hlt */
	static const uint8_t guest_cr3[] = { 0x66, 0xB8, 0x00, 0x00, 0x05, 0x00, 0x0F, 0x22, 0xD8, 0xF4 };
	static const uint8_t guest_invlpg[] = { 0x0F, 0x01, 0x3E, 0x00, 0x00, 0xF4 };
	const bool i486 = k == RESUME_GUEST_INVLPG || k == RESUME_WP;
	struct rig *r = rig_new(i486 ? CPU_80486 : CPU_80386, code, sizeof(code));
	memcpy(r->ram + 0x10180, "\xBB\x01\x00\xF4", 4); /* 180: mov bx, 1; hlt */
	memcpy(r->ram + 0x10200, guest_cr3, sizeof(guest_cr3));
	memcpy(r->ram + 0x10210, guest_invlpg, sizeof(guest_invlpg));
	memcpy(r->ram + 0x40100, "\xB8\x02\x00\xF4", 4); /* mov ax, 2; hlt */
	for (uint32_t p = 0; p < 0x100; p++) {
		uint32_t pte = p << 12 | P_W_U;
		uint32_t moved = (p == 0x10 ? 0x40000 : p == 0x60 ? 0x41000 : p << 12) | P_W_U;
		memcpy(r->ram + PT + 4 * p, &pte, 4);
		memcpy(r->ram + PT2 + 4 * p, &moved, 4);
	}
	uint32_t pde = PT | P_W_U, pde2 = PT2 | P_W_U;
	memcpy(r->ram + PD, &pde, 4);
	memcpy(r->ram + PD2, &pde2, 4);
	const uint32_t real = cpu_get_cr(&r->c, 0), paged = real | CR0_PE | CR0_PG;
	assert_int_equal(cpu_set_cr(&r->c, 3, PD), 0);
	assert_int_equal(cpu_set_cr(&r->c, 0, paged), 0);
	for (int run = 0; run < 2; run++) { /* (the second run finds the block) */
		r->c.ip = 0x100;
		assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	}
	uint32_t pa = 0;
	assert_int_equal(cpu_linear_to_phys(&r->c, 0x60010, false, &pa), 0);
	assert_int_equal(pa, 0x60010);
	if (k == RESUME_WRAP) /* (the last paged epoch before the wrap) */
		r->c.in.epoch = r->c.in.epoch_paged = (1u << 24) - 2;
	/* To real mode, where the monitor or the guest does its work (code
	 * of its own: the same CS:IP would replace the paged block). */
	assert_int_equal(cpu_set_cr(&r->c, 0, real), 0);
	r->c.ip = 0x180;
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	if (k != RESUME_KEPT)
		memcpy(r->ram + PT + 4 * 0x10, r->ram + PT2 + 4 * 0x10, 4);
	memcpy(r->ram + PT + 4 * 0x60, r->ram + PT2 + 4 * 0x60, 4);
	if (k == RESUME_FLUSH)
		assert_int_equal(cpu_set_cr(&r->c, 3, PD), 0);
	if (k == RESUME_OTHER_CR3)
		assert_int_equal(cpu_set_cr(&r->c, 3, PD2), 0);
	if (k == RESUME_GUEST_CR3 || k == RESUME_GUEST_INVLPG) {
		r->c.ip = k == RESUME_GUEST_CR3 ? 0x200 : 0x210;
		assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
		assert_int_equal(cpu_get_cr(&r->c, 3), PD);
	}
	struct cpu_code_stats before, after;
	cpu_code_stats(&r->c, &before);
	assert_int_equal(cpu_resume_paging(&r->c, k == RESUME_WP ? paged | CR0_WP : paged), k == RESUME_KEPT);
	r->c.ip = 0x100;
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	cpu_code_stats(&r->c, &after);
	if (k == RESUME_KEPT) {
		assert_int_equal(after.rechecks, before.rechecks);
		assert_int_equal(after.misses, before.misses);
	} else if (k == RESUME_WRAP) {
		assert_true(after.misses > before.misses);
	} else {
		assert_true(after.rechecks > before.rechecks);
	}
	assert_int_equal(r->c.r[REG_AX].w[0], k == RESUME_KEPT ? 1 : 2);
	assert_int_equal(cpu_linear_to_phys(&r->c, 0x60010, false, &pa), 0);
	assert_int_equal(pa, k == RESUME_KEPT ? 0x60010 : 0x41010);
	rig_free(r);
}

static void test_resume_paging(void **state)
{
	(void)state;
	for (enum resume_case k = RESUME_KEPT; k <= RESUME_WRAP; k++)
		resume_paging_case(k);
}

static void test_lazy_flags_roundtrip(void **state)
{
	(void)state;
	struct cpu c;
	cpu_init(&c, CPU_80386, NULL);
	for (uint32_t f = 0; f < 0x1000; f++) {
		uint32_t arith = f & FLAGS_ARITH;
		flags_arith_set(&c, arith);
		assert_int_equal(flags_arith_get(&c), arith);
	}
	/* 8086 keeps bits 12-15 set, the 286 clear, bit 1 always set. */
	cpu_init(&c, CPU_8086, NULL);
	cpu_set_flags(&c, 0);
	assert_int_equal(cpu_get_flags(&c), 0xF002);
	cpu_init(&c, CPU_80286, NULL);
	cpu_set_flags(&c, 0xFFFF);
	assert_int_equal(cpu_get_flags(&c), 0x0FD7);
	cpu_destroy(&c);
}

static void test_rep_restart_on_interrupt(void **state)
{
	(void)state;
	/* mov cx,1000h; rep stosb; hlt — an interrupt during the string op. */
	static const uint8_t code[] = { 0xB9, 0x00, 0x10, 0xBF, 0x00, 0x80, 0xF3, 0xAA, 0xF4 };
	struct rig *r = rig_new(CPU_80386, code, sizeof(code));
	r->ram[0x30000] = 0xCF;
	set_vector(r, 0x08, 0x3000, 0);
	r->ack_vector = 8;
	cpu_set_flags(&r->c, FLAG_IF);
	assert_int_equal(cpu_run(&r->c, 2), CPU_EXIT_BUDGET);
	cpu_set_irq(&r->c, true);
	assert_int_equal(cpu_run(&r->c, 10000), CPU_EXIT_HLT);
	assert_int_equal(r->acks, 1);
	assert_int_equal(r->c.r[REG_CX].w[0], 0);
	assert_int_equal(r->c.r[REG_DI].w[0], 0x9000);
	/* mov cx, mov di, rep stosb, iret, hlt: the interrupted string op retires once. */
	assert_int_equal(r->c.retired, 5);
	rig_free(r);
}

/* A repeated string instruction charges its iterations to the budget: a
 * slice of 1000 units runs about 1000 of them, not 1000 chunks, and the
 * instruction restarts where it stopped. `retired` counts instructions,
 * `work` the units. Both the slow (LODS) and the fast (STOS) paths. */
static void test_rep_budget(void **state)
{
	(void)state;
	/* mov cx,8000h; rep lodsb; mov cx,8000h; rep stosb; hlt */
	static const uint8_t code[] = { 0xB9, 0x00, 0x80, 0xF3, 0xAC, 0xB9, 0x00, 0x80, 0xF3, 0xAA, 0xF4 };
	struct rig *r = rig_new(CPU_80386, code, sizeof(code));
	r->c.r[REG_DI].w[0] = 0x8000;
	assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_BUDGET);
	uint16_t left = r->c.r[REG_CX].w[0];
	assert_true(left < 0x8000 && left >= 0x8000 - 1000);
	assert_true(r->c.work <= 1000 && r->c.work >= 1000 - 40);
	assert_int_equal(r->c.retired, 1); /* the MOV: the string op is not done */
	assert_int_equal(r->c.ip, 0x103);  /* restarts at its prefix */
	unsigned slices = 1;
	while (cpu_run(&r->c, 1000) == CPU_EXIT_BUDGET)
		slices++;
	assert_int_equal(r->c.ip, 0x10B);
	assert_int_equal(r->c.r[REG_CX].w[0], 0);
	assert_int_equal(r->c.r[REG_DI].w[0], 0x0000);
	assert_int_equal(r->c.retired, 5);
	/* 64 Ki iterations at (nearly) 1000 a slice. */
	assert_true(slices >= 0x10000 / 1000 && slices <= 0x10000 / 900 + 2);
	assert_true(r->c.work >= 0x10000 && r->c.work < 0x10000 + 100 * slices);
	rig_free(r);
}

static void test_disasm(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0x26, 0x8B, 0x47, 0x10, 0x66, 0x0F, 0xB6, 0xC3, 0xF3, 0xA4 };
	struct rig *r = rig_new(CPU_80386, code, sizeof(code));
	char buf[96];
	assert_int_equal(cpu_disasm(&r->c, 0x1000, 0x100, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "mov ax, word [es:bx+10h]");
	assert_int_equal(cpu_disasm(&r->c, 0x1000, 0x104, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "movzx eax, bl");
	assert_int_equal(cpu_disasm(&r->c, 0x1000, 0x108, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "rep movsb");
	rig_free(r);
}

/* MOVSW has no 8086 vectors in the shared suite (README there): check the
 * word wrap at offset FFFFh, REP with DF=1 and the 286 fault instead. */
static void test_movsw_8086(void **state)
{
	(void)state;
	/* movsw; std; mov cx,3; rep movsw; hlt */
	static const uint8_t code[] = { 0xA5, 0xFD, 0xB9, 0x03, 0x00, 0xF3, 0xA5, 0xF4 };
	struct rig *r = rig_new(CPU_8086, code, sizeof(code));
	cpu_load_seg(&r->c, SEG_DS, 0x3000);
	cpu_load_seg(&r->c, SEG_ES, 0x4000);
	r->c.r[REG_SI].w[0] = 0xFFFF;
	r->c.r[REG_DI].w[0] = 0x0010;
	r->ram[0x3FFFF] = 0x34; /* DS:FFFF */
	r->ram[0x30000] = 0x12; /* DS:0000: the 8086 wraps inside the segment */
	for (int k = 0; k < 8; k++)
		r->ram[0x30100 + k] = (uint8_t)(0xA0 + k);
	assert_int_equal(cpu_run(&r->c, 1), CPU_EXIT_BUDGET);
	assert_int_equal(r->ram[0x40010], 0x34);
	assert_int_equal(r->ram[0x40011], 0x12);
	assert_int_equal(r->c.r[REG_SI].w[0], 0x0001);
	assert_int_equal(r->c.r[REG_DI].w[0], 0x0012);
	/* REP MOVSW downwards: 3 words from DS:0104.. to ES:0204.. */
	r->c.r[REG_SI].w[0] = 0x0104;
	r->c.r[REG_DI].w[0] = 0x0204;
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	assert_int_equal(r->c.r[REG_CX].w[0], 0);
	assert_int_equal(r->c.r[REG_SI].w[0], 0x00FE);
	assert_int_equal(r->c.r[REG_DI].w[0], 0x01FE);
	assert_memory_equal(r->ram + 0x40200, r->ram + 0x30100, 6);
	rig_free(r);
	/* The 286 raises #GP (13) for the word at DS:FFFF instead. */
	r = rig_new(CPU_80286, code, 1);
	cpu_load_seg(&r->c, SEG_DS, 0x3000);
	r->c.r[REG_SI].w[0] = 0xFFFF;
	r->c.exception_exit_mask = 1u << 13;
	assert_int_equal(cpu_run(&r->c, 1), CPU_EXIT_EXCEPTION);
	assert_int_equal(r->c.exit.vector, 13);
	rig_free(r);
}

/* Random bytes must never crash or hang the host, on any model. */
static void test_random_code_is_contained(void **state)
{
	(void)state;
	uint32_t seed = 12345;
	for (int m = CPU_8086; m < CPU_MODEL_COUNT; m++) {
		struct rig *r = rig_new((enum cpu_model)m, NULL, 0);
		for (size_t k = 0; k < RAM; k++) {
			seed = seed * 1103515245u + 12345u;
			r->ram[k] = (uint8_t)(seed >> 16);
		}
		for (int round = 0; round < 200; round++) {
			enum cpu_exit e = cpu_run(&r->c, 5000);
			if (e == CPU_EXIT_SHUTDOWN || e == CPU_EXIT_HLT) {
				/* Back to real mode, as a PC resets after a shutdown. */
				cpu_reset(&r->c);
				cpu_load_seg(&r->c, SEG_CS, (uint16_t)(seed >> 8));
				r->c.ip = seed & 0xFFFF;
				r->c.r[REG_SP].d = 0x8000;
				cpu_set_flags(&r->c, 0);
				seed = seed * 1103515245u + 12345u;
			}
		}
		rig_free(r);
	}
}

/* Data next to code: writes to the page of a hot loop drop no block
 * (block_cache.h: only writes to decoded bytes do). */
static void test_code_cache_data_next_to_code(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0xB9, 0xE8, 0x03,       /* 100: mov cx, 1000 */
		0xFF, 0x06, 0x20, 0x01, /* 103: inc word [120h] */
		0xE2, 0xFA,             /* 107: loop 103 */
		0xF4,                   /* 109: hlt */
	};
	struct rig *r = rig_new(CPU_80386, code, sizeof(code));
	memset(r->ram + 0x10120, 0, 2);
	assert_int_equal(cpu_run(&r->c, 100000), CPU_EXIT_HLT);
	assert_int_equal(r->ram[0x10120] | r->ram[0x10121] << 8, 1000);
	struct cpu_code_stats s;
	cpu_code_stats(&r->c, &s);
	assert_int_equal(s.invalidations, 0);
	assert_int_equal(s.smc_stops, 0);
	assert_int_equal(s.data_writes, 1000);
	assert_true(s.misses <= 4);
	assert_true(s.hits >= 900);
	rig_free(r);
}

/* A loop that patches the instruction after the writing one: every pass
 * sees the new byte, in the block being recorded and in the cached one. */
static void test_code_cache_patch_next(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0xB9, 0x03, 0x00,       /* 100: mov cx, 3 */
		0x88, 0x0E, 0x08, 0x01, /* 103: mov [108h], cl */
		0xB0, 0x00,             /* 107: mov al, 0 (imm at 108h) */
		0x00, 0xC2,             /* 109: add dl, al */
		0xE2, 0xF6,             /* 10B: loop 103 */
		0xF4,                   /* 10D: hlt */
	};
	for (int cached = 0; cached < 2; cached++) {
		struct rig *r = rig_new(CPU_8086, code, sizeof(code));
		cpu_set_block_cache(&r->c, cached);
		cpu_set_prefetch(&r->c, false); /* (every write seen at once) */
		assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_HLT);
		assert_int_equal(r->c.r[REG_DX].b[0], 3 + 2 + 1);
		struct cpu_code_stats s;
		cpu_code_stats(&r->c, &s);
		/* Pass 1 records a block whose later byte it already wrote,
		 * pass 2 drops it while recording one from 103h, pass 3 runs
		 * that one and ends it at 107h. */
		if (cached) {
			assert_int_equal(s.invalidations, 2);
			assert_int_equal(s.smc_stops, 1);
		}
		rig_free(r);
	}
}

/* The host rewrites code it ran (cpu_mem_written()): the next run decodes
 * the new bytes; a write next to them drops nothing. */
static void test_code_cache_host_write(void **state)
{
	(void)state;
	static const uint8_t code[] = { 0xB8, 0x01, 0x00, 0xF4 }; /* mov ax, 1; hlt */
	struct rig *r = rig_new(CPU_80386, code, sizeof(code));
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	assert_int_equal(r->c.r[REG_AX].w[0], 1);
	struct cpu_code_stats s;
	r->ram[0x10110] = 0x55;
	cpu_mem_written(&r->c, 0x10110, 1);
	cpu_code_stats(&r->c, &s);
	assert_int_equal(s.invalidations, 0);
	r->ram[0x10101] = 2;
	cpu_mem_written(&r->c, 0x10101, 1);
	cpu_code_stats(&r->c, &s);
	assert_int_equal(s.invalidations, 1);
	r->c.ip = 0x100;
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	assert_int_equal(r->c.r[REG_AX].w[0], 2);
	rig_free(r);
}

/* A jump that lands on the next instruction (JMP $+2, a taken Jcc $+2 or
 * its fused compare, CALL $+3, RET to the next byte, LOOP $+2) ends the
 * block it is recorded in, as its threaded twin and the compiled code
 * leave the block there: run again, the code needs no block that the
 * first run did not record (before, the recording ran on through such a
 * jump, the replay left the block at it and decoded a block after it on
 * every run: block_cache.c jumped_to_next()). Each ends in JMP $ (a
 * halted CPU would run its next first instruction outside the cache). */
static void test_jump_to_next_ends_block(void **state)
{
	(void)state;
	static const struct {
		uint8_t code[12];
		size_t n;
		uint16_t ax;
	} cases[] = {
		{ { 0x40, 0xEB, 0x00, 0x40, 0xEB, 0xFE }, 6, 2 }, /* inc ax; jmp $+2; inc ax */
		{ { 0x40, 0xE9, 0x00, 0x00, 0x40, 0xEB, 0xFE }, 7, 2 }, /* jmp near $+3 */
		{ { 0x39, 0xC0, 0x74, 0x00, 0x40, 0xEB, 0xFE }, 7, 1 }, /* cmp ax, ax; jz $+2 (fused) */
		{ { 0x40, 0x75, 0x00, 0x40, 0xEB, 0xFE }, 6, 2 }, /* inc ax; jnz $+2 */
		{ { 0x39, 0xC0, 0x0F, 0x84, 0x00, 0x00, 0x40, 0xEB, 0xFE }, 9, 1 }, /* cmp ax, ax; jz near $+4 */
		{ { 0xE8, 0x00, 0x00, 0x5B, 0x40, 0xEB, 0xFE }, 7, 1 }, /* call $+3; pop bx */
		{ { 0x68, 0x04, 0x01, 0xC3, 0x40, 0xEB, 0xFE }, 7, 1 }, /* push 104h; ret */
		{ { 0xB9, 0x02, 0x00, 0xE2, 0x00, 0x40, 0xEB, 0xFE }, 8, 1 }, /* mov cx, 2; loop $+2 */
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct rig *r = rig_new(CPU_80386, cases[k].code, cases[k].n);
		uint64_t misses = 0;
		for (int run = 0; run < 4; run++) {
			r->c.ip = 0x100;
			r->c.r[REG_AX].d = 0;
			r->c.r[REG_SP].d = 0xFFFE;
			assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_BUDGET);
			assert_int_equal(r->c.r[REG_AX].w[0], cases[k].ax);
			struct cpu_code_stats s;
			cpu_code_stats(&r->c, &s);
			if (run == 0)
				misses = s.misses;
			else
				assert_int_equal(s.misses, misses);
		}
		rig_free(r);
	}
}

/* A cache too small for the code that runs: it is emptied whenever full
 * (flushes), and the program still computes what it should. */
static void test_code_cache_full(void **state)
{
	(void)state;
	enum { BLOCKS = 300, PASSES = 20 };
	uint8_t code[8 + BLOCKS * 3 + 8];
	size_t n = 0;
	code[n++] = 0xB9, code[n++] = PASSES, code[n++] = 0; /* 100: mov cx, PASSES */
	for (unsigned k = 0; k < BLOCKS; k++)
		code[n++] = 0x40, code[n++] = 0xEB, code[n++] = 0x00; /* inc ax; jmp $+2 */
	const unsigned back = 0x103 - (0x100 + (unsigned)n + 6);
	code[n++] = 0x49;                                    /* dec cx */
	code[n++] = 0x74, code[n++] = 0x03;                  /* jz hlt */
	code[n++] = 0xE9, code[n++] = (uint8_t)back, code[n++] = (uint8_t)(back >> 8); /* jmp 103 */
	code[n++] = 0xF4;                                    /* hlt */
	struct rig *r = rig_new(CPU_8086, code, n);
	cpu_set_block_cache_limit(&r->c, 16384);
	assert_int_equal(cpu_run(&r->c, 1000000), CPU_EXIT_HLT);
	assert_int_equal(r->c.r[REG_AX].w[0], BLOCKS * PASSES);
	struct cpu_code_stats s;
	cpu_code_stats(&r->c, &s);
	assert_true(s.flushes >= PASSES);
	assert_true(s.evictions > BLOCKS);
	assert_true(s.bytes <= 16384);
	rig_free(r);
}

/* A block goes on across a JMP rel to a forward target in its page and
 * byte range (block_cache.c jmp_inside()): a loop over data kept between
 * its JMPs (short and near) is one block, its writes to that data drop
 * nothing (the bytes jumped over are not translated), and it computes
 * what it should. */
static const uint8_t jmp_over_data[] = {
	0xB9, 0xE8, 0x03,       /* 100: mov cx, 1000 */
	0xEB, 0x02,             /* 103: top: jmp short 107 */
	0x00, 0x00,             /* 105: dw 0 */
	0xFF, 0x06, 0x05, 0x01, /* 107: inc word [105] */
	0xE9, 0x02, 0x00,       /* 10B: jmp near 110 */
	0x00, 0x00,             /* 10E: dw 0 */
	0xFF, 0x06, 0x0E, 0x01, /* 110: inc word [10E] */
	0x40,                   /* 114: inc ax */
	0xE2, 0xEC,             /* 115: loop 103 */
	0xF4,                   /* 117: hlt */
};

static void test_jmp_inside_block(void **state)
{
	(void)state;
	struct rig *r = rig_new(CPU_80386, jmp_over_data, sizeof(jmp_over_data));
	assert_int_equal(cpu_run(&r->c, 100000), CPU_EXIT_HLT);
	assert_int_equal(r->c.r[REG_AX].w[0], 1000);
	assert_int_equal(r->ram[0x10105] | r->ram[0x10106] << 8, 1000);
	assert_int_equal(r->ram[0x1010E] | r->ram[0x1010F] << 8, 1000);
	assert_int_equal(r->c.retired, 1 + 1000 * 6 + 1);
	struct cpu_code_stats s;
	cpu_code_stats(&r->c, &s);
	assert_int_equal(s.invalidations, 0);
	assert_true(s.data_writes >= 2000);
	assert_true(s.hits <= 1010); /* one block a pass, not three */
	rig_free(r);
}

/* code (at 100h) jumps inside its block to DIV CX (2 bytes, CX 0) at
 * div_ip: #DE pushes the DIV's IP (the 8086 and 80186: the IP after it),
 * on every model, when the block is recorded and when it runs cached or
 * compiled, and `retired` instructions are counted (the handler's HLT
 * included). */
static void div_error_after_jump(const uint8_t *code, size_t n, uint16_t div_ip, unsigned retired)
{
	for (int m = CPU_8086; m <= CPU_80486; m++) {
		struct rig *r = rig_new((enum cpu_model)m, code, n);
		r->ram[0x30000] = 0xF4;
		set_vector(r, 0, 0x3000, 0);
		for (int pass = 0; pass < 4; pass++) {
			r->c.ip = 0x100;
			r->c.r[REG_SP].d = 0xFFFE;
			cpu_load_seg(&r->c, SEG_CS, 0x1000);
			memset(r->ram + 0x2FFF8, 0, 6);
			const uint64_t before = r->c.retired;
			assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
			const uint16_t pushed_ip = (uint16_t)(r->ram[0x2FFF8] | r->ram[0x2FFF9] << 8);
			assert_int_equal(pushed_ip, m <= CPU_80186 ? div_ip + 2 : div_ip);
			assert_int_equal(r->c.retired - before, retired);
		}
		rig_free(r);
	}
}

/* A forward JMP whose target is in the next page ends its block (the
 * block is on one page); a fault and a single-step trap after a JMP
 * inside a block report the right IP. */
static void test_jmp_inside_edges(void **state)
{
	(void)state;
	/* 100: mov cx, 100; jmp near FFDh; FFDh: inc ax; FFEh: jmp short 1003h;
	 * 1003h: loop FFDh; 1005h: hlt */
	static const uint8_t start[] = { 0xB9, 0x64, 0x00, 0xE9, 0xF7, 0x0E };
	struct rig *r = rig_new(CPU_80386, start, sizeof(start));
	memcpy(r->ram + 0x10FFD, (const uint8_t[]){ 0x40, 0xEB, 0x03 }, 3);
	memcpy(r->ram + 0x11003, (const uint8_t[]){ 0xE2, 0xF8, 0xF4 }, 3);
	assert_int_equal(cpu_run(&r->c, 100000), CPU_EXIT_HLT);
	assert_int_equal(r->c.r[REG_AX].w[0], 100);
	assert_int_equal(r->c.ip, 0x1006);
	struct cpu_code_stats s;
	cpu_code_stats(&r->c, &s);
	assert_true(s.hits >= 190); /* two blocks a pass (recorded in the first) */
	rig_free(r);
	/* xor cx, cx; jmp short 106; int3; div cx (faults); hlt */
	static const uint8_t div0[] = { 0x31, 0xC9, 0xEB, 0x01, 0xCC, 0xF7, 0xF1, 0xF4 };
	div_error_after_jump(div0, sizeof(div0), 0x105, 4);
	/* TF on (pushf; pop ax; or ah, 1; push ax; popf), then 107: jmp short
	 * 10Ah; int3; 10Ah: nop; TF off; hlt. The trap handler adds the IP it
	 * returns to into SI and counts in DX. */
	static const uint8_t tf[] = { 0x9C, 0x58, 0x80, 0xCC, 0x01, 0x50, 0x9D, 0xEB, 0x01, 0xCC, 0x90,
				      0x9C, 0x58, 0x80, 0xE4, 0xFE, 0x50, 0x9D, 0xF4 };
	r = rig_new(CPU_80386, tf, sizeof(tf));
	static const uint8_t handler[] = { 0x89, 0xE5, 0x03, 0x76, 0x00, 0x42, 0xCF }; /* mov bp, sp; add si, [bp]; inc dx; iret */
	memcpy(r->ram + 0x30000, handler, sizeof(handler));
	set_vector(r, 0x01, 0x3000, 0);
	r->c.r[REG_DX].d = 0; /* (the 386 reset value) */
	assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_HLT);
	/* traps after the JMP (IP 10Ah), the NOP (10Bh) and the five that clear TF */
	assert_int_equal(r->c.r[REG_DX].w[0], 7);
	assert_int_equal(r->c.r[REG_SI].w[0], 0x10A + 0x10B + 0x10C + 0x10D + 0x110 + 0x111 + 0x112);
	rig_free(r);
}

/* A block goes on at the target of a forward Jcc taken when it was
 * recorded (block_cache.c jcc_inside()) and leaves when it is not taken:
 * below, JZ alternates (taken when the block from 100h is recorded, not
 * when the one from 103h is, CX 999), JE after CMP (a fused pair
 * otherwise) is always taken, and JNZ after TEST AL, 2 taken every other
 * two passes (also when the block from 103h is recorded). */
static const uint8_t jcc_forward[] = {
	0xB9, 0xE8, 0x03, /* 100: mov cx, 1000 */
	0x89, 0xC8,       /* 103: top: mov ax, cx */
	0xA8, 0x01,       /* 105: test al, 1 */
	0x74, 0x03,       /* 107: jz 10C */
	0x43,             /* 109: inc bx (odd passes) */
	0xEB, 0x01,       /* 10A: jmp short 10D */
	0x46,             /* 10C: inc si (even passes) */
	0x39, 0xC0,       /* 10D: cmp ax, ax */
	0x74, 0x01,       /* 10F: je 112 */
	0xCC,             /* 111: (never run) */
	0x47,             /* 112: inc di */
	0xA8, 0x02,       /* 113: test al, 2 */
	0x75, 0x01,       /* 115: jnz 118 */
	0x45,             /* 117: inc bp */
	0xE2, 0xE9,       /* 118: loop top */
	0xF4,             /* 11A: hlt */
};

static void test_jcc_inside_block(void **state)
{
	(void)state;
	struct rig *r = rig_new(CPU_80386, jcc_forward, sizeof(jcc_forward));
	r->c.r[REG_BX].d = r->c.r[REG_SI].d = r->c.r[REG_DI].d = r->c.r[REG_BP].d = 0;
	assert_int_equal(cpu_run(&r->c, 100000), CPU_EXIT_HLT);
	assert_int_equal(r->c.r[REG_BX].w[0], 500);
	assert_int_equal(r->c.r[REG_SI].w[0], 500);
	assert_int_equal(r->c.r[REG_DI].w[0], 1000);
	assert_int_equal(r->c.r[REG_BP].w[0], 500);
	assert_int_equal(r->c.retired, 1 + 500 * 11 + 500 * 10 + 500 + 1);
	struct cpu_code_stats s;
	cpu_code_stats(&r->c, &s);
	assert_true(s.hits <= 2100); /* two blocks a pass on average; three with every jump ending one */
	rig_free(r);
	/* xor cx, cx; cmp cx, cx; je 107; int3; 107: div cx (faults); hlt */
	static const uint8_t div0[] = { 0x31, 0xC9, 0x39, 0xC9, 0x74, 0x01, 0xCC, 0xF7, 0xF1, 0xF4 };
	div_error_after_jump(div0, sizeof(div0), 0x107, 5);
}

/* The budget running out anywhere in a block with jumps inside it: every
 * slice ends where the uncached CPU's does, with the same state. */
/* Runs a and b (b uncached) in slices of `slice` instructions to HLT: each
 * slice ends alike, and n bytes at 1000:0100 are alike at the end; frees
 * both. */
static void slices_match(struct rig *a, struct rig *b, uint32_t slice, size_t n)
{
	enum cpu_exit ea, eb;
	do {
		ea = cpu_run(&a->c, slice);
		eb = cpu_run(&b->c, slice);
		assert_int_equal(ea, eb);
		assert_int_equal(a->c.ip, b->c.ip);
		assert_int_equal(a->c.retired, b->c.retired);
		assert_memory_equal(a->c.r, b->c.r, sizeof(a->c.r));
	} while (ea == CPU_EXIT_BUDGET);
	assert_int_equal(ea, CPU_EXIT_HLT);
	assert_memory_equal(a->ram + 0x10100, b->ram + 0x10100, n);
	rig_free(a);
	rig_free(b);
}

static void budget_slices_match(const uint8_t *code, size_t n)
{
	for (uint32_t slice = 1; slice <= 9; slice++) {
		struct rig *a = rig_new(CPU_80386, code, n);
		struct rig *b = rig_new(CPU_80386, code, n);
		cpu_set_block_cache(&b->c, false);
		a->c.r[REG_CX].d = b->c.r[REG_CX].d = 0;
		slices_match(a, b, slice, n);
	}
}

static void test_jmp_inside_budget(void **state)
{
	(void)state;
	budget_slices_match(jmp_over_data, sizeof(jmp_over_data));
	budget_slices_match(jcc_forward, sizeof(jcc_forward));
}

/* Runs code (at 1000:0100, and tail at 1000:0FF5) on model m with the
 * prefetch queue modelled, uncached, cached and compiled (JIT forced), AL
 * al, SI si, and checks DX and BX at HLT. */
static void prefetch_run(enum cpu_model m, const uint8_t *code, size_t n, const uint8_t *tail, size_t tn, uint8_t al,
			 uint16_t si, uint16_t dx, uint16_t bx)
{
	for (int mode = 0; mode < 3; mode++) {
		struct rig *r = rig_new(m, code, n);
		memcpy(r->ram + 0x10FF5, tail, tn);
		cpu_set_prefetch(&r->c, true);
		cpu_set_block_cache(&r->c, mode != 0);
		cpu_set_jit(&r->c, mode == 2 ? CPU_JIT_FORCE : CPU_JIT_OFF);
		r->c.r[REG_AX].d = al;
		r->c.r[REG_SI].d = si;
		r->c.r[REG_DX].d = r->c.r[REG_BX].d = 0;
		assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_HLT);
		assert_int_equal(r->c.r[REG_DX].w[0], dx);
		assert_int_equal(r->c.r[REG_BX].w[0], bx);
		rig_free(r);
	}
}

/* With the prefetch queue modelled a block does not go on across a
 * forward jump (block_cache.c jump_inside()). A Jcc taken when its block
 * was recorded and not taken later leaves the block, and the CPU runs the
 * bytes after it from its queue: the old ones if an instruction before it
 * changed them (Intel 8086 Family User's Manual: only a transfer empties
 * the queue; a Jcc not taken is none). In both programs XOR AL, 1 flips
 * AL between 42h and 43h (PF set, clear), MOV [SI], AL writes it over an
 * INC DX (42h) / INC BX (43h) in the writer's queue, and JPE skips it;
 * AL starts at 43h: JPE is taken in odd passes, when MOV writes the byte
 * it finds (a write that changes bytes in the queue ends the block being
 * recorded: prefetch.c), and not in even ones, which run the old byte,
 * INC DX.
 * 1. The byte right after the JPE, 4 bytes after the writer: its
 *    queue's bytes are translated bytes (the writer's shadow), so this
 *    holds with blocks going on across the JPE too.
 * 2. The byte on the next page, reached after the JPE not taken through
 *    an instruction that overlaps its target (MOV AH, C3h whose immediate
 *    is the RET the taken JPE goes to), on the 386 and 486 (a 16- and a
 *    32-byte queue). A block that went on across the JPE would end at the
 *    RET, with no queue bytes past it on the next page (block_shadow()),
 *    so the write there would not be seen as one to code and INC BX would
 *    run. */
static void test_prefetch_jcc_not_taken_runs_queue(void **state)
{
	(void)state;
	static const uint8_t main_loop[] = {
		0xB9, 0x06, 0x00, /* 100: mov cx, 6 */
		0xE8, 0xEF, 0x0E, /* 103: top: call FF5 */
		0xE2, 0xFB,       /* 106: loop top */
		0xF4,             /* 108: hlt */
	};
	static const uint8_t near[] = {
		0x34, 0x01, /* FF5: xor al, 1 */
		0x88, 0x04, /* FF7: mov [si], al (SI FFBh) */
		0x7A, 0x02, /* FF9: jpe FFD */
		0x42,       /* FFB: inc dx (43h: inc bx) */
		0x90,       /* FFC: nop */
		0xC3,       /* FFD: ret */
	};
	for (int m = CPU_8086; m <= CPU_80486; m++)
		prefetch_run((enum cpu_model)m, main_loop, sizeof(main_loop), near, sizeof(near), 0x43, 0xFFB, 3, 0);
	static const uint8_t page_end[] = {
		0x34, 0x01,       /* FF5: xor al, 1 */
		0x88, 0x04,       /* FF7: mov [si], al (SI 1000h) */
		0x7A, 0x04,       /* FF9: jpe FFF */
		0x90, 0x90, 0x90, /* FFB: nop x3 */
		0xB4,             /* FFE: mov ah, C3h (not taken) */
		0xC3,             /* FFF: ret (taken) */
		0x42,             /* 1000: inc dx (43h: inc bx) */
		0xC3,             /* 1001: ret */
	};
	for (int m = CPU_80386; m <= CPU_80486; m++)
		prefetch_run((enum cpu_model)m, main_loop, sizeof(main_loop), page_end, sizeof(page_end), 0x43, 0x1000,
			     3, 0);
}

/* A CALL whose push lands in its own running block (block_cache.c
 * stop_if_running()) ends the block anyway: c->in.smc_stop stays set into
 * the block it calls, entered through a link (bc_link() leaves the flag),
 * which then ends after its first instruction that accesses memory
 * (insn_chain(), bc_stop(); compiled: emit_smc_check()), early but right,
 * or through bc_run_block() (the budget ran out after the CALL), which
 * clears it. SP comes from a table: 200h twice (the blocks are recorded,
 * then run cached), then 105h: the third CALL pushes its return address
 * over the block's first bytes (MOV SP, [SI]), which nothing runs again. */
static const uint8_t smc_call_code[] = {
	0xB9, 0x03, 0x00, /* 100: mov cx, 3 */
	0x8B, 0x24,       /* 103: top: mov sp, [si] (SI 150h) */
	0x83, 0xC6, 0x02, /* 105: add si, 2 */
	0xE8, 0x12, 0x00, /* 108: call 11D */
	0x40,             /* 10B: inc ax */
	0xE2, 0xF5,       /* 10C: loop top */
	0xF4,             /* 10E: hlt */
	[0x1D] = 0x43,    /* 11D: inc bx */
	0xFF, 0x05,       /* 11E: inc word [di] (DI 140h) */
	0x42,             /* 120: inc dx */
	0xC3,             /* 121: ret */
	[0x50] = 0x00, 0x02, 0x00, 0x02, 0x05, 0x01, /* 150: dw 200h, 200h, 105h */
};

/* The rig for smc_call_code (or code, n bytes, if not NULL): 0 uncached,
 * 1 cached, 2 compiled; SS = CS. */
static struct rig *smc_call_rig(int mode, const uint8_t *code, size_t n)
{
	struct rig *r = code ? rig_new(CPU_80386, code, n) : rig_new(CPU_80386, smc_call_code, sizeof(smc_call_code));
	cpu_set_block_cache(&r->c, mode != 0);
	cpu_set_jit(&r->c, mode == 2 ? CPU_JIT_FORCE : CPU_JIT_OFF);
	cpu_load_seg(&r->c, SEG_SS, 0x1000);
	r->c.r[REG_SI].d = 0x150;
	r->c.r[REG_DI].d = 0x140;
	r->c.r[REG_AX].d = r->c.r[REG_BX].d = r->c.r[REG_DX].d = 0;
	return r;
}

/* As test_smc_stop_left_by_call, with the far transfers that push: a
 * CALL FAR (CS and IP) and an INT (FLAGS, CS and IP, through vector 20h),
 * each to a routine ending in RETF / IRET. The third pass's pushes land
 * on the block's first bytes (and, for INT, on the MOV CX before it):
 * the flag left set ends the routine's block early, or bc_run_block()
 * clears it; each is checked whole, and in slices against the uncached
 * CPU. */
static const uint8_t smc_callf_code[] = {
	0xB9, 0x03, 0x00,             /* 100: mov cx, 3 */
	0x8B, 0x24,                   /* 103: top: mov sp, [si] (SI 150h) */
	0x83, 0xC6, 0x02,             /* 105: add si, 2 */
	0x9A, 0x1D, 0x01, 0x00, 0x10, /* 108: call 1000:011D */
	0x40,                         /* 10D: inc ax */
	0xE2, 0xF3,                   /* 10E: loop top */
	0xF4,                         /* 110: hlt */
	[0x1D] = 0x43,                /* 11D: inc bx */
	0xFF, 0x05,                   /* 11E: inc word [di] (DI 140h) */
	0x42,                         /* 120: inc dx */
	0xCB,                         /* 121: retf */
	[0x50] = 0x00, 0x02, 0x00, 0x02, 0x05, 0x01, /* 150: dw 200h, 200h, 105h */
};
static const uint8_t smc_int_code[] = {
	0xB9, 0x03, 0x00, /* 100: mov cx, 3 */
	0x8B, 0x24,       /* 103: top: mov sp, [si] (SI 150h) */
	0x83, 0xC6, 0x02, /* 105: add si, 2 */
	0xCD, 0x20,       /* 108: int 20h (1000:011D) */
	0x40,             /* 10A: inc ax */
	0xE2, 0xF6,       /* 10B: loop top */
	0xF4,             /* 10D: hlt */
	[0x1D] = 0x43,    /* 11D: inc bx */
	0xFF, 0x05,       /* 11E: inc word [di] (DI 140h) */
	0x42,             /* 120: inc dx */
	0xCF,             /* 121: iret */
	[0x50] = 0x00, 0x02, 0x00, 0x02, 0x05, 0x01, /* 150: dw 200h, 200h, 105h */
};

/* The rig of push kind k: 0 the CALL (smc_call_code), 1 the CALL FAR,
 * 2 the INT. */
static struct rig *smc_push_rig(int mode, int k)
{
	if (k == 0)
		return smc_call_rig(mode, NULL, 0);
	struct rig *r = k == 2 ? smc_call_rig(mode, smc_int_code, sizeof(smc_int_code))
			       : smc_call_rig(mode, smc_callf_code, sizeof(smc_callf_code));
	set_vector(r, 0x20, 0x1000, 0x11D);
	return r;
}

/* Push kind k's loop uncached, cached and compiled, whole and in slices
 * of 1 to 12 instructions against the uncached CPU. */
static void smc_push_check(int k)
{
	for (int mode = 0; mode < 3; mode++) {
		struct rig *r = smc_push_rig(mode, k);
		assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_HLT);
		assert_int_equal(r->c.r[REG_AX].w[0], 3);
		assert_int_equal(r->c.r[REG_BX].w[0], 3);
		assert_int_equal(r->c.r[REG_DX].w[0], 3);
		assert_int_equal(r->ram[0x10140], 3);
		/* the pushed return address: IP, then CS (far ones) up to 104h */
		static const uint32_t ip_at[3] = { 0x10103, 0x10101, 0x100FF };
		static const uint16_t ret[3] = { 0x10B, 0x10D, 0x10A };
		assert_int_equal(r->ram[ip_at[k]] | r->ram[ip_at[k] + 1] << 8, ret[k]);
		if (k)
			assert_int_equal(r->ram[ip_at[k] + 2] | r->ram[ip_at[k] + 3] << 8, 0x1000);
		assert_int_equal(r->c.r[REG_SP].w[0], 0x105);
		assert_int_equal(r->c.retired, 1 + 3 * 9 + 1);
		struct cpu_code_stats s;
		cpu_code_stats(&r->c, &s);
		assert_int_equal(s.smc_stops, mode ? 1 : 0);
		assert_int_equal(s.invalidations, mode ? 2 : 0); /* (the blocks from 100h and 103h) */
		rig_free(r);
	}
	/* In slices, cached and compiled, each slice ends as the uncached
	 * CPU's does. */
	for (int mode = 1; mode < 3; mode++)
		for (uint32_t slice = 1; slice <= 12; slice++)
			slices_match(smc_push_rig(mode, k), smc_push_rig(0, k), slice, 0x60);
}

static void test_smc_stop_left_by_call(void **state)
{
	(void)state;
	smc_push_check(0);
}

static void test_smc_stop_left_by_far_transfer(void **state)
{
	(void)state;
	smc_push_check(1);
	smc_push_check(2);
}

/* The CALL's push lands in its own block, which the call's target then
 * reaches again through a link (P's successor, remembered before): the
 * dropped block is not run (bc_next() refuses its tag 0), but recorded
 * anew from the new bytes. Q, MOV DX, 0 / ADD BP, DX / CALL P, runs four
 * times; the third CALL (SP 10Eh from the table) writes its return
 * address, 113h, over MOV DX's immediate, so the fourth adds 113h. */
static const uint8_t smc_call_self[] = {
	0xB9, 0x05, 0x00, /* 100: mov cx, 5 */
	0x8B, 0x24,       /* 103: P: mov sp, [si] (SI 150h) */
	0x83, 0xC6, 0x02, /* 106: add si, 2 */
	0x49,             /* 108: dec cx */
	0x74, 0x09,       /* 109: jz 114 */
	0xBA, 0x00, 0x00, /* 10B: Q: mov dx, 0 */
	0x01, 0xD5,       /* 10E: add bp, dx */
	0xE8, 0xF0, 0xFF, /* 110: call P */
	0xF4,             /* 113: (never run) */
	0xF4,             /* 114: hlt */
	[0x50] = 0x00, 0x02, 0x00, 0x02, 0x0E, 0x01, 0x00, 0x02, 0x00, 0x02, /* 150: SP for each pass */
};

static void test_smc_call_into_linked_block(void **state)
{
	(void)state;
	for (int mode = 0; mode < 3; mode++) {
		struct rig *r = smc_call_rig(mode, smc_call_self, sizeof(smc_call_self));
		r->c.r[REG_BP].d = 0;
		assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_HLT);
		assert_int_equal(r->c.r[REG_BP].w[0], 0x113);
		assert_int_equal(r->c.ip, 0x115);
		assert_int_equal(r->c.retired, 1 + 4 * 7 + 4 + 1);
		struct cpu_code_stats s;
		cpu_code_stats(&r->c, &s);
		assert_int_equal(s.smc_stops, mode ? 1 : 0);
		rig_free(r);
	}
	for (int mode = 1; mode < 3; mode++)
		for (uint32_t slice = 1; slice <= 12; slice++)
			slices_match(smc_call_rig(mode, smc_call_self, sizeof(smc_call_self)),
				     smc_call_rig(0, smc_call_self, sizeof(smc_call_self)), slice, sizeof(smc_call_self));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget_and_hlt),
		cmocka_unit_test(test_trap_sensitive),
		cmocka_unit_test(test_io_trap_and_bus),
		cmocka_unit_test(test_external_interrupt),
		cmocka_unit_test(test_halt_wakes_on_interrupt),
		cmocka_unit_test(test_single_step),
		cmocka_unit_test(test_divide_error_ip),
		cmocka_unit_test(test_invalid_opcode),
		cmocka_unit_test(test_shutdown_on_stack_fault),
		cmocka_unit_test(test_286_edges),
		cmocka_unit_test(test_a20_wrap),
		cmocka_unit_test(test_zeroed_init_tlb),
		cmocka_unit_test(test_host_view_paged),
		cmocka_unit_test(test_resume_paging),
		cmocka_unit_test(test_lazy_flags_roundtrip),
		cmocka_unit_test(test_rep_restart_on_interrupt),
		cmocka_unit_test(test_rep_budget),
		cmocka_unit_test(test_disasm),
		cmocka_unit_test(test_movsw_8086),
		cmocka_unit_test(test_random_code_is_contained),
		cmocka_unit_test(test_code_cache_data_next_to_code),
		cmocka_unit_test(test_code_cache_patch_next),
		cmocka_unit_test(test_code_cache_host_write),
		cmocka_unit_test(test_code_cache_full),
		cmocka_unit_test(test_jump_to_next_ends_block),
		cmocka_unit_test(test_jmp_inside_block),
		cmocka_unit_test(test_jmp_inside_edges),
		cmocka_unit_test(test_jcc_inside_block),
		cmocka_unit_test(test_jmp_inside_budget),
		cmocka_unit_test(test_prefetch_jcc_not_taken_runs_queue),
		cmocka_unit_test(test_smc_stop_left_by_call),
		cmocka_unit_test(test_smc_stop_left_by_far_transfer),
		cmocka_unit_test(test_smc_call_into_linked_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
