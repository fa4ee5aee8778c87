/*
 * xms.h - the XMS 3.0 driver (a HIMEM equivalent in the host), shared by
 * its two files: xms.c (the VDD: settings, the entry point, INT 2Fh/43h,
 * the HMA, A20 and UMB functions) and xms_emb.c (extended memory blocks:
 * handles, allocation, moves, locks).
 */
#ifndef MVDM_XMS_H
#define MVDM_XMS_H

#include <stdbool.h>
#include <stdint.h>

#include "mvdm/vdd.h"

/* XMS error codes (XMS 3.0; RBIL table 02775). */
enum {
	XMS_NOT_IMPLEMENTED = 0x80,
	XMS_NO_HMA = 0x90,
	XMS_HMA_IN_USE = 0x91,
	XMS_HMA_TOO_SMALL = 0x92,
	XMS_HMA_NOT_ALLOCATED = 0x93,
	XMS_A20_STILL_ENABLED = 0x94,
	XMS_NO_MEMORY = 0xA0,
	XMS_NO_HANDLES = 0xA1,
	XMS_BAD_HANDLE = 0xA2,
	XMS_BAD_SRC_HANDLE = 0xA3,
	XMS_BAD_SRC_OFFSET = 0xA4,
	XMS_BAD_DST_HANDLE = 0xA5,
	XMS_BAD_DST_OFFSET = 0xA6,
	XMS_BAD_LENGTH = 0xA7,
	XMS_NOT_LOCKED = 0xAA,
	XMS_LOCKED = 0xAB,
	XMS_LOCK_OVERFLOW = 0xAC,
	XMS_SMALLER_UMB = 0xB0,
	XMS_NO_UMB = 0xB1,
	XMS_BAD_UMB = 0xB2,
};

struct xms_block {
	bool used;
	uint8_t locks;
	uint32_t kb;        /* size asked for */
	uint32_t pages;     /* 4 KiB pages held (0 for an empty block) */
	uint32_t phys;      /* physical address of the first */
};

struct xms {
	struct vm *vm;
	bool active;            /* 80286+ and XMS_MEMORY_LIMIT > 0 */
	uint16_t entry_seg;     /* the driver's entry point, entry_seg:0000 */
	uint32_t limit_kb;      /* XMS_MEMORY_LIMIT */
	uint32_t used_kb;       /* pages held by blocks, in KiB */
	uint32_t hma_min;       /* XMS_MINIMUM_HMA in bytes */
	bool a20_global;        /* function 03h/04h */
	uint32_t a20_local;     /* function 05h/06h count */
	struct xms_block *blocks; /* XMS_HANDLES of them; handle = index + 1 */
	unsigned nblocks;
	/* The call in progress. */
	struct vm16_regs r;
};

/* Results: AX = 1 (success) or AX = 0 with BL = the error. */
void xms_ok(struct xms *x);
void xms_fail(struct xms *x, uint8_t code);

/* xms_emb.c: functions 08h-0Fh and 88h-8Fh on x->r. */
void xms_emb_call(struct xms *x, uint8_t fn);
bool xms_is_emb_function(uint8_t fn);

#endif
