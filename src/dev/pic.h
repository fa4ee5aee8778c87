/*
 * pic.h - the PC AT interrupt controller pair: two Intel 8259A chips, the
 * master at ports 20h/21h and the slave at A0h/A1h, the slave's INT output
 * wired to the master's IR2 (IBM PC AT Technical Reference, System Board,
 * "Interrupts"). A pure device model: no clock, no bus, no allocation. The
 * owner embeds a struct pic_pair in its own state and calls these functions.
 *
 * Register map (Intel 8259A data sheet, "Programming the 8259A"):
 *
 *   A0 dir  condition                    register
 *   -- ---  ---------------------------  -------------------------------------
 *   0  out  D4 = 1                       ICW1: D0 IC4, D1 SNGL, D2 ADI,
 *                                              D3 LTIM (1 = level triggered)
 *   1  out  after ICW1                   ICW2: T7-T3 vector base (8086 mode)
 *   1  out  after ICW2, SNGL = 0         ICW3: master: 1 bit per IR with a
 *                                              slave; slave: ID in D2-D0
 *   1  out  after ICW2/3, IC4 = 1        ICW4: D0 uPM (1 = 8086), D1 AEOI,
 *                                              D2 M/S, D3 BUF, D4 SFNM
 *   1  out  initialised                  OCW1: interrupt mask register (IMR)
 *   0  out  D4 = 0, D3 = 0               OCW2: D7-D5 R SL EOI, D2-D0 level
 *                                              001 non-specific EOI
 *                                              011 specific EOI (level)
 *                                              101 rotate on non-specific EOI
 *                                              111 rotate on specific EOI
 *                                              110 set priority (level lowest)
 *                                              100/000 set/clear rotate in AEOI
 *                                              010 no operation
 *   0  out  D4 = 0, D3 = 1               OCW3: D6 ESMM, D5 SMM, D2 P (poll),
 *                                              D1 RR, D0 RIS (1 = ISR)
 *   0  in   poll pending                 poll word: D7 = request, D2-D0 level
 *   0  in                                IRR, or ISR if selected by OCW3
 *   1  in   poll pending                 poll word (as above)
 *   1  in                                IMR
 *
 * IRQ numbering: IRQ 0-7 are master IR0-7, IRQ 8-15 slave IR0-7. A PC AT
 * routes the bus line IRQ 2 to the slave's IR1 (IRQ 9), because master IR2
 * carries the cascade; pic_pair_set_irq() does the same.
 */
#ifndef MVDM_DEV_PIC_H
#define MVDM_DEV_PIC_H

#include <stdbool.h>
#include <stdint.h>

enum {
	PIC_MASTER_PORT = 0x20, /* 20h even (command), 21h odd (data) */
	PIC_SLAVE_PORT = 0xA0,  /* A0h, A1h */
	PIC_CASCADE_IR = 2,     /* master input that carries the slave's INT */
	PIC_IRQ_COUNT = 16,
};

/* Which byte the odd port expects next (data sheet, "Initialization flow"). */
enum pic_init_step { PIC_STEP_READY, PIC_STEP_ICW2, PIC_STEP_ICW3, PIC_STEP_ICW4 };

/*
 * One 8259A. Bit n of every 8-bit register stands for input IRn. Callers
 * may embed it but change it only through the pic_pair_* functions.
 */
struct pic {
	uint8_t irr;         /* interrupt request register */
	uint8_t isr;         /* in-service register */
	uint8_t imr;         /* interrupt mask register (OCW1) */
	uint8_t line;        /* present level of the IR0-IR7 input pins */
	uint8_t vector_base; /* ICW2 & F8h */
	uint8_t icw3;        /* master: slave bitmap; slave: ID in bits 2-0 */
	uint8_t lowest;      /* the IR with the lowest priority (7 after ICW1) */
	uint8_t init_step;   /* enum pic_init_step */
	bool is_master;      /* wiring (SP/EN pin), not programmable here */
	bool single;         /* ICW1 SNGL */
	bool need_icw4;      /* ICW1 IC4 */
	bool level;          /* ICW1 LTIM: all inputs level triggered */
	bool mode_8086;      /* ICW4 uPM */
	bool auto_eoi;       /* ICW4 AEOI */
	bool fully_nested;   /* ICW4 SFNM: special fully nested mode */
	bool rotate_aeoi;    /* OCW2 rotate in automatic EOI mode */
	bool special_mask;   /* OCW3 SMM */
	bool read_isr;       /* OCW3 RIS: even port reads ISR instead of IRR */
	bool poll;           /* OCW3 P: the next read is a poll */
};

struct pic_pair {
	struct pic master, slave;
};

/*
 * Power-on state. The data sheet leaves it undefined until ICW1; this model
 * starts with every input masked and no vector base, so an unprogrammed
 * pair never interrupts. Input lines are all low.
 */
void pic_pair_init(struct pic_pair *p);

/*
 * Program both chips as the PC AT BIOS POST does, through the ports:
 * ICW1 11h (edge, cascade, ICW4), ICW2 08h / 70h, ICW3 04h / 02h, ICW4 01h
 * (8086, normal EOI), then OCW1 00h (all unmasked). Input line levels are
 * kept; per ICW1 a line already high must fall and rise again to request.
 */
void pic_pair_reset_pc(struct pic_pair *p);

/* Port I/O on 20h, 21h, A0h, A1h. Other ports read FFh; writes are ignored. */
uint8_t pic_pair_read(struct pic_pair *p, uint16_t port);
void pic_pair_write(struct pic_pair *p, uint16_t port, uint8_t v);

/*
 * Drive input line irq (0-15; 2 means 9, see above; others are ignored).
 * Edge mode latches a rising edge into IRR, which then stays until the
 * request is acknowledged, so a device may pulse its line (the real chip
 * wants the line held until INTA). Level mode makes IRR follow the line.
 */
void pic_pair_set_irq(struct pic_pair *p, unsigned irq, bool level);

/* The master's INT output: a request the CPU should acknowledge. */
bool pic_pair_intr(const struct pic_pair *p);

/*
 * The CPU's interrupt acknowledge cycle (8086 mode). Returns the vector and
 * moves the request from IRR to ISR (ISR untouched with auto-EOI). When no
 * request survives to the INTA (line dropped in level mode, masked, or
 * outranked), the chip answers with its IR7 vector and sets no ISR bit:
 * spurious IRQ 7, or IRQ 15 from the slave, in which case the master's IR2
 * is in service and needs its EOI. A slave whose ICW3 ID does not match
 * the cascade input leaves the bus floating: FFh.
 */
uint8_t pic_pair_ack(struct pic_pair *p);

#endif
