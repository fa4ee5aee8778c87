/*
 * vdd_speaker.c - the PC speaker gate as a VDD: port 61h (PC AT system
 * control port B; IBM PC AT Technical Reference): bit 0 gates PIT channel
 * 2, bit 1 enables the speaker data; reads return those bits with bit 4
 * (refresh toggle) and bit 5 (OUT2) from the PIT. The host asks
 * vm16_speaker() whether a tone sounds and at which frequency.
 */
#include <errno.h>
#include <stdlib.h>

#include "dev/board_links.h"
#include "mvdm/vdd.h"

struct speaker {
	struct speaker_timer timer; /* channel 2 of the PIT (the board wires it) */
	uint8_t bits;     /* guest-written bits of port 61h */
};

static uint32_t spk_read(void *inst, uint16_t port, unsigned size)
{
	(void)port;
	(void)size;
	struct speaker *s = inst;
	return (s->bits & 0x0F) | (s->timer.inst ? s->timer.status_bits(s->timer.inst) : 0);
}

static void spk_write(void *inst, uint16_t port, unsigned size, uint32_t v)
{
	(void)port;
	(void)size;
	struct speaker *s = inst;
	s->bits = (uint8_t)v;
	if (s->timer.inst)
		s->timer.set_gate(s->timer.inst, v & 1);
}

static int spk_create(struct vm *vm, void **inst)
{
	struct speaker *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	int rc = vdd_claim_ports(vm, "speaker", 0x61, 0x61, s, spk_read, spk_write);
	if (rc < 0) {
		free(s);
		return rc;
	}
	*inst = s;
	return 0;
}

void vdd_speaker_connect(void *inst, const struct speaker_timer *timer)
{
	struct speaker *s = inst;
	s->timer = *timer;
}

static void spk_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	free(inst);
}

const struct vdd_ops vdd_speaker_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "speaker",
	.create = spk_create,
	.terminate = spk_terminate,
};

int vm16_speaker(struct vm *vm, bool *on, uint32_t *hz)
{
	struct speaker *s = vdd_instance(vm, "speaker");
	if (!s)
		return -ENODEV;
	uint32_t f = s->timer.inst ? s->timer.tone_hz(s->timer.inst) : 0;
	*on = (s->bits & 3) == 3 && f != 0;
	*hz = *on ? f : 0;
	return 0;
}
