/*
 * ems.h - the LIM EMS 4.0 expanded memory manager (VEMM) as a VDD, shared
 * by its files: ems.c (the VDD, its settings, physical pages, INT 67h
 * dispatch, the EMMXXXX0 device), ems_pages.c (handles, allocation,
 * mapping, names, saved maps), ems_move.c (function 57h), ems_os.c (the
 * LIM 4.0 functions 55h, 56h, 58h-5Dh).
 * Sources: Lotus/Intel/Microsoft Expanded Memory Specification 4.0;
 * RBIL INT 67h (table 03650 for the status codes).
 */
#ifndef MVDM_EMS_H
#define MVDM_EMS_H

#include <stdbool.h>
#include <stdint.h>

#include "mvdm/vdd.h"

enum {
	EMS_PAGE_SIZE = 16384,
	EMS_MAX_HANDLES = 255,   /* handle 0 (the operating system's) and 1-254 */
	EMS_MAX_PHYS = 48,       /* mappable physical pages (4 + 6 + 36 at most; a map fits AL bytes) */
	EMS_UNMAPPED = 0xFFFF,   /* logical page of an unmapped physical page */
	EMS_NAME_LEN = 8,
};

/* Status codes (AH). */
enum {
	EMS_OK = 0x00,
	EMS_INTERNAL = 0x80,
	EMS_BAD_HANDLE = 0x83,
	EMS_BAD_FUNCTION = 0x84,
	EMS_NO_HANDLES = 0x85,
	EMS_SAVED_CONTEXT = 0x86,
	EMS_TOO_MANY_PAGES = 0x87,
	EMS_NOT_ENOUGH_PAGES = 0x88,
	EMS_ZERO_PAGES = 0x89,
	EMS_BAD_LOGICAL = 0x8A,
	EMS_BAD_PHYSICAL = 0x8B,
	EMS_SAVE_FULL = 0x8C,
	EMS_ALREADY_SAVED = 0x8D,
	EMS_NOT_SAVED = 0x8E,
	EMS_BAD_SUBFUNCTION = 0x8F,
	EMS_BAD_ATTRIBUTE = 0x90,
	EMS_UNSUPPORTED = 0x91,
	EMS_MOVE_OVERLAP = 0x92,     /* a move overlapped: done, as if through a buffer */
	EMS_LENGTH_EXCEEDS = 0x93,
	EMS_REGIONS_OVERLAP = 0x94,
	EMS_OFFSET_OUTSIDE = 0x95,
	EMS_LENGTH_TOO_BIG = 0x96,
	EMS_EXCHANGE_OVERLAP = 0x97,
	EMS_BAD_MEMORY_TYPE = 0x98,
	EMS_BAD_ALT_SET = 0x9C,
	EMS_BAD_DMA_SET = 0x9D,
	EMS_NO_DMA_CHANNEL = 0x9F,
	EMS_NAME_NOT_FOUND = 0xA0,
	EMS_NAME_EXISTS = 0xA1,
	EMS_WRAPS = 0xA2,
	EMS_CORRUPT = 0xA3,
	EMS_DENIED = 0xA4,
};

struct ems_handle {
	bool used;
	bool saved;                     /* 47h saved the frame's map */
	uint8_t name[EMS_NAME_LEN];
	uint16_t npages;
	uint32_t *pages;                /* physical address of each logical page (malloc'd) */
	uint32_t save[4];               /* 47h: handle << 16 | logical of frame pages 0-3 */
};

struct ems_phys {
	uint16_t seg;                   /* segment of the 16 KiB physical page */
	uint16_t handle, logical;       /* what it shows; logical EMS_UNMAPPED: nothing */
};

struct ems {
	struct vm *vm;
	bool active;
	uint16_t stub_seg;              /* device header, INT 67h entry (ems_stub.asm) */
	uint16_t frame_seg;             /* 0: no page frame */
	struct ems_phys phys[EMS_MAX_PHYS]; /* by physical page number: the frame's 0-3 first */
	unsigned nphys;
	uint32_t limit_pages;           /* EMS_MEMORY_LIMIT / 16 */
	uint32_t used_pages;            /* pages held by handles 1-254 */
	struct ems_handle handles[EMS_MAX_HANDLES];
	uint32_t alt_map;               /* 5B01h: seg << 16 | off of the map area, 0: none */
	bool os_disabled;               /* 5D01h: the OS/E functions are off */
	bool os_key_given;
	uint32_t os_key;                /* 5Dh access key */
	/* The call in progress. */
	struct vm16_regs r;
};

/* Registers of the call in progress. */
static inline uint8_t ems_al(const struct ems *e) { return (uint8_t)e->r.eax; }
static inline uint16_t ems_bx(const struct ems *e) { return (uint16_t)e->r.ebx; }
static inline uint16_t ems_cx(const struct ems *e) { return (uint16_t)e->r.ecx; }
static inline uint16_t ems_dx(const struct ems *e) { return (uint16_t)e->r.edx; }
static inline uint32_t ems_lin(uint16_t seg, uint16_t off) { return ((uint32_t)seg << 4) + off; }
void ems_set_ah(struct ems *e, uint8_t status);
void ems_set16(uint32_t *reg, uint16_t v);
void ems_set_al(struct ems *e, uint8_t v);

/* ems_pages.c */
struct ems_handle *ems_handle(struct ems *e, uint16_t h);   /* NULL: invalid */
uint32_t ems_free_pages(const struct ems *e);
int ems_allocate(struct ems *e, uint16_t pages, bool zero_ok, uint16_t *handle); /* status */
int ems_reallocate(struct ems *e, uint16_t handle, uint16_t pages);
int ems_deallocate(struct ems *e, uint16_t handle);
/* Map logical page `logical` of handle (EMS_UNMAPPED: unmap) at physical page p. */
int ems_map(struct ems *e, unsigned p, uint16_t handle, uint16_t logical);
int ems_phys_of_segment(const struct ems *e, uint16_t seg); /* page number or -1 */
/* Page map arrays (4Eh, 4Fh, 5Bh): the size, and saving/restoring them. */
unsigned ems_map_size(const struct ems *e);
void ems_map_save(struct ems *e, uint32_t lin);
int ems_map_restore(struct ems *e, uint32_t lin);
/* The map of mappable pages in (handle, logical) pairs: mapping many
 * pages at once (50h, 55h, 56h). by_segment: the pairs name segments. */
int ems_map_many(struct ems *e, uint16_t handle, uint32_t lin, unsigned count, bool by_segment);
void ems_release_all(struct ems *e);

/* Function groups on e->r; each sets AH. */
void ems_fn_basic(struct ems *e, uint8_t fn);   /* 40h-4Dh, 51h (ems_pages.c) */
void ems_fn_maps(struct ems *e, uint8_t fn);    /* 4Eh, 4Fh, 50h, 52h-54h (ems_pages.c) */
void ems_fn_move(struct ems *e);                /* 57h (ems_move.c) */
void ems_fn_os(struct ems *e, uint8_t fn);      /* 55h, 56h, 58h-5Dh (ems_os.c) */
void ems_call_return(struct ems *e);            /* the end of a 56h call (ems_os.c) */
enum { EMS_STUB_INT67 = 0x50, EMS_STUB_CALL_RETURN = 0x54 }; /* ems_stub.asm */

#endif
