/*
 * pit.c - Intel 8254 programmable interval timer. See pit.h for the register
 * map and the contract; rules below cite the Intel 8254 data sheet (231164).
 *
 * Model
 * -----
 * Counters are advanced event to event, never clock by clock: ch_step()
 * moves one counter to its next OUT change (or to the end of the budget),
 * and periodic modes skip whole periods with one division. CE is kept as a
 * number below the modulus (65536 binary, 10000 BCD) and converted to BCD
 * only at the port.
 *
 * Timing (data sheet, mode definitions): after a count is written, the next
 * clock loads CR into CE and does not decrement it, so
 *   mode 0  OUT rises N+1 clocks after the write;
 *   mode 1  OUT falls 1 clock after the trigger and rises N clocks later;
 *   mode 2  OUT is low for the clock when CE = 1, then CE reloads and OUT
 *           rises: first rising edge N+1 clocks after the write, then every N;
 *   mode 3  OUT high for ceil(N/2) clocks, low for floor(N/2) clocks, the
 *           count reloading at each OUT change; first rising edge N+1 clocks
 *           after the write, then every N;
 *   mode 4  OUT low for one clock, N+1 clocks after the write;
 *   mode 5  OUT low for one clock, N+1 clocks after the trigger.
 */
#include "dev/pit.h"

#include <limits.h>
#include <string.h>

enum {
	CW_BCD = 0x01,
	CW_RW_SHIFT = 4,
	RW_LATCH = 0, RW_LSB = 1, RW_MSB = 2, RW_WORD = 3,
	RB_NO_COUNT = 0x20,   /* read-back: bit 5 low = latch count */
	RB_NO_STATUS = 0x10,  /* read-back: bit 4 low = latch status */
	ST_OUT = 0x80,
	ST_NULL_COUNT = 0x40,
	P61_GATE2 = 0x01,
	P61_SPKR_DATA = 0x02,
	P61_REFRESH = 0x10,
	P61_OUT2 = 0x20,
};

static uint32_t ch_modulus(const struct pit_channel *c)
{
	return (c->ctrl & CW_BCD) ? 10000u : 65536u;
}

/* Four BCD digits to a number. Digits above 9 are not defined by the data
   sheet; they are weighted as written and the result reduced mod 10000. */
static uint32_t bcd_decode(uint16_t raw)
{
	uint32_t v = ((raw >> 12) & 15u) * 1000u + ((raw >> 8) & 15u) * 100u +
		     ((raw >> 4) & 15u) * 10u + (raw & 15u);
	return v % 10000u;
}

static uint16_t bcd_encode(uint32_t v)
{
	return (uint16_t)((v / 1000u % 10u) << 12 | (v / 100u % 10u) << 8 |
			  (v / 10u % 10u) << 4 | v % 10u);
}

/* CR as a number below the modulus (0 stands for the modulus). */
static uint32_t ch_cr_value(const struct pit_channel *c)
{
	return (c->ctrl & CW_BCD) ? bcd_decode(c->cr) : c->cr;
}

/* Period for modes 2 and 3: 0 means the modulus (2^16 or 10^4). A count of
   1 is illegal in these modes (data sheet, minimum counts); we run it as 2. */
static uint32_t ch_cr_period(const struct pit_channel *c)
{
	uint32_t n = ch_cr_value(c);
	if (n == 0)
		n = ch_modulus(c);
	return n < 2 ? 2 : n;
}

static uint32_t sub_mod(uint32_t v, uint64_t d, uint32_t mod)
{
	return (uint32_t)((v + mod - d % mod) % mod);
}

static bool ch_periodic(const struct pit_channel *c)
{
	return c->mode == 2 || c->mode == 3;
}

/* CE now, as a number below the modulus. Mode 3 follows the data sheet:
   even N loads N and counts down by two; odd N loads N-1 and counts down
   by two, reading 0 on the extra clock of the high half. */
static uint32_t ch_value(const struct pit_channel *c)
{
	if (!(ch_periodic(c) && c->state == PIT_COUNTING))
		return c->ce_value;
	uint32_t n = c->period_ticks, p = c->pos_ticks, v;
	if (c->mode == 2)
		v = n - p;
	else if (n & 1)
		v = n - 1 - 2 * p;
	else
		v = n - 2 * p;
	return v % ch_modulus(c);
}

static uint16_t ch_raw(const struct pit_channel *c, uint32_t v)
{
	return (c->ctrl & CW_BCD) ? bcd_encode(v % 10000u) : (uint16_t)v;
}

/* Set OUT outside pit_advance(): a rising OUT0 is an IRQ 0 request now. */
static void pit_set_out(struct pit *t, unsigned i, bool level)
{
	struct pit_channel *c = &t->ch[i];
	if (i == 0 && level && !c->out && t->out0_edges_pending < UINT_MAX)
		t->out0_edges_pending++;
	c->out = level;
}

/* Modes 2/3: start a period (mode 3: a half-period) from CR. */
static void ch_reload(struct pit_channel *c)
{
	c->period_ticks = ch_cr_period(c);
	c->pos_ticks = 0;
	c->null_count = false;
}

/* The clock that moves CR to CE. */
static uint64_t step_load(struct pit_channel *c, uint64_t *edges)
{
	bool was = c->out;
	c->state = PIT_COUNTING;
	c->null_count = false;
	c->ce_value = ch_cr_value(c);
	c->armed = true;
	if (c->mode == 2 || c->mode == 3) {
		ch_reload(c);
		c->armed = false;
		c->out = true;
	} else if (c->mode == 1) {
		c->out = false;      /* the one-shot pulse starts */
	} else if (c->mode >= 4) {
		c->out = true;
	}
	*edges += !was && c->out;
	return 1;
}

/* Modes 0, 1, 4, 5: count CE down towards terminal count (CE reaches 0). */
static uint64_t step_one_shot(struct pit_channel *c, uint64_t budget, uint64_t *edges)
{
	uint32_t mod = ch_modulus(c);
	if (!c->armed) {  /* after terminal count CE wraps and keeps counting */
		c->ce_value = sub_mod(c->ce_value, budget, mod);
		return budget;
	}
	if (c->mode >= 4 && !c->out) {  /* the one-clock strobe ends */
		c->out = true;
		c->armed = false;
		c->ce_value = sub_mod(c->ce_value, 1, mod);
		*edges += 1;
		return 1;
	}
	uint64_t to_tc = c->ce_value ? c->ce_value : mod;
	if (budget < to_tc) {
		c->ce_value = sub_mod(c->ce_value, budget, mod);
		return budget;
	}
	c->ce_value = 0;
	if (c->mode <= 1) {
		c->out = true;
		c->armed = false;
		*edges += 1;
	} else {
		c->out = false;
	}
	return to_tc;
}

/* Modes 2 and 3. `fast` skips whole periods: from the start of a period with
   no new count waiting, each period of N clocks holds exactly one rising
   edge and ends in the same state. */
static uint64_t step_periodic(struct pit_channel *c, uint64_t budget, uint64_t *edges,
			      bool fast)
{
	uint64_t n = c->period_ticks;
	if (fast && c->pos_ticks == 0 && c->out && !c->null_count && budget >= n) {
		uint64_t k = budget / n;
		*edges += k;
		return k * n;
	}
	if (c->mode == 2) {
		if (c->pos_ticks + 1 < n) {  /* high part of the period */
			uint64_t d = n - 1 - c->pos_ticks;
			if (budget < d) {
				c->pos_ticks += (uint32_t)budget;
				return budget;
			}
			c->pos_ticks = (uint32_t)(n - 1);
			c->out = false;      /* CE = 1: the one-clock low pulse */
			return d;
		}
		ch_reload(c);
		c->out = true;
		*edges += 1;
		return 1;
	}
	uint64_t half = c->out ? (n + 1) / 2 : n / 2;
	uint64_t d = half - c->pos_ticks;
	if (budget < d) {
		c->pos_ticks += (uint32_t)budget;
		return budget;
	}
	c->out = !c->out;
	*edges += c->out;
	ch_reload(c);  /* a new count takes effect at each half-cycle end */
	return d;
}

/* Move counter `c` forward by at most `budget` (>= 1) clocks, stopping after
   its next event. Returns the clocks used (>= 1); rising edges of OUT are
   added to *edges. */
static uint64_t ch_step(struct pit_channel *c, uint64_t budget, uint64_t *edges, bool fast)
{
	switch (c->state) {
	case PIT_LOAD:
		return step_load(c, edges);
	case PIT_COUNTING:
		if (!c->gate && c->mode != 1 && c->mode != 5)
			return budget;  /* GATE low disables counting */
		if (ch_periodic(c))
			return step_periodic(c, budget, edges, fast);
		return step_one_shot(c, budget, edges);
	default:
		return budget;
	}
}

void pit_init(struct pit *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < PIT_CHANNELS; i++) {
		struct pit_channel *c = &t->ch[i];
		c->ctrl = RW_WORD << CW_RW_SHIFT;
		c->state = PIT_IDLE;
		c->out = true;
		c->null_count = true;
		c->gate = i != 2;
	}
}

void pit_bios_setup(struct pit *t)
{
	pit_write(t, 0x43, 0x36);  /* counter 0, LSB then MSB, mode 3, binary */
	pit_write(t, 0x40, 0x00);
	pit_write(t, 0x40, 0x00);
	pit_write(t, 0x43, 0x54);  /* counter 1, LSB only, mode 2, binary */
	pit_write(t, 0x41, 18);
}

static void ch_latch_count(struct pit_channel *c)
{
	if (c->count_latched)
		return;  /* a second latch before the read is ignored */
	c->ol = ch_raw(c, ch_value(c));
	c->count_latched = true;
}

static void ch_latch_status(struct pit_channel *c)
{
	if (c->status_latched)
		return;
	c->status = (uint8_t)((c->out ? ST_OUT : 0) | (c->null_count ? ST_NULL_COUNT : 0) |
			      c->ctrl);
	c->status_latched = true;
}

static void pit_control(struct pit *t, uint8_t v)
{
	unsigned sc = v >> 6;
	if (sc == 3) {  /* read-back command */
		for (unsigned i = 0; i < PIT_CHANNELS; i++) {
			if (!(v & (2u << i)))
				continue;
			if (!(v & RB_NO_COUNT))
				ch_latch_count(&t->ch[i]);
			if (!(v & RB_NO_STATUS))
				ch_latch_status(&t->ch[i]);
		}
		return;
	}
	struct pit_channel *c = &t->ch[sc];
	if (((v >> CW_RW_SHIFT) & 3) == RW_LATCH) {
		ch_latch_count(c);
		return;
	}
	/* A control word resets the counter's control logic: OUT to its
	   initial level, no count, flip-flops and latches cleared. CE keeps
	   its contents. */
	uint32_t ce = ch_value(c);
	c->ctrl = v & 0x3F;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;
	c->ce_value = ce % ch_modulus(c);
	c->state = PIT_IDLE;
	c->have_count = false;
	c->armed = false;
	c->null_count = true;
	c->write_msb = false;
	c->read_msb = false;
	c->count_latched = false;
	c->status_latched = false;
	pit_set_out(t, sc, c->mode != 0);
}

static void pit_write_count(struct pit *t, unsigned i, uint8_t v)
{
	struct pit_channel *c = &t->ch[i];
	switch ((c->ctrl >> CW_RW_SHIFT) & 3) {
	case RW_LSB:
		c->cr = v;
		break;
	case RW_MSB:
		c->cr = (uint16_t)(v << 8);
		break;
	default:
		if (!c->write_msb) {
			c->lsb = v;
			c->write_msb = true;
			if (c->mode == 0) {  /* the first byte stops counting */
				c->state = PIT_IDLE;
				pit_set_out(t, i, false);
			}
			return;
		}
		c->cr = (uint16_t)(c->lsb | v << 8);
		c->write_msb = false;
		break;
	}
	c->have_count = true;
	c->null_count = true;
	switch (c->mode) {
	case 0:
		pit_set_out(t, i, false);
		c->state = PIT_LOAD;
		break;
	case 2:
	case 3:  /* while counting, the new count waits for the next reload */
		if (c->state != PIT_COUNTING)
			c->state = PIT_LOAD;
		break;
	case 4:
		c->state = PIT_LOAD;
		break;
	default:  /* modes 1, 5: used by the next trigger */
		break;
	}
}

void pit_write(struct pit *t, uint16_t port, uint8_t v)
{
	unsigned p = port & 3u;
	if (p == 3)
		pit_control(t, v);
	else
		pit_write_count(t, p, v);
}

uint8_t pit_read(struct pit *t, uint16_t port)
{
	unsigned p = port & 3u;
	if (p == 3)
		return 0xFF;
	struct pit_channel *c = &t->ch[p];
	if (c->status_latched) {  /* status comes first, whatever was latched first */
		c->status_latched = false;
		return c->status;
	}
	uint16_t v = c->count_latched ? c->ol : ch_raw(c, ch_value(c));
	bool msb;
	switch ((c->ctrl >> CW_RW_SHIFT) & 3) {
	case RW_LSB:
		msb = false;
		c->count_latched = false;
		break;
	case RW_MSB:
		msb = true;
		c->count_latched = false;
		break;
	default:
		msb = c->read_msb;
		c->read_msb = !c->read_msb;
		if (msb)
			c->count_latched = false;
		break;
	}
	return (uint8_t)(msb ? v >> 8 : v);
}

void pit_set_gate(struct pit *t, unsigned ch, bool gate)
{
	if (ch >= PIT_CHANNELS || t->ch[ch].gate == gate)
		return;
	struct pit_channel *c = &t->ch[ch];
	c->gate = gate;
	if (gate) {
		/* Trigger: modes 1, 2, 3, 5 (re)load CR on the next clock. */
		if (c->mode != 0 && c->mode != 4 && c->have_count)
			c->state = PIT_LOAD;
		return;
	}
	if (ch_periodic(c)) {
		/* Modes 2/3: counting stops and OUT goes high at once. */
		if (c->state == PIT_COUNTING) {
			c->ce_value = ch_value(c);
			c->state = PIT_IDLE;
		}
		pit_set_out(t, ch, true);
	}
}

bool pit_out(const struct pit *t, unsigned ch)
{
	return ch < PIT_CHANNELS && t->ch[ch].out;
}

unsigned pit_advance(struct pit *t, uint64_t ticks)
{
	uint64_t edges[PIT_CHANNELS] = { t->out0_edges_pending, 0, 0 };
	t->out0_edges_pending = 0;
	for (unsigned i = 0; i < PIT_CHANNELS; i++) {
		for (uint64_t left = ticks; left > 0;)
			left -= ch_step(&t->ch[i], left, &edges[i], true);
	}
	/* Refresh detect toggles on each refresh request (OUT1 rising edge). */
	t->refresh_toggle ^= edges[1] & 1;
	return edges[0] > UINT_MAX ? UINT_MAX : (unsigned)edges[0];
}

uint64_t pit_next_edge0(const struct pit *t)
{
	if (t->out0_edges_pending)
		return 0;
	struct pit_channel c = t->ch[0];
	uint64_t total = 0;
	/* Any counter reaches its next rising edge within four events
	   (load, fall, rise) or never. */
	for (int i = 0; i < 6; i++) {
		uint64_t edges = 0, left = UINT64_MAX - total;
		uint64_t used = ch_step(&c, left, &edges, false);
		total += used;
		if (edges)
			return total;
		if (used == left)
			break;
	}
	return UINT64_MAX;
}

uint32_t pit_period_ticks(const struct pit *t, unsigned ch)
{
	if (ch >= PIT_CHANNELS)
		return 0;
	const struct pit_channel *c = &t->ch[ch];
	if (!ch_periodic(c) || c->state != PIT_COUNTING || !c->gate)
		return 0;
	return c->period_ticks;
}

uint8_t pit_port61_read(struct pit *t, uint8_t latch61)
{
	uint8_t v = latch61 & 0x0F;
	if (t->refresh_toggle)
		v |= P61_REFRESH;
	if (t->ch[2].out)
		v |= P61_OUT2;
	return v;
}

void pit_port61_write(struct pit *t, uint8_t latch61)
{
	pit_set_gate(t, 2, latch61 & P61_GATE2);
}

bool pit_speaker_level(const struct pit *t, uint8_t latch61)
{
	return (latch61 & P61_SPKR_DATA) && t->ch[2].out;
}
