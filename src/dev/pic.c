/*
 * pic.c - Intel 8259A programmable interrupt controller pair (see pic.h).
 *
 * Priority (data sheet, "Fully Nested Mode" and "Automatic Rotation"):
 * the IR after `lowest` has the highest priority, then the following ones
 * in a circle. A request reaches INT when it is unmasked and ranks strictly
 * above every in-service level, with two exceptions:
 *  - special mask mode: in-service levels that are masked do not inhibit;
 *  - special fully nested mode (master only): a request on a cascade input
 *    is also accepted while that same input is in service, so a slave's
 *    higher-priority request can interrupt a lower one of the same slave.
 *
 * MCS-80/85 mode (ICW4 uPM = 0, or no ICW4) is recorded but acknowledges
 * still return an 8086-style vector: the CALL sequence of that mode has
 * no meaning to an x86 CPU, and ADI and A7-A5 of ICW1 are ignored.
 */
#include "dev/pic.h"

#include <string.h>

enum {
	ICW1_IC4 = 0x01,
	ICW1_SNGL = 0x02,
	ICW1_LTIM = 0x08,
	ICW1_SELECT = 0x10, /* D4 = 1 on the even port selects ICW1 */
	ICW4_UPM = 0x01,
	ICW4_AEOI = 0x02,
	ICW4_SFNM = 0x10,
	OCW3_SELECT = 0x08, /* D4 = 0, D3 = 1 on the even port selects OCW3 */
	OCW3_RIS = 0x01,
	OCW3_RR = 0x02,
	OCW3_POLL = 0x04,
	OCW3_SMM = 0x20,
	OCW3_ESMM = 0x40,
	POLL_REQUEST = 0x80,
	SPURIOUS_IR = 7,
	FLOATING_BUS = 0xFF,
};

/* OCW2 D7-D5 (R, SL, EOI). */
enum ocw2_cmd {
	OCW2_ROTATE_AEOI_CLEAR = 0,
	OCW2_EOI = 1,
	OCW2_NOP = 2,
	OCW2_SPECIFIC_EOI = 3,
	OCW2_ROTATE_AEOI_SET = 4,
	OCW2_ROTATE_EOI = 5,
	OCW2_SET_PRIORITY = 6,
	OCW2_ROTATE_SPECIFIC_EOI = 7,
};

/* Priority rank of input ir: 0 is the highest, 7 the lowest. */
static unsigned pic_rank(const struct pic *c, unsigned ir)
{
	return (ir - c->lowest - 1u) & 7u;
}

/* The highest-priority IR whose bit is set in bits, or -1. */
static int pic_highest(const struct pic *c, uint8_t bits)
{
	for (unsigned k = 1; k <= 8; k++) {
		unsigned ir = (c->lowest + k) & 7u;
		if (bits & (1u << ir))
			return (int)ir;
	}
	return -1;
}

/* Does input ir carry a slave (master in cascade mode, ICW3 bit set)? */
static bool pic_has_slave(const struct pic *c, unsigned ir)
{
	return c->is_master && !c->single && (c->icw3 & (1u << ir));
}

/* The request the chip would deliver now, or -1 (INT low). */
static int pic_pending(const struct pic *c)
{
	int req = pic_highest(c, c->irr & (uint8_t)~c->imr);
	if (req < 0)
		return -1;
	uint8_t inhibit = c->isr;
	if (c->special_mask)
		inhibit &= (uint8_t)~c->imr;
	int srv = pic_highest(c, inhibit);
	if (srv < 0 || pic_rank(c, (unsigned)req) < pic_rank(c, (unsigned)srv))
		return req;
	if (req == srv && c->fully_nested && pic_has_slave(c, (unsigned)req))
		return req;
	return -1;
}

/* ICW1 (data sheet, "Initialization Command Words"): everything but the
 * vector base starts over. The data sheet does not say what happens to
 * ISR; it is cleared here so a re-initialised chip has nothing in service. */
static void pic_icw1(struct pic *c, uint8_t v)
{
	c->single = v & ICW1_SNGL;
	c->need_icw4 = v & ICW1_IC4;
	c->level = v & ICW1_LTIM;
	/* "The edge sense circuit is reset": a line already high must fall
	 * and rise again. Level-triggered requests follow the line. */
	c->irr = c->level ? c->line : 0;
	c->isr = 0;
	c->imr = 0;          /* "The Interrupt Mask Register is cleared" */
	c->lowest = 7;       /* "IR7 input is assigned priority 7" */
	c->icw3 = 7;         /* "The slave mode address is set to 7" */
	c->special_mask = false; /* "Special Mask Mode is cleared" */
	c->read_isr = false;     /* "Status Read is set to IRR" */
	c->poll = false;
	c->rotate_aeoi = false;
	/* "If IC4 = 0, then all functions selected in ICW4 are set to zero" */
	c->mode_8086 = false;
	c->auto_eoi = false;
	c->fully_nested = false;
	c->init_step = PIC_STEP_ICW2;
}

static void pic_icw4(struct pic *c, uint8_t v)
{
	c->mode_8086 = v & ICW4_UPM;
	c->auto_eoi = v & ICW4_AEOI;
	c->fully_nested = v & ICW4_SFNM;
	/* BUF and M/S only steer the SP/EN pin; the role here is wired. */
}

static void pic_write_odd(struct pic *c, uint8_t v)
{
	switch (c->init_step) {
	case PIC_STEP_ICW2:
		c->vector_base = v & 0xF8; /* 8086 mode: T7-T3 */
		c->init_step = !c->single ? PIC_STEP_ICW3 : c->need_icw4 ? PIC_STEP_ICW4 : PIC_STEP_READY;
		break;
	case PIC_STEP_ICW3:
		c->icw3 = v;
		c->init_step = c->need_icw4 ? PIC_STEP_ICW4 : PIC_STEP_READY;
		break;
	case PIC_STEP_ICW4:
		pic_icw4(c, v);
		c->init_step = PIC_STEP_READY;
		break;
	default:
		c->imr = v; /* OCW1 */
		break;
	}
}

/* End of interrupt for level ir (-1: nothing in service, no effect). */
static void pic_eoi(struct pic *c, int ir, bool rotate)
{
	if (ir < 0)
		return;
	c->isr &= (uint8_t)~(1u << ir);
	if (rotate)
		c->lowest = (uint8_t)ir;
}

static void pic_ocw2(struct pic *c, uint8_t v)
{
	unsigned level = v & 7u;
	/* A non-specific EOI resets the highest in-service level; in special
	 * mask mode it skips levels masked by the IMR (data sheet, "End of
	 * Interrupt"). */
	uint8_t eoi_bits = c->special_mask ? c->isr & (uint8_t)~c->imr : c->isr;

	switch ((enum ocw2_cmd)(v >> 5)) {
	case OCW2_ROTATE_AEOI_CLEAR:
		c->rotate_aeoi = false;
		break;
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_aeoi = true;
		break;
	case OCW2_EOI:
		pic_eoi(c, pic_highest(c, eoi_bits), false);
		break;
	case OCW2_ROTATE_EOI:
		pic_eoi(c, pic_highest(c, eoi_bits), true);
		break;
	case OCW2_SPECIFIC_EOI:
		pic_eoi(c, (int)level, false);
		break;
	case OCW2_ROTATE_SPECIFIC_EOI:
		pic_eoi(c, (int)level, true);
		break;
	case OCW2_SET_PRIORITY:
		c->lowest = (uint8_t)level;
		break;
	case OCW2_NOP:
		break;
	}
}

static void pic_ocw3(struct pic *c, uint8_t v)
{
	if (v & OCW3_ESMM)
		c->special_mask = v & OCW3_SMM;
	if (v & OCW3_RR)
		c->read_isr = v & OCW3_RIS;
	c->poll = v & OCW3_POLL;
}

static void pic_write(struct pic *c, unsigned a0, uint8_t v)
{
	if (a0)
		pic_write_odd(c, v);
	else if (v & ICW1_SELECT)
		pic_icw1(c, v);
	else if (v & OCW3_SELECT)
		pic_ocw3(c, v);
	else
		pic_ocw2(c, v);
}

/* Drive input pin ir. */
static void pic_set_line(struct pic *c, unsigned ir, bool high)
{
	uint8_t bit = (uint8_t)(1u << ir);
	bool rising = high && !(c->line & bit);

	if (high)
		c->line |= bit;
	else
		c->line &= (uint8_t)~bit;
	if (c->level)
		c->irr = (c->irr & (uint8_t)~bit) | (c->line & bit);
	else if (rising)
		c->irr |= bit;
}

/* Accept request ir (INTA or poll): IRR to ISR, or straight through with
 * automatic EOI, which rotates if so commanded (data sheet, "AEOI Mode").
 * In level mode IRR keeps following the line. */
static void pic_accept(struct pic *c, unsigned ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (!c->level)
		c->irr &= (uint8_t)~bit;
	if (!c->auto_eoi)
		c->isr |= bit;
	else if (c->rotate_aeoi)
		c->lowest = (uint8_t)ir;
}

/* INTA on one chip, without cascade: its vector, or its IR7 if spurious. */
static uint8_t pic_ack(struct pic *c)
{
	int ir = pic_pending(c);

	if (ir < 0)
		return c->vector_base | SPURIOUS_IR;
	pic_accept(c, (unsigned)ir);
	return c->vector_base | (uint8_t)ir;
}

/* Poll command (data sheet, "The Poll Command"): the read acts as an
 * acknowledge and returns D7 = 1 and the level, or 0 without a request. */
static uint8_t pic_poll(struct pic *c)
{
	int ir = pic_pending(c);

	c->poll = false;
	if (ir < 0)
		return 0;
	pic_accept(c, (unsigned)ir);
	return POLL_REQUEST | (uint8_t)ir;
}

static uint8_t pic_read(struct pic *c, unsigned a0)
{
	if (c->poll)
		return pic_poll(c);
	if (a0)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

/* The slave's INT output drives the master's IR2 pin. Call after anything
 * that may change the slave's state. */
static void pair_cascade(struct pic_pair *p)
{
	pic_set_line(&p->master, PIC_CASCADE_IR, pic_pending(&p->slave) >= 0);
}

static struct pic *pair_chip(struct pic_pair *p, uint16_t port)
{
	switch (port & ~1u) {
	case PIC_MASTER_PORT:
		return &p->master;
	case PIC_SLAVE_PORT:
		return &p->slave;
	default:
		return NULL;
	}
}

static void pic_power_on(struct pic *c, bool is_master)
{
	memset(c, 0, sizeof(*c));
	c->is_master = is_master;
	c->imr = 0xFF;
	c->lowest = 7;
	c->icw3 = 7;
	c->init_step = PIC_STEP_READY;
}

void pic_pair_init(struct pic_pair *p)
{
	pic_power_on(&p->master, true);
	pic_power_on(&p->slave, false);
}

void pic_pair_reset_pc(struct pic_pair *p)
{
	/* port, value: the PC AT BIOS POST sequence (see pic.h) */
	static const uint8_t seq[][2] = {
		{ 0x20, 0x11 }, { 0x21, 0x08 }, { 0x21, 0x04 }, { 0x21, 0x01 },
		{ 0xA0, 0x11 }, { 0xA1, 0x70 }, { 0xA1, 0x02 }, { 0xA1, 0x01 },
		{ 0x21, 0x00 }, { 0xA1, 0x00 },
	};

	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		pic_pair_write(p, seq[i][0], seq[i][1]);
}

uint8_t pic_pair_read(struct pic_pair *p, uint16_t port)
{
	struct pic *c = pair_chip(p, port);

	if (!c)
		return FLOATING_BUS;
	uint8_t v = pic_read(c, port & 1u);
	pair_cascade(p);
	return v;
}

void pic_pair_write(struct pic_pair *p, uint16_t port, uint8_t v)
{
	struct pic *c = pair_chip(p, port);

	if (!c)
		return;
	pic_write(c, port & 1u, v);
	pair_cascade(p);
}

void pic_pair_set_irq(struct pic_pair *p, unsigned irq, bool level)
{
	if (irq == PIC_CASCADE_IR)
		irq = 9; /* PC AT: bus IRQ 2 is wired to slave IR1 */
	if (irq >= PIC_IRQ_COUNT)
		return;
	if (irq < 8)
		pic_set_line(&p->master, irq, level);
	else
		pic_set_line(&p->slave, irq - 8, level);
	pair_cascade(p);
}

bool pic_pair_intr(const struct pic_pair *p)
{
	return pic_pending(&p->master) >= 0;
}

uint8_t pic_pair_ack(struct pic_pair *p)
{
	struct pic *m = &p->master;
	int ir = pic_pending(m);
	uint8_t vector;

	if (ir < 0)
		return m->vector_base | SPURIOUS_IR;
	pic_accept(m, (unsigned)ir);
	if (!pic_has_slave(m, (unsigned)ir)) {
		vector = m->vector_base | (uint8_t)ir;
	} else if (ir == PIC_CASCADE_IR && (p->slave.icw3 & 7u) == PIC_CASCADE_IR) {
		/* The slave answers on CAS = its ID. Its INT counts as
		 * re-asserted after the INTA, so a request still pending there
		 * (auto-EOI slave) latches a fresh edge on the master's IR2. */
		vector = pic_ack(&p->slave);
		pic_set_line(m, PIC_CASCADE_IR, false);
	} else {
		vector = FLOATING_BUS; /* no slave on that input */
	}
	pair_cascade(p);
	return vector;
}
