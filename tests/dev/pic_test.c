/*
 * pic_test.c - device tests of the 8259A pair (src/dev/pic.c), driven only
 * through ports, IRQ lines and the INTA cycle, as a CPU and devices would.
 * Command bytes are the data sheet's (see the register map in pic.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dev/pic.h"

enum {
	EOI = 0x20,          /* OCW2 non-specific EOI */
	SPECIFIC_EOI = 0x60, /* OCW2 | level */
	ROTATE_EOI = 0xA0,
	ROTATE_SPECIFIC_EOI = 0xE0,
	SET_PRIORITY = 0xC0,
	ROTATE_AEOI_SET = 0x80,
	READ_IRR = 0x0A,     /* OCW3 */
	READ_ISR = 0x0B,
	POLL = 0x0C,
	SMM_SET = 0x68,
	SMM_CLEAR = 0x48,
};

static void pc(struct pic_pair *p)
{
	pic_pair_init(p);
	pic_pair_reset_pc(p);
}

/* Program one chip: ICW1, ICW2, ICW3 (when cascaded), ICW4 (when asked). */
static void program(struct pic_pair *p, uint16_t base, uint8_t icw1, uint8_t icw2, uint8_t icw3, uint8_t icw4)
{
	pic_pair_write(p, base, icw1);
	pic_pair_write(p, base + 1, icw2);
	if (!(icw1 & 0x02))
		pic_pair_write(p, base + 1, icw3);
	if (icw1 & 0x01)
		pic_pair_write(p, base + 1, icw4);
}

static uint8_t isr(struct pic_pair *p, uint16_t base)
{
	pic_pair_write(p, base, READ_ISR);
	return pic_pair_read(p, base);
}

static uint8_t irr(struct pic_pair *p, uint16_t base)
{
	pic_pair_write(p, base, READ_IRR);
	return pic_pair_read(p, base);
}

/* An edge-triggered device: one short pulse. */
static void pulse(struct pic_pair *p, unsigned irq)
{
	pic_pair_set_irq(p, irq, true);
	pic_pair_set_irq(p, irq, false);
}

static void test_power_on_is_quiet(void **state)
{
	(void)state;
	struct pic_pair p;
	pic_pair_init(&p);
	for (unsigned irq = 0; irq < PIC_IRQ_COUNT; irq++)
		pic_pair_set_irq(&p, irq, true);
	assert_false(pic_pair_intr(&p));
	assert_int_equal(pic_pair_read(&p, 0x21), 0xFF);
	assert_int_equal(pic_pair_read(&p, 0xA1), 0xFF);
}

static void test_pc_reset_vectors(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	assert_int_equal(pic_pair_read(&p, 0x21), 0x00);
	assert_int_equal(pic_pair_read(&p, 0xA1), 0x00);
	assert_false(pic_pair_intr(&p));
	const unsigned irqs[] = { 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	const uint8_t vectors[] = { 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x70,
				    0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77 };
	for (size_t i = 0; i < sizeof(irqs) / sizeof(irqs[0]); i++) {
		pulse(&p, irqs[i]);
		assert_true(pic_pair_intr(&p));
		assert_int_equal(pic_pair_ack(&p), vectors[i]);
		assert_false(pic_pair_intr(&p));
		if (irqs[i] >= 8)
			pic_pair_write(&p, 0xA0, EOI);
		pic_pair_write(&p, 0x20, EOI);
		assert_int_equal(isr(&p, 0x20), 0);
		assert_int_equal(isr(&p, 0xA0), 0);
	}
}

static void test_irq2_is_irq9(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pulse(&p, 2);
	assert_int_equal(pic_pair_ack(&p), 0x71);
}

static void test_single_mode_without_icw3(void **state)
{
	(void)state;
	struct pic_pair p;
	pic_pair_init(&p);
	/* ICW1 13h: single, ICW4 needed; no ICW3 follows. */
	program(&p, 0x20, 0x13, 0x57, 0, 0x01);
	pic_pair_write(&p, 0x21, 0x02); /* already OCW1: mask IR1 */
	assert_int_equal(pic_pair_read(&p, 0x21), 0x02);
	pic_pair_set_irq(&p, 1, true);
	assert_false(pic_pair_intr(&p));
	pic_pair_write(&p, 0x21, 0x00);
	assert_true(pic_pair_intr(&p));
	assert_int_equal(pic_pair_ack(&p), 0x51); /* low bits of ICW2 ignored */
}

static void test_icw1_resets_state(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pic_pair_set_irq(&p, 3, true);
	assert_int_equal(pic_pair_ack(&p), 0x0B);
	pic_pair_write(&p, 0x21, 0xF0);
	pic_pair_write(&p, 0x20, READ_ISR);
	program(&p, 0x20, 0x11, 0x08, 0x04, 0x01);
	assert_int_equal(pic_pair_read(&p, 0x21), 0x00); /* IMR cleared */
	assert_int_equal(pic_pair_read(&p, 0x20), 0x00); /* reads IRR again */
	assert_int_equal(isr(&p, 0x20), 0);
	/* Edge sense reset: the line still high does not request... */
	assert_false(pic_pair_intr(&p));
	/* ...until it falls and rises again. */
	pic_pair_set_irq(&p, 3, false);
	assert_false(pic_pair_intr(&p));
	pic_pair_set_irq(&p, 3, true);
	assert_int_equal(pic_pair_ack(&p), 0x0B);
}

static void test_priority_irq0_beats_irq1(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pulse(&p, 1);
	pulse(&p, 0);
	assert_int_equal(irr(&p, 0x20), 0x03);
	assert_int_equal(pic_pair_ack(&p), 0x08);
	assert_false(pic_pair_intr(&p)); /* IRQ 1 waits for the EOI */
	pic_pair_write(&p, 0x20, EOI);
	assert_true(pic_pair_intr(&p));
	assert_int_equal(pic_pair_ack(&p), 0x09);
}

static void test_slave_at_irq2_priority(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pulse(&p, 3);
	pulse(&p, 15); /* the lowest slave input still outranks IRQ 3 */
	assert_int_equal(pic_pair_ack(&p), 0x77);
	pic_pair_write(&p, 0xA0, EOI);
	pic_pair_write(&p, 0x20, EOI);
	assert_int_equal(pic_pair_ack(&p), 0x0B);
	pic_pair_write(&p, 0x20, EOI);

	pulse(&p, 8);
	pulse(&p, 1); /* IRQ 1 outranks every slave input */
	assert_int_equal(pic_pair_ack(&p), 0x09);
	pic_pair_write(&p, 0x20, EOI);
	assert_int_equal(pic_pair_ack(&p), 0x70);
}

static void test_mask_blocks_but_irr_latches(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pic_pair_write(&p, 0x21, 0x01);
	assert_int_equal(pic_pair_read(&p, 0x21), 0x01);
	pulse(&p, 0);
	assert_false(pic_pair_intr(&p));
	assert_int_equal(irr(&p, 0x20), 0x01);
	pulse(&p, 4); /* unmasked lower levels still get through */
	assert_int_equal(pic_pair_ack(&p), 0x0C);
	pic_pair_write(&p, 0x20, EOI);
	pic_pair_write(&p, 0x21, 0x00);
	assert_true(pic_pair_intr(&p));
	assert_int_equal(pic_pair_ack(&p), 0x08);
}

static void test_mask_slave_and_cascade(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pic_pair_write(&p, 0xA1, 0x10); /* mask IRQ 12 at the slave */
	assert_int_equal(pic_pair_read(&p, 0xA1), 0x10);
	pulse(&p, 12);
	assert_false(pic_pair_intr(&p));
	assert_int_equal(irr(&p, 0xA0), 0x10);
	assert_int_equal(irr(&p, 0x20), 0x00); /* slave INT stays low */
	pic_pair_write(&p, 0x21, 0x04);        /* mask the cascade input */
	pic_pair_write(&p, 0xA1, 0x00);
	assert_false(pic_pair_intr(&p));
	assert_int_equal(irr(&p, 0x20), 0x04);
	pic_pair_write(&p, 0x21, 0x00);
	assert_int_equal(pic_pair_ack(&p), 0x74);
}

static void test_nonspecific_eoi_and_register_reads(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pulse(&p, 3);
	pulse(&p, 5);
	assert_int_equal(pic_pair_read(&p, 0x20), 0x28); /* IRR after init */
	assert_int_equal(pic_pair_ack(&p), 0x0B);
	assert_int_equal(irr(&p, 0x20), 0x20);
	assert_int_equal(isr(&p, 0x20), 0x08);
	assert_int_equal(pic_pair_read(&p, 0x20), 0x08); /* selection sticks */
	pic_pair_write(&p, 0x20, 0x08);                  /* OCW3 RR=0: no change */
	assert_int_equal(pic_pair_read(&p, 0x20), 0x08);
	assert_int_equal(pic_pair_read(&p, 0x21), 0x00); /* odd port: IMR */
	pic_pair_write(&p, 0x20, EOI);
	assert_int_equal(isr(&p, 0x20), 0x00);
	assert_int_equal(pic_pair_ack(&p), 0x0D);
	assert_int_equal(isr(&p, 0x20), 0x20);
	assert_int_equal(irr(&p, 0x20), 0x00);
}

static void test_nested_interrupts(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pulse(&p, 4);
	assert_int_equal(pic_pair_ack(&p), 0x0C);
	pulse(&p, 6);
	assert_false(pic_pair_intr(&p)); /* lower level waits */
	pulse(&p, 4);
	assert_false(pic_pair_intr(&p)); /* so does the same level */
	pulse(&p, 1);
	assert_true(pic_pair_intr(&p)); /* higher level interrupts */
	assert_int_equal(pic_pair_ack(&p), 0x09);
	assert_int_equal(isr(&p, 0x20), 0x12);
	pic_pair_write(&p, 0x20, EOI); /* ends IRQ 1, the highest */
	assert_int_equal(isr(&p, 0x20), 0x10);
	assert_false(pic_pair_intr(&p));
	pic_pair_write(&p, 0x20, EOI); /* ends IRQ 4 */
	assert_int_equal(pic_pair_ack(&p), 0x0C); /* the second IRQ 4 first */
	pic_pair_write(&p, 0x20, EOI);
	assert_int_equal(pic_pair_ack(&p), 0x0E);
}

static void test_specific_eoi(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pulse(&p, 3);
	assert_int_equal(pic_pair_ack(&p), 0x0B);
	pulse(&p, 1);
	assert_int_equal(pic_pair_ack(&p), 0x09);
	pic_pair_write(&p, 0x20, SPECIFIC_EOI | 3); /* not the highest one */
	assert_int_equal(isr(&p, 0x20), 0x02);
	pic_pair_write(&p, 0x20, SPECIFIC_EOI | 1);
	assert_int_equal(isr(&p, 0x20), 0x00);
	pic_pair_write(&p, 0x20, 0x40); /* OCW2 no-op */
	pic_pair_write(&p, 0x20, EOI);  /* EOI with nothing in service */
	assert_int_equal(isr(&p, 0x20), 0x00);
}

static void test_cascade_end_to_end(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pic_pair_set_irq(&p, 12, true);
	assert_true(pic_pair_intr(&p));
	assert_int_equal(irr(&p, 0x20), 0x04); /* slave INT latched on IR2 */
	assert_int_equal(pic_pair_ack(&p), 0x74);
	assert_false(pic_pair_intr(&p));
	assert_int_equal(isr(&p, 0x20), 0x04);
	assert_int_equal(isr(&p, 0xA0), 0x10);
	pulse(&p, 3);
	pulse(&p, 13);
	pic_pair_write(&p, 0xA0, EOI);
	assert_int_equal(isr(&p, 0xA0), 0x00);
	assert_false(pic_pair_intr(&p)); /* master IR2 still in service */
	pic_pair_write(&p, 0x20, EOI);
	assert_true(pic_pair_intr(&p));
	assert_int_equal(pic_pair_ack(&p), 0x75); /* IRQ 13 outranks IRQ 3 */
	pic_pair_write(&p, 0xA0, EOI);
	pic_pair_write(&p, 0x20, EOI);
	assert_int_equal(pic_pair_ack(&p), 0x0B);
	pic_pair_write(&p, 0x20, EOI);
	assert_false(pic_pair_intr(&p)); /* the held IRQ 12 line is no new edge */
}

static void test_fully_nested_blocks_slave_until_master_eoi(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pulse(&p, 12);
	assert_int_equal(pic_pair_ack(&p), 0x74);
	pulse(&p, 9); /* higher on the slave, but IR2 is in service */
	assert_false(pic_pair_intr(&p));
	pic_pair_write(&p, 0x20, EOI);
	assert_int_equal(pic_pair_ack(&p), 0x71);
	assert_int_equal(isr(&p, 0xA0), 0x12);
}

static void test_special_fully_nested(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	program(&p, 0x20, 0x11, 0x08, 0x04, 0x11); /* ICW4: SFNM, 8086 */
	pulse(&p, 12);
	assert_int_equal(pic_pair_ack(&p), 0x74);
	pulse(&p, 14);
	assert_false(pic_pair_intr(&p)); /* lower on the slave still waits */
	pulse(&p, 9);
	assert_true(pic_pair_intr(&p)); /* higher on the same slave gets in */
	assert_int_equal(pic_pair_ack(&p), 0x71);
	assert_int_equal(isr(&p, 0xA0), 0x12);
	pulse(&p, 5);
	assert_false(pic_pair_intr(&p)); /* IR2 in service still blocks IR5 */
}

static void test_edge_trigger(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pulse(&p, 1); /* a pulse gone before INTA is still latched */
	assert_true(pic_pair_intr(&p));
	assert_int_equal(pic_pair_ack(&p), 0x09);
	pic_pair_write(&p, 0x20, EOI);
	pic_pair_set_irq(&p, 1, true);
	assert_int_equal(pic_pair_ack(&p), 0x09);
	pic_pair_write(&p, 0x20, EOI);
	pic_pair_set_irq(&p, 1, true); /* held high: no new request */
	assert_false(pic_pair_intr(&p));
	pic_pair_set_irq(&p, 1, false);
	assert_false(pic_pair_intr(&p));
	pic_pair_set_irq(&p, 1, true);
	assert_true(pic_pair_intr(&p));
}

static void test_level_trigger(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	program(&p, 0x20, 0x19, 0x08, 0x04, 0x01); /* ICW1 LTIM */
	pic_pair_set_irq(&p, 5, true);
	assert_int_equal(pic_pair_ack(&p), 0x0D);
	pic_pair_write(&p, 0x20, EOI);
	assert_true(pic_pair_intr(&p)); /* line still high: requests again */
	assert_int_equal(pic_pair_ack(&p), 0x0D);
	pic_pair_set_irq(&p, 5, false);
	pic_pair_write(&p, 0x20, EOI);
	assert_false(pic_pair_intr(&p));
	assert_int_equal(irr(&p, 0x20), 0x00);
	pic_pair_set_irq(&p, 5, true);
	assert_int_equal(irr(&p, 0x20), 0x20);
	pic_pair_set_irq(&p, 5, false); /* the request goes away */
	assert_int_equal(irr(&p, 0x20), 0x00);
	assert_false(pic_pair_intr(&p));
}

static void test_spurious_irq7(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	program(&p, 0x20, 0x19, 0x08, 0x04, 0x01); /* level triggered */
	pic_pair_set_irq(&p, 4, true);
	assert_true(pic_pair_intr(&p));
	pic_pair_set_irq(&p, 4, false); /* gone before the INTA */
	assert_int_equal(pic_pair_ack(&p), 0x0F);
	assert_int_equal(isr(&p, 0x20), 0x00); /* no ISR bit for spurious */

	/* Edge triggered, masked between INT and INTA: spurious, kept in IRR. */
	pc(&p);
	pulse(&p, 5);
	assert_true(pic_pair_intr(&p));
	pic_pair_write(&p, 0x21, 0x20);
	assert_int_equal(pic_pair_ack(&p), 0x0F);
	assert_int_equal(isr(&p, 0x20), 0x00);
	assert_int_equal(irr(&p, 0x20), 0x20);
	pic_pair_write(&p, 0x21, 0x00);
	assert_int_equal(pic_pair_ack(&p), 0x0D);
}

static void test_spurious_irq15(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	program(&p, 0xA0, 0x19, 0x70, 0x02, 0x01); /* slave level triggered */
	pic_pair_set_irq(&p, 10, true);
	assert_true(pic_pair_intr(&p));
	pic_pair_set_irq(&p, 10, false); /* master's IR2 edge stays latched */
	assert_true(pic_pair_intr(&p));
	assert_int_equal(pic_pair_ack(&p), 0x77);
	assert_int_equal(isr(&p, 0xA0), 0x00);
	assert_int_equal(isr(&p, 0x20), 0x04); /* the master needs its EOI */
	pic_pair_write(&p, 0x20, EOI);
	assert_int_equal(isr(&p, 0x20), 0x00);
	assert_false(pic_pair_intr(&p));
}

static void test_auto_eoi(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	program(&p, 0x20, 0x11, 0x08, 0x04, 0x03); /* ICW4: AEOI, 8086 */
	program(&p, 0xA0, 0x11, 0x70, 0x02, 0x03);
	pulse(&p, 0);
	pulse(&p, 6);
	assert_int_equal(pic_pair_ack(&p), 0x08);
	assert_int_equal(isr(&p, 0x20), 0x00);
	assert_true(pic_pair_intr(&p)); /* no EOI needed for the next one */
	assert_int_equal(pic_pair_ack(&p), 0x0E);
	/* Two slave requests: the second still gets through the cascade. */
	pulse(&p, 11);
	pulse(&p, 14);
	assert_int_equal(pic_pair_ack(&p), 0x73);
	assert_true(pic_pair_intr(&p));
	assert_int_equal(pic_pair_ack(&p), 0x76);
	assert_int_equal(isr(&p, 0x20), 0x00);
	assert_int_equal(isr(&p, 0xA0), 0x00);
	assert_false(pic_pair_intr(&p));
}

static void test_rotate_on_eoi_and_set_priority(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pulse(&p, 0);
	assert_int_equal(pic_pair_ack(&p), 0x08);
	pic_pair_write(&p, 0x20, ROTATE_EOI); /* IR0 becomes the lowest */
	pulse(&p, 0);
	pulse(&p, 7);
	assert_int_equal(pic_pair_ack(&p), 0x0F); /* IR1 highest, IR7 > IR0 */
	pic_pair_write(&p, 0x20, ROTATE_SPECIFIC_EOI | 7); /* IR7 lowest */
	pulse(&p, 7);
	assert_int_equal(pic_pair_ack(&p), 0x08);
	pic_pair_write(&p, 0x20, EOI);
	assert_int_equal(pic_pair_ack(&p), 0x0F);
	pic_pair_write(&p, 0x20, EOI);

	pic_pair_write(&p, 0x20, SET_PRIORITY | 3); /* IR4 highest */
	pulse(&p, 1);
	pulse(&p, 4);
	assert_int_equal(pic_pair_ack(&p), 0x0C);
	pulse(&p, 3); /* now the lowest: waits behind IR4 in service */
	pic_pair_write(&p, 0x20, EOI);
	assert_int_equal(pic_pair_ack(&p), 0x09);
	pic_pair_write(&p, 0x20, EOI);
	assert_int_equal(pic_pair_ack(&p), 0x0B);
}

static void test_rotate_in_auto_eoi(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	program(&p, 0x20, 0x11, 0x08, 0x04, 0x03);
	pic_pair_write(&p, 0x20, ROTATE_AEOI_SET);
	pulse(&p, 0);
	pulse(&p, 1);
	assert_int_equal(pic_pair_ack(&p), 0x08); /* IR0 now lowest */
	pulse(&p, 0);
	assert_int_equal(pic_pair_ack(&p), 0x09);
	assert_int_equal(pic_pair_ack(&p), 0x08);
	pic_pair_write(&p, 0x20, 0x00); /* clear rotate in AEOI */
	pic_pair_write(&p, 0x20, SET_PRIORITY | 7);
	pulse(&p, 0);
	pulse(&p, 1);
	assert_int_equal(pic_pair_ack(&p), 0x08);
	pulse(&p, 0);
	assert_int_equal(pic_pair_ack(&p), 0x08); /* no rotation */
}

static void test_poll(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pulse(&p, 6);
	pulse(&p, 3);
	pic_pair_write(&p, 0x20, POLL);
	assert_int_equal(pic_pair_read(&p, 0x20), 0x83);
	assert_int_equal(isr(&p, 0x20), 0x08); /* the poll acknowledged IR3 */
	pic_pair_write(&p, 0x20, POLL);
	assert_int_equal(pic_pair_read(&p, 0x20), 0x00); /* IR6 outranked */
	assert_int_equal(pic_pair_read(&p, 0x20), 0x08); /* one read only */
	pic_pair_write(&p, 0x20, EOI);
	pic_pair_write(&p, 0x20, POLL);
	assert_int_equal(pic_pair_read(&p, 0x21), 0x86); /* either port */
	pic_pair_write(&p, 0x20, EOI);

	/* Cascade: poll the master, then the slave it names. */
	pulse(&p, 13);
	pic_pair_write(&p, 0x20, POLL);
	assert_int_equal(pic_pair_read(&p, 0x20), 0x82);
	pic_pair_write(&p, 0xA0, POLL);
	assert_int_equal(pic_pair_read(&p, 0xA0), 0x85);
	assert_int_equal(isr(&p, 0xA0), 0x20);
}

static void test_special_mask_mode(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	pulse(&p, 1);
	assert_int_equal(pic_pair_ack(&p), 0x09);
	pulse(&p, 5);
	assert_false(pic_pair_intr(&p));
	pic_pair_write(&p, 0x21, 0x02); /* mask the level in service */
	assert_false(pic_pair_intr(&p)); /* plain masking is not enough */
	pic_pair_write(&p, 0x20, SMM_SET);
	assert_true(pic_pair_intr(&p)); /* lower level enabled */
	assert_int_equal(pic_pair_ack(&p), 0x0D);
	assert_int_equal(isr(&p, 0x20), 0x22);
	pulse(&p, 1);
	assert_false(pic_pair_intr(&p)); /* the masked level stays out */
	pic_pair_write(&p, 0x20, EOI); /* skips masked IR1, ends IR5 */
	assert_int_equal(isr(&p, 0x20), 0x02);
	pic_pair_write(&p, 0x20, SMM_CLEAR);
	pic_pair_write(&p, 0x21, 0x00);
	assert_false(pic_pair_intr(&p)); /* IR1 in service blocks IR1 again */
	pic_pair_write(&p, 0x20, SPECIFIC_EOI | 1);
	assert_int_equal(pic_pair_ack(&p), 0x09);
}

static void test_foreign_ports_and_irqs(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	assert_int_equal(pic_pair_read(&p, 0x22), 0xFF);
	pic_pair_write(&p, 0x22, 0xFF);
	pic_pair_write(&p, 0xA2, 0xFF);
	pic_pair_set_irq(&p, 16, true);
	pic_pair_set_irq(&p, 1000, true);
	assert_int_equal(pic_pair_read(&p, 0x21), 0x00);
	assert_int_equal(pic_pair_read(&p, 0xA1), 0x00);
	assert_false(pic_pair_intr(&p));
	assert_int_equal(pic_pair_ack(&p), 0x0F); /* INTA without INT */
}

static void test_vector_base_remap(void **state)
{
	(void)state;
	struct pic_pair p;
	pc(&p);
	/* A DOS extender moving the master to 50h and the slave to 58h. */
	program(&p, 0x20, 0x11, 0x50, 0x04, 0x01);
	program(&p, 0xA0, 0x11, 0x58, 0x02, 0x01);
	pulse(&p, 0);
	assert_int_equal(pic_pair_ack(&p), 0x50);
	pic_pair_write(&p, 0x20, EOI);
	pulse(&p, 15);
	assert_int_equal(pic_pair_ack(&p), 0x5F);
	/* A slave with another ID does not answer: the bus floats. */
	pic_pair_write(&p, 0xA0, EOI);
	pic_pair_write(&p, 0x20, EOI);
	program(&p, 0xA0, 0x11, 0x58, 0x03, 0x01);
	pulse(&p, 8);
	assert_int_equal(pic_pair_ack(&p), 0xFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_on_is_quiet),
		cmocka_unit_test(test_pc_reset_vectors),
		cmocka_unit_test(test_irq2_is_irq9),
		cmocka_unit_test(test_single_mode_without_icw3),
		cmocka_unit_test(test_icw1_resets_state),
		cmocka_unit_test(test_priority_irq0_beats_irq1),
		cmocka_unit_test(test_slave_at_irq2_priority),
		cmocka_unit_test(test_mask_blocks_but_irr_latches),
		cmocka_unit_test(test_mask_slave_and_cascade),
		cmocka_unit_test(test_nonspecific_eoi_and_register_reads),
		cmocka_unit_test(test_nested_interrupts),
		cmocka_unit_test(test_specific_eoi),
		cmocka_unit_test(test_cascade_end_to_end),
		cmocka_unit_test(test_fully_nested_blocks_slave_until_master_eoi),
		cmocka_unit_test(test_special_fully_nested),
		cmocka_unit_test(test_edge_trigger),
		cmocka_unit_test(test_level_trigger),
		cmocka_unit_test(test_spurious_irq7),
		cmocka_unit_test(test_spurious_irq15),
		cmocka_unit_test(test_auto_eoi),
		cmocka_unit_test(test_rotate_on_eoi_and_set_priority),
		cmocka_unit_test(test_rotate_in_auto_eoi),
		cmocka_unit_test(test_poll),
		cmocka_unit_test(test_special_mask_mode),
		cmocka_unit_test(test_foreign_ports_and_irqs),
		cmocka_unit_test(test_vector_base_remap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
