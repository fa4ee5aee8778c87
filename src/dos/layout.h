/*
 * layout.h - where the DOS kernel keeps its guest-visible parts. The DOS
 * segment holds the stubs of dos.asm (offsets below, equal to its labels),
 * then the structures kernel.c builds: the list of lists (INT 21h/52h)
 * with the NUL device header inside it, the other device headers, the
 * current directory structure, the country tables and the root PSP. The
 * memory arena (MCB chain) starts at the first paragraph after it.
 * With DOS_HIGH the part from the country tables up (the tables and the
 * CDS) lives in the HMA at FFFF:DOS_HMA_TABLES instead, and the root PSP
 * and the arena move down to DOS_TABLES: that frees 2.8 KiB of
 * conventional memory (dos_layout(), kernel.c).
 * Sources: RBIL INT 21h/52h (list of lists, DOS 5 layout), table 01643
 * (device header), 01644 (CDS), INT 21h/6502h-6507h (country tables).
 */
#ifndef MVDM_DOS_LAYOUT_H
#define MVDM_DOS_LAYOUT_H

enum {
	DOS_SEG = 0x0070,

	/* Stubs (dos.asm). */
	DOS_INT21 = 0x00,
	DOS_INT21_WAIT = 0x08,
	DOS_INT21_WAITED = 0x0C, /* after its HLT: a quiet wait point (src/vm/quiet.c) */
	DOS_CTRLC = 0x18,
	DOS_IRET = 0x20,
	DOS_INT20 = 0x24,
	DOS_INT25 = 0x28,
	DOS_INT26 = 0x2C,
	DOS_INT27 = 0x30,
	DOS_INT29 = 0x34,
	DOS_INT2F = 0x38,
	DOS_INT28 = 0x3C,
	DOS_INT23 = 0x40,
	DOS_INT24 = 0x44,
	DOS_CALL5 = 0x48,
	DOS_ROOT_EXIT = 0x4C,
	DOS_DEV_ENTRY = 0x50,
	DOS_INT22 = 0x54,
	DOS_STUBS_END = 0x58,

	/* Supervisor calls (dos.asm). */
	DOS_SVC_INT21 = 0x14,
	DOS_SVC_INT20 = 0x15,
	DOS_SVC_INT25 = 0x16,
	DOS_SVC_INT26 = 0x17,
	DOS_SVC_INT27 = 0x18,
	DOS_SVC_INT29 = 0x19,
	DOS_SVC_INT2F = 0x1A,
	DOS_SVC_SHELL = 0x1B,
	DOS_SVC_CALL5 = 0x1C,
	DOS_SVC_INT23 = 0x1D,
	/* INT 28h uses the monitor's VM_SVC_IDLE (0x1E, src/vm/idle.c). */

	/* Data. */
	DOS_INDOS = 0x5E,          /* critical error flag at 5Dh, InDOS at 5Eh (INT 21h/34h) */
	DOS_SWITCHAR = 0x5F,
	DOS_LOL = 0x80,            /* list of lists; word at LOL-2 = first MCB */
	DOS_NUL_DEV = DOS_LOL + 0x22,
	DOS_DEVICES = 0x100,       /* CON, AUX, PRN, CLOCK$, COM1-4, LPT1-3: 18 bytes each */
	DOS_NDEVICES = 11,
	DOS_SFT = 0x1D0,           /* system file table header (entries live in the host) */
	DOS_DPB = 0x1E0,
	DOS_UPCASE = 0x200,        /* 2-byte size + 128 bytes: upper case for 80h-FFh */
	DOS_FUPCASE = 0x282,       /* filename upper case table, same form */
	DOS_FCHAR = 0x304,         /* filename character table (6505h) */
	DOS_COLLATE = 0x330,       /* 2-byte size + 256 bytes */
	DOS_DBCS = 0x432,          /* 2-byte size 0 + 0000 terminator */
	DOS_CDS = 0x440,           /* 26 entries of 58h bytes */
	DOS_CDS_ENTRY = 0x58,
	DOS_ROOT_PSP_OFF = 0xD40,  /* paragraph aligned */
	DOS_ROOT_PSP = DOS_SEG + (DOS_ROOT_PSP_OFF >> 4),
	DOS_ROOT_ENV_PARAS = 0x10, /* the root env follows the root PSP: 128 bytes */
	DOS_ROOT_MCB_PARAS = 0x18, /* the first MCB follows the root env */

	/* DOS_HIGH: what moves to the HMA, and where it goes. */
	DOS_TABLES = DOS_UPCASE,   /* from here to DOS_ROOT_PSP_OFF */
	DOS_HMA_TABLES = 0x100,    /* offset in segment FFFFh (after the CALL 5 jump at FFFF:00D0) */
	DOS_HIGH_ROOT_PSP = DOS_SEG + (DOS_TABLES >> 4),

	/* List of lists, DOS 5+ (RBIL table 01627). */
	DOS_LOL_UMB_LINKED = 0x66, /* byte: bit 0 = UMBs linked into the chain */
	DOS_LOL_UMB_MCB = 0x68,    /* word: the MCB that links the UMBs, FFFFh none */
};

#endif
