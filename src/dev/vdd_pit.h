/* vdd_pit.h - what the speaker VDD asks of the PIT VDD (its channel 2). */
#ifndef MVDM_DEV_VDD_PIT_H
#define MVDM_DEV_VDD_PIT_H

#include <stdbool.h>
#include <stdint.h>

/* Gate of channel 2 (port 61h bit 0). */
void vdd_pit_set_gate2(void *pit_inst, bool gate);
/* Port 61h bits from the timer: 5 = OUT2, 4 = refresh toggle (OUT1). */
uint8_t vdd_pit_port61_bits(void *pit_inst);
/* Channel 2's square-wave frequency in Hz, 0 when it is not running. */
uint32_t vdd_pit_tone_hz(void *pit_inst);

#endif
